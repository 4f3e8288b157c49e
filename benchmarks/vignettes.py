"""Common-disease accuracy on the published dev vignettes (../shared/data/vignettes/avey_dev.jsonl).

The findings are a reviewed hand mapping of each vignette to HPO terms made before looking at any ranking
(benchmarks/data/vignette_findings_part*.jsonl: line numbers and terms only, never the texts). A knowledge
base disease counts as the right answer when one of its ICD-10 codes and one of the vignette's are the same
code or one contains the other (J02 matches J02.0 and J02.9; J02.0 does not match J02.9). Coverage is the
share of vignettes whose diagnosis maps, by ICD-10 3-character category, to a knowledge-base disease.
Vignettes are split into two fixed halves by a hash of their source line: anything fitted on vignettes is
fitted on half A only; half B is the held-out figure (with a 95% bootstrap interval).

    python benchmarks/vignettes.py [--contexts primary-care,emergency] [--model literature] [--out DIR]
        [--text] [--written]

--text also gives each vignette as its note (benchmarks/notes.py: vignette_note) to the note extractor, as
`dxgraph diagnose --notes` does, and prints the text path's top-1/top-3 beside the hand-mapped path.
--written also ranks the 322 vignettes written and annotated by helpers for the note rounds (benchmarks/
data/notes_ed, notes_fresh, notes_styles, notes_round16; their diagnoses coded to ICD-10 in
notes_written_icd10.jsonl and notes_round16_icd10.jsonl), by hand annotation and by text: a second decision
set beside half A, so that half B stays held out.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from inference.evaluation import (  # noqa: E402
    IDENTITY,
    EvalCase,
    bootstrap_interval,
    expected_calibration_error,
    rank_summary,
    score_cases,
)
from inference.evidence import make_evidence  # noqa: E402
from inference.loading import load_diagnoser  # noqa: E402
from knowledge.build import ensure_kb  # noqa: E402
from knowledge.config import load_settings  # noqa: E402

MAPPING = sorted((REPO / "benchmarks" / "data").glob("vignette_findings_part*.jsonl"))
# how long each vignette's complaint had lasted (days; null when the text does not say; for an episodic
# complaint the current episode, its whole span in span_days), mapped by hand from the text before any
# ranking used it (file line and numbers only)
DURATIONS = REPO / "benchmarks" / "data" / "vignette_durations.jsonl"
# what each vignette states of the patient's risk factors (ontologies/risk_factors.ttl ids, present and
# absent, and the diseases named in the family history), mapped by hand from the text before any ranking
# used it (file line, ids and short disease names only)
RISKS = REPO / "benchmarks" / "data" / "vignette_risks.jsonl"
# how each vignette's complaint started (sudden / gradual / null), mapped by hand the same way
ONSETS = REPO / "benchmarks" / "data" / "vignette_onsets.jsonl"
# the ICD-10 codes of the written samples' diagnoses (benchmarks/notes.py: ed, fresh, styles; vignettes
# written and annotated by helpers for the note rounds, never from the published ones), coded from the
# diagnosis names before any ranking used them
WRITTEN_CODES = [
    REPO / "benchmarks" / "data" / name for name in ("notes_written_icd10.jsonl", "notes_round16_icd10.jsonl")
]
WRITTEN_RISKS = REPO / "benchmarks" / "data" / "notes_risk.jsonl"
VITAL_KEYS = {"resp_rate": "respiratory_rate"}


def vignette_half(source_line: int) -> str:
    """'A' (may be used to fit) or 'B' (held out), fixed by a hash of the vignette's source line."""
    return "AB"[int(hashlib.sha256(f"vignette:{source_line}".encode()).hexdigest(), 16) % 2]


