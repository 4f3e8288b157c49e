"""The CLI's "why" block: each finding's effect in the site's words and scale (web/wording.py)."""

from __future__ import annotations

import math
from typing import TextIO

from inference.engine import Diagnoser, Diagnosis, RankedDisease
from inference.evidence import Evidence
from inference.explain import explain
from web import wording
from web.messages import MESSAGES

__all__ = ["twin_line", "write_why"]

WORDS = MESSAGES["en"]


def twin_line(diagnoser: Diagnoser, row: RankedDisease) -> str | None:
    """'also catalogued as ORPHA:558, which gives 89% of this probability' for an entry with a twin."""
    if row.twin is None:
        return None
    kb = diagnoser.kb
    name = kb.disease_names[kb.disease_index[row.twin[0]]]
    return wording.twin_words(row.twin[0], name if name != row.label else None, row.twin[1])


def write_why(
    out: TextIO, diagnoser: Diagnoser, diagnosis: Diagnosis, evidence: Evidence, rows: list[RankedDisease]
) -> None:
    """Strongest effect first; findings with no effect listed on one line."""
    effects = wording.log_effects(diagnoser, evidence, diagnosis, [row.index for row in rows])
    for row in rows:
        explanation = explain(diagnoser, diagnosis, row.index)
        out.write(f"\nwhy {row.disease_id} {row.label} ({row.probability:.1%}):\n")
        readings = []
        for c in explanation.contributions:
            log_times = effects[row.index].get(c.term, c.log_lr)
            readings.append((abs(log_times), c, wording.effect(math.exp(max(min(log_times, 700), -700)))))
        readings.sort(key=lambda item: -item[0])
        quiet = []
        for _, c, reading in readings:
            what = ("present" if c.present else "absent") + (f", {c.severity}" if c.severity else "")
            if reading.effect == "none":
                quiet.append(f"{c.label} [{what}]")
                continue
            how = WORDS["match_" + c.match]
            if c.matched_term and c.matched_term != c.term:
                how += f": {c.matched_label} ({c.matched_term})"
            if c.matched_term and c.matched_frequency is not None:
                how += ", " + WORDS["of_patients"].format(pct=f"{c.matched_frequency:.0%}")
            arrow = "+" if reading.effect == "up" else "-"
            out.write(f"  {arrow} {reading.words:<34} {c.label} ({c.term}) [{what}]; {how}\n")
        if quiet:
            out.write(f"    {wording.word('none')}: {', '.join(quiet)}\n")
        if evidence.complaint_onset:
            log_ratio = float(diagnoser.onsets.log_ratio(evidence.complaint_onset)[row.index])
            if log_ratio:
                said = wording.onset_words(evidence.complaint_onset, log_ratio)
                out.write(f"  {'+' if log_ratio > 0 else '-'} {said}\n")
        family = diagnoser.family_rows(evidence)
        for key, present, log_ratio in diagnoser.risk.explain(row.index, evidence.risk_factors, family):
            label = diagnoser.risk.factors[key].label
            said = wording.risk_words(label, present, log_ratio)
            out.write(f"  {'+' if log_ratio > 0 else '-'} risk factor: {said}\n")
        if explanation.missing_frequent:
            listed = ", ".join(
                f"{m.label} ({WORDS['of_patients'].format(pct=f'{m.frequency:.0%}')})"
                for m in explanation.missing_frequent
            )
            out.write(f"  frequent features not reported: {listed}\n")
    if rows:
        out.write(f"  (effects: {wording.word('scale')})\n")
