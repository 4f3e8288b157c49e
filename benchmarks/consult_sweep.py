"""Consultation hyperparameters, one at a time, on the decision sets only: half A of the dev vignettes and the
written samples, by hand annotation and (with --text) by note, in primary care and emergency. Half B is never
read. Prints first places, top-3 and top-10 per set, and the mean reciprocal rank and log(P(truth) + 0.01)
over all sets, so that a setting is judged on samples drawn by how often diagnoses occur (round 16, fresh) as
well as on those with one patient per diagnosis (half A, styles).

    python benchmarks/consult_sweep.py '{"consult_prior_exponent": [0.3, 0.7]}' [--text]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import vignettes as V  # noqa: E402

from inference.engine import Diagnoser  # noqa: E402
from inference.evaluation import EvalCase, score_cases  # noqa: E402
from inference.params import ModelParams  # noqa: E402
from knowledge.build import ensure_kb  # noqa: E402
from knowledge.config import load_settings  # noqa: E402

CONTEXTS = ("primary-care", "emergency")


def decision_sets(kb, text: bool) -> dict[str, list[EvalCase]]:
    """Cases per '<set> <path> <context>': half A and each written sample, by hand (and by note)."""
    from notes import WRITTEN, read_vignettes, vignette_note

    half_a = [r for r in V.read_mapping() if V.vignette_half(r["source_line"]) == "A"]
    written = V.read_written()
    notes = {line: vignette_note(v) for line, v in read_vignettes().items() if V.vignette_half(line) == "A"}
    sets: dict[str, list[EvalCase]] = {}
    for context in CONTEXTS:
        sets[f"A hand {context}"] = [V.vignette_case(kb, r, context) for r in half_a]
        if text:
            sets[f"A text {context}"] = [V.text_case(kb, r, notes[r["source_line"]], context) for r in half_a]
        for sample in WRITTEN:
            rows = [r for r in written if r["sample"] == sample]
            sets[f"{sample} hand {context}"] = [V.vignette_case(kb, r, context) for r in rows]
            if text:
                sets[f"{sample} text {context}"] = [V.text_case(kb, r, r["note"], context) for r in rows]
    return sets


def figures(diagnoser: Diagnoser, sets: dict[str, list[EvalCase]]) -> dict[str, tuple]:
    """Per set: (first places, top-3, top-10, mean reciprocal rank, mean log(P(truth) + 0.01))."""
    out = {}
    for name, cases in sets.items():
        scores = score_cases(diagnoser, cases, calibration=(0.0, 0.0, 0.0))
        ranks = scores.ranks
        out[name] = (
            int((ranks == 1).sum()),
            int((ranks <= 3).sum()),
            int((ranks <= 10).sum()),
            float(np.mean(1 / ranks)),
            float(np.mean(np.log(scores.true_raw + 0.01))),
        )
    return out


def show(label: str, result: dict[str, tuple]) -> None:
    top1 = sum(v[0] for v in result.values())
    top3 = sum(v[1] for v in result.values())
    mrr = np.mean([v[3] for v in result.values()])
    log_p = np.mean([v[4] for v in result.values()])
    print(f"{label:44} top-1 {top1:5} top-3 {top3:5} MRR {mrr:.4f} log P {log_p:.4f}")
    print("    " + "  ".join(f"{name}: {v[0]}/{v[1]}/{v[2]}" for name, v in result.items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("grid", help='JSON {"ModelParams field": [values, ...]}')
    parser.add_argument("--text", action="store_true", help="also rank each case from its note")
    args = parser.parse_args()
    grid = json.loads(args.grid)
    unknown = set(grid) - {f.name for f in dataclasses.fields(ModelParams)}
    if unknown:
        parser.error(f"not ModelParams fields: {', '.join(sorted(unknown))}")
    kb = ensure_kb(load_settings())
    sets = decision_sets(kb, args.text)
    base = ModelParams()
    show("defaults", figures(Diagnoser(kb, params=base), sets))
    for name, values in grid.items():
        for value in values:
            params = dataclasses.replace(base, **{name: value})
            show(f"{name} = {value}", figures(Diagnoser(kb, params=params), sets))
    return 0


if __name__ == "__main__":
    sys.exit(main())