def read_mapping(
    paths: list[Path] = MAPPING,
    durations: Path | None = DURATIONS,
    risks: Path | None = RISKS,
    onsets: Path | None = ONSETS,
) -> list[dict]:
    """The hand-mapped vignettes in file order, each with its complaint's duration when `durations`, its risk
    factors when `risks` and how its complaint started when `onsets`."""
    rows = [row for path in paths for row in _jsonl(path)]
    if durations is not None:
        lasted = _by_line(durations)
        for row in rows:
            row["duration_days"] = lasted.get(row["file_line"], {}).get("duration_days")
    if risks is not None:
        stated = _by_line(risks)
        for row in rows:
            risk = stated.get(row["file_line"], {})
            factors = {f: True for f in risk.get("present", [])} | {f: False for f in risk.get("absent", [])}
            factors.pop("family_history_of_it", None)  # (the diseases named: family_of)
            row["risk_factors"] = factors
            row["family_of"] = risk.get("family_of", [])
    if onsets is not None:
        started = _by_line(onsets)
        for row in rows:
            row["complaint_onset"] = started.get(row["file_line"], {}).get("onset")
    return sorted(rows, key=lambda r: r["file_line"])


def _jsonl(path: Path) -> list[dict]:
    """The rows of a JSONL file (blank lines skipped)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _by_line(path: Path) -> dict[int, dict]:
    """A hand mapping's rows by the vignette's line in avey_dev.jsonl."""
    return {row["file_line"]: row for row in _jsonl(path)}


def icd_match(a: str, b: str) -> bool:
    """Same code, or one is a more specific code of the other (J02 ~ J02.0; J02.0 !~ J02.9)."""
    a, b = a.upper(), b.upper()
    return (
        a == b
        or a.startswith(b + ".")
        or b.startswith(a + ".")
        or (len(b) == 3 and a[:3] == b)
        or (len(a) == 3 and b[:3] == a)
    )


def truths_for(kb, codes: list[str]) -> tuple[str, ...]:
    """Knowledge-base diseases whose ICD-10 codes match one of the vignette's."""
    return tuple(
        kb.disease_ids[i]
        for i, info in enumerate(kb.disease_info)
        if any(icd_match(mine, theirs) for mine in info.get("icd10", []) for theirs in codes)
    )


def covered(kb, codes: list[str]) -> bool:
    categories = {c[:3].upper() for info in kb.disease_info for c in info.get("icd10", [])}
    return any(code[:3].upper() in categories for code in codes)


def vignette_case(kb, row: dict, context: str, use_history: bool = False) -> EvalCase:
    """The evidence a doctor would enter for the vignette: current findings, absent findings, vitals, age and
    sex. Past conditions (hypertension, diabetes...) are comorbidities, not manifestations of the current
    disease, so they are left out unless asked for (--with-history)."""
    present = list(dict.fromkeys(row["present"] + (row.get("history", []) if use_history else [])))
    absent = [t for t in dict.fromkeys(row["absent"]) if t not in present]
    vitals = {VITAL_KEYS.get(k, k): v for k, v in (row.get("vitals") or {}).items()}
    evidence = make_evidence(
        kb,
        present,
        absent,
        age_years=row.get("age"),
        sex=row.get("sex"),
        context=context,
        vitals=vitals or None,
        duration_days=row.get("duration_days"),
        risk_factors=row.get("risk_factors"),
        family_history=family_ids(kb, row.get("family_of", [])),
        complaint_onset=row.get("complaint_onset"),
        strict=False,
    )
    return EvalCase(f"vignette:{row['source_line']}", evidence, truths_for(kb, row["diagnosis_icd10"]))


_NAMES: dict = {}


def family_ids(kb, names: list[str]) -> list[str]:
    """The curated diseases the family history names (knowledge.notes.disease_names, as the note reader)."""
    from knowledge.notes.disease_names import DiseaseNames

    if not names:
        return []
    if kb.version not in _NAMES:
        _NAMES[kb.version] = DiseaseNames(kb)
    table = _NAMES[kb.version]
    return list(dict.fromkeys(d for name in names for d in table.lookup(name)))


def text_case(kb, row: dict, note: str, context: str) -> EvalCase:
    """The vignette given as its note (demographics, complaint, presentation, negatives, history), read by
    the note extractor exactly as `dxgraph diagnose --notes` reads a JSONL line."""
    from cli.note_cases import note_from_object

    line = {"id": f"vignette:{row['source_line']}", "text": note, "context": context}
    case = note_from_object(kb, line | {"lang": row.get("lang", "en")})
    if "duration_days" not in row:  # (compared without durations: the note's own reading left out too)
        case.evidence.duration_days = None
    if "risk_factors" not in row:  # (compared without risk factors: the note's own reading left out too)
        case.evidence.risk_factors, case.evidence.family_history = {}, []
    if "complaint_onset" not in row:  # (compared without how it started)
        case.evidence.complaint_onset = None
    return EvalCase(case.case_id, case.evidence, truths_for(kb, row["diagnosis_icd10"]))


