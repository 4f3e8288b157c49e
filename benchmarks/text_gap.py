"""Where the text path loses against the hand path (issue 12), on the decision sets only (half A of the dev
vignettes and the written samples; half B is never read): each case's hand-mapped evidence takes one part
from its note's reading at a time (present findings, absent findings, vital signs, risk factors, how the
complaint started, how long it lasted, age and sex), then the findings the text reads beyond the hand
mapping are added to the hand mapping, and the hand findings the text misses are taken from it (a finding
matches one is_a step away, as in benchmarks/notes.py).

    python benchmarks/text_gap.py [--contexts primary-care,emergency]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import vignettes as V  # noqa: E402

from inference.engine import Diagnoser  # noqa: E402
from inference.evaluation import EvalCase, score_cases  # noqa: E402
from knowledge.build import ensure_kb  # noqa: E402
from knowledge.config import load_settings  # noqa: E402

PARTS = {
    "risk factors": ("risk_factors", "family_history"),
    "how it started": ("complaint_onset",),
    "how long": ("duration_days",),
    "age and sex": ("age_years", "sex"),
}


def with_findings(case: EvalCase, findings: list) -> EvalCase:
    return EvalCase(case.case_id, dataclasses.replace(case.evidence, findings=findings), case.truths)


def reported(case: EvalCase, present: bool | None = None) -> list:
    """The case's findings not derived from vital signs (present or absent ones only, when asked)."""
    return [
        f
        for f in case.evidence.findings
        if f.source != "vitals" and (present is None or f.present == present)
    ]


def variants(kb, hand: list[EvalCase], text: list[EvalCase]) -> dict[str, list[EvalCase]]:
    """The hand cases with one part of the evidence from the text, and the text cases' extras and misses."""

    def near(a: str, b: str) -> bool:
        ia, ib = kb.term_index[a], kb.term_index[b]
        return ia == ib or ib in kb.parents(ia) or ia in kb.parents(ib)

    out: dict[str, list[EvalCase]] = {"hand": hand, "text": text}
    for name, present in (("present findings", True), ("absent findings", False)):
        out[f"hand, the text's {name}"] = [
            with_findings(
                h,
                [f for f in h.evidence.findings if f.source == "vitals" or f.present != present]
                + reported(t, present),
            )
            for h, t in zip(hand, text, strict=True)
        ]
    out["hand, the text's vital signs"] = [
        with_findings(h, reported(h) + [f for f in t.evidence.findings if f.source == "vitals"])
        for h, t in zip(hand, text, strict=True)
    ]
    for name, fields in PARTS.items():
        out[f"hand, the text's {name}"] = [
            EvalCase(
                h.case_id,
                dataclasses.replace(h.evidence, **{k: getattr(t.evidence, k) for k in fields}),
                h.truths,
            )
            for h, t in zip(hand, text, strict=True)
        ]
    extras, misses = [], []
    for h, t in zip(hand, text, strict=True):
        mine, theirs = reported(h, True), reported(t, True)
        extras.append([f for f in theirs if not any(near(f.term, g.term) for g in mine)])
        misses.append([g for g in mine if not any(near(f.term, g.term) for f in theirs)])
    out["hand + what only the text reads"] = [
        with_findings(h, h.evidence.findings + e) for h, e in zip(hand, extras, strict=True)
    ]
    out["hand - what the text misses"] = [
        with_findings(h, [f for f in h.evidence.findings if f not in m])
        for h, m in zip(hand, misses, strict=True)
    ]
    out["text + what it misses"] = [
        with_findings(t, t.evidence.findings + m) for t, m in zip(text, misses, strict=True)
    ]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contexts", default="primary-care,emergency")
    args = parser.parse_args()
    from notes import read_vignettes, vignette_note

    kb = ensure_kb(load_settings())
    diagnoser = Diagnoser(kb)
    rows = [r for r in V.read_mapping() if V.vignette_half(r["source_line"]) == "A"]
    written = V.read_written()
    notes = {line: vignette_note(v) for line, v in read_vignettes().items() if V.vignette_half(line) == "A"}
    print(f"{len(rows)} half-A vignettes and {len(written)} written ones (half B is not read)")
    for context in args.contexts.split(","):
        hand = [V.vignette_case(kb, r, context) for r in rows + written]
        text = [V.text_case(kb, r, notes[r["source_line"]], context) for r in rows] + [
            V.text_case(kb, r, r["note"], context) for r in written
        ]
        for name, cases in variants(kb, hand, text).items():
            ranks = score_cases(diagnoser, cases, calibration=(0.0, 0.0, 0.0)).ranks
            print(
                f"{context:13} {name:40} top-1 {(ranks == 1).sum():4} top-3 {(ranks <= 3).sum():4} "
                f"top-10 {(ranks <= 10).sum():4} MRR {np.mean(1 / ranks):.4f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