def evaluate(kb, diagnoser, rows: list[dict], context: str, notes: dict[int, str] | None = None) -> dict:
    """Top-k, coverage and calibration per half, with bootstrap intervals on the held-out half; with `notes`
    (source line -> note text) the findings come from the text instead of the hand mapping."""
    cases = [
        text_case(kb, row, notes[row["source_line"]], context) if notes else vignette_case(kb, row, context)
        for row in rows
    ]
    scores = score_cases(diagnoser, cases, f"vignettes {context}")
    halves = np.asarray([vignette_half(r["source_line"]) for r in rows])
    cover = np.asarray([covered(kb, r["diagnosis_icd10"]) for r in rows])
    # coverage is by ICD-10 category; a vignette no disease's code matches can never rank
    matchable = np.asarray([bool(case.truths) for case in cases])
    top1, brier = scores.calibrated()
    result: dict = {}
    for name, mask in (
        ("all", np.ones(len(rows), bool)),
        ("A", halves == "A"),
        ("B (held out)", halves == "B"),
    ):
        ranks = scores.ranks[mask]
        part = {
            **rank_summary(ranks, (1, 3, 10)),
            "coverage": float(cover[mask].mean()),
            "matchable": float(matchable[mask].mean()),
        }
        part["ece"] = expected_calibration_error(top1[mask], ranks == 1)
        part["brier"] = float(brier[mask].mean())
        for k in (1, 3, 10):
            part[f"top{k}_ci"] = bootstrap_interval(ranks, lambda r, k=k: float((r <= k).mean()))
        part["ece_ci"] = bootstrap_interval(
            np.c_[top1[mask], ranks == 1], lambda a: expected_calibration_error(a[:, 0], a[:, 1])
        )
        part["brier_ci"] = bootstrap_interval(brier[mask], lambda b: float(b.mean()))
        result[name] = part
    result["_scores"] = scores
    result["_halves"] = halves
    return result


def dont_miss_figures(kb, diagnoser, rows: list[dict], context: str) -> dict:
    """Per half: of the vignettes whose diagnosis is a time-critical one, how many have it in the don't-miss
    block; and the block's mean size over all vignettes (issue 11: >= 90% flagged, <= 3 on average)."""
    critical = {kb.disease_ids[i] for i, info in enumerate(kb.disease_info) if info.get("dont_miss")}
    out: dict = {}
    for row in rows:
        case = vignette_case(kb, row, context)
        block = {flag.disease_id for flag in diagnoser.diagnose(case.evidence, top=10).dont_miss}
        empty = {"flagged": 0, "due": 0, "sizes": [], "missed": []}
        half = out.setdefault(vignette_half(row["source_line"]), empty)
        half["sizes"].append(len(block))
        if critical & set(case.truths):
            hit = bool(block & set(case.truths))
            half["due"] += 1
            half["flagged"] += hit
            if not hit:
                half["missed"].append(row["source_line"])
    for half in out.values():
        half["mean_block"] = float(np.mean(half.pop("sizes")))
    return out


def print_dont_miss(figures: dict, context: str) -> None:
    cells = "; ".join(
        f"half {h} flagged {f['flagged']}/{f['due']}, block {f['mean_block']:.2f} on average"
        for h, f in sorted(figures.items())
    )
    print(f"don't miss, {context:12} {cells}")


def text_path(kb, diagnoser, rows: list[dict], context: str, hand: dict) -> dict:
    """The text path's figures, printed beside the hand-mapped ones (difference on the held-out half)."""
    from notes import read_vignettes, vignette_note

    notes = {line: vignette_note(v) for line, v in read_vignettes().items()}
    result = evaluate(kb, diagnoser, rows, context, notes)
    result.pop("_scores"), result.pop("_halves")
    for name, p in result.items():
        print(
            f"{'(text)':14}{name:14}{p['cases']:>5}{100 * p['coverage']:>6.1f}%"
            f"{100 * p['top1']:>6.1f}%{100 * p['top3']:>6.1f}%{100 * p['top10']:>6.1f}%"
            f"{p['ece']:>7.3f}{p['brier']:>7.3f}"
        )
    held, text = hand["B (held out)"], result["B (held out)"]
    print(
        f"{'':14}held-out text minus hand: top-1 {100 * (text['top1'] - held['top1']):+.1f}, "
        f"top-3 {100 * (text['top3'] - held['top3']):+.1f} points"
    )
    return result


def read_written() -> list[dict]:
    """The written samples (ED, fresh and styles rounds) as rows like the hand mapping's: their annotation,
    risk factors, how the complaint started and how long it lasted where annotated, their ICD-10 codes and
    their note (`note`, in the row's `lang`)."""
    from notes import WRITTEN, read_sample, vignette_note

    codes = {r["id"]: r["icd10"] for path in WRITTEN_CODES for r in _jsonl(path)}
    risks = {r["id"]: r for r in _jsonl(WRITTEN_RISKS)}
    rows = []
    for sample in WRITTEN:
        for row in read_sample(sample):
            risk = row.get("risk") or risks[row["id"]]  # (round 16 rows carry their own)
            factors = {f: True for f in risk["present"]} | {f: False for f in risk["absent"]}
            factors.pop("family_history_of_it", None)
            extra = {key: row[key] for key in ("duration_days",) if key in row}
            if "onset" in row:
                extra["complaint_onset"] = row["onset"]
            rows.append(
                {
                    **row,
                    **extra,
                    "source_line": row["id"],
                    "sample": sample,
                    "diagnosis_icd10": codes[row["id"]],
                    "risk_factors": factors,
                    "family_of": risk["family_of"],
                    "note": vignette_note(row["vignette"], row.get("lang", "en")),
                }
            )
    return rows


def written_figures(kb, diagnoser, rows: list[dict], context: str) -> dict:
    """Hand and text path on the written samples, per sample and together: a second set, beside half A,
    on which a knowledge or reading change can be decided without the held-out half."""
    out: dict = {}
    for path in ("hand", "text"):
        cases = [
            text_case(kb, r, r["note"], context) if path == "text" else vignette_case(kb, r, context)
            for r in rows
        ]
        scores = score_cases(diagnoser, cases, f"written {context} {path}")
        samples = np.asarray([r["sample"] for r in rows])
        for name in ("all", *dict.fromkeys(samples)):
            mask = np.ones(len(rows), bool) if name == "all" else samples == name
            part = rank_summary(scores.ranks[mask], (1, 3, 10))
            part["matchable"] = float(np.mean([bool(cases[i].truths) for i in np.flatnonzero(mask)]))
            out[f"{path} {name}"] = part
            print(
                f"{context:14}{'written ' + path + ' ' + name:22}{part['cases']:>5}"
                f"{100 * part['matchable']:>6.1f}%{100 * part['top1']:>6.1f}%{100 * part['top3']:>6.1f}%"
                f"{100 * part['top10']:>6.1f}%  MRR {part['mrr']:.3f}"
            )
    return out


def fit_consult_calibration(kb, diagnoser, rows: list[dict]) -> int:
    """Platt recalibration of the top-1 probability on half A, pooled over primary care and emergency."""
    from inference.calibration import fit_calibration

    half_a = [r for r in rows if vignette_half(r["source_line"]) == "A"]
    top1, second, correct = [], [], []
    for context in ("primary-care", "emergency"):
        scores = score_cases(diagnoser, [vignette_case(kb, r, context) for r in half_a], calibration=IDENTITY)
        top1 += scores.top1_raw.tolist()
        second += scores.second_raw.tolist()
        correct += (scores.ranks == 1).tolist()
    fitted = fit_calibration(np.asarray(top1), np.asarray(second), np.asarray(correct))
    print(f"consult_calibration = ({fitted[0]:.3f}, {fitted[1]:.3f}, {fitted[2]:.3f})  # {len(top1)} cases")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contexts", default="primary-care,emergency")
    parser.add_argument("--model", default="literature", help="literature, latest or a model directory")
    parser.add_argument("--out", default=str(REPO / "reports" / "vignettes"))
    parser.add_argument(
        "--fit-calibration",
        action="store_true",
        help="fit the consultation recalibration on half A (both contexts) and print it for ModelParams",
    )
    parser.add_argument(
        "--text", action="store_true", help="also read each vignette's text with the note extractor"
    )
    parser.add_argument(
        "--written",
        action="store_true",
        help="also rank the written samples (ED, fresh, styles) by hand annotation and by text",
    )
    parser.add_argument(
        "--without-onset",
        action="store_true",
        help="leave out how the complaint started (hand mapping and notes), to compare",
    )
    parser.add_argument(
        "--without-risk",
        action="store_true",
        help="leave out the patient's risk factors (hand mapping and notes), to compare",
    )
    parser.add_argument(
        "--without-duration",
        action="store_true",
        help="leave out how long the complaint had lasted (hand mapping and notes), to compare",
    )
    args = parser.parse_args()
    settings = load_settings()
    kb = ensure_kb(settings)
    diagnoser = load_diagnoser(kb, settings.models_dir, args.model)
    rows = read_mapping(
        durations=None if args.without_duration else DURATIONS,
        risks=None if args.without_risk else RISKS,
        onsets=None if args.without_onset else ONSETS,
    )
    if args.fit_calibration:
        return fit_consult_calibration(kb, diagnoser, rows)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    report: dict = {
        "vignettes": len(rows),
        "model": diagnoser.model_version,
        "kb": kb.version,
        "contexts": {},
    }
    print(f"{len(rows)} mapped vignettes; KB {kb.version} ({len(kb.disease_ids)} diseases)")
    print(
        f"{'context':14}{'part':14}{'n':>5}{'cover':>7}{'top1':>7}{'top3':>7}{'top10':>7}{'ECE':>7}{'Brier':>7}"
    )
    for context in args.contexts.split(","):
        result = evaluate(kb, diagnoser, rows, context)
        scores, halves = result.pop("_scores"), result.pop("_halves")
        report["contexts"][context] = result
        for name, p in result.items():
            print(
                f"{context:14}{name:14}{p['cases']:>5}{100 * p['coverage']:>6.1f}%"
                f"{100 * p['top1']:>6.1f}%{100 * p['top3']:>6.1f}%{100 * p['top10']:>6.1f}%"
                f"{p['ece']:>7.3f}{p['brier']:>7.3f}"
            )
        held = result["B (held out)"]
        print(
            f"{'':14}a disease's code matches the diagnosis (else it cannot rank): "
            + ", ".join(f"{name} {100 * p['matchable']:.1f}%" for name, p in result.items())
        )
        print(
            f"{'':14}held-out 95% CI: top-1 {100 * held['top1_ci'][0]:.1f}-{100 * held['top1_ci'][1]:.1f}, "
            f"top-3 {100 * held['top3_ci'][0]:.1f}-{100 * held['top3_ci'][1]:.1f}, "
            f"ECE {held['ece_ci'][0]:.3f}-{held['ece_ci'][1]:.3f}"
        )
        from inference.evaluation.report import reliability_plot

        top1, _ = scores.calibrated()
        mask = halves == "B"
        reliability_plot(
            top1[mask],
            scores.ranks[mask] == 1,
            out / f"reliability_{context}.png",
            f"Held-out vignettes, {context} (ECE {held['ece']:.3f})",
        )
        per_case = [
            {"source_line": r["source_line"], "half": h, "rank": int(k), "predicted": p}
            for r, h, k, p in zip(rows, halves, scores.ranks, scores.predicted, strict=True)
        ]
        (out / f"cases_{context}.json").write_text(json.dumps(per_case, indent=0))
        figures = dont_miss_figures(kb, diagnoser, rows, context)
        report["contexts"][f"{context} (don't miss)"] = figures
        print_dont_miss(figures, context)
        if args.text:
            report["contexts"][f"{context} (text)"] = text_path(kb, diagnoser, rows, context, result)
        if args.written:
            written = read_written()
            report["contexts"][f"{context} (written)"] = written_figures(kb, diagnoser, written, context)
    (out / "vignettes.json").write_text(json.dumps(report, indent=2))
    print(f"report: {out / 'vignettes.json'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
