"""How the literature-only hyperparameters were checked: one-at-a-time sweeps scored per publication fold.

Each value is scored on the dev cases (OMIM candidates) and reported per fold (fold = sha256 of the PMID
mod 2, as in benchmarks/accuracy.py) and per half (cases whose publication the annotations cite, the
rest): a value is worth adopting only when it helps on both folds. Nothing here is fitted to a fold; the
defaults in inference/params.py are the reference row.

    python benchmarks/param_sweep.py [--cases DIR] [--params leak_floor,unreported_rate] [--out DIR]
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

from benchmarks.accuracy import OMIM, cited_mask, eval_cases  # noqa: E402
from inference.engine import Diagnoser  # noqa: E402
from inference.evaluation import publication_fold, score_cases  # noqa: E402
from inference.params import ModelParams  # noqa: E402
from inference.phenopackets import iter_packets, packet_to_case  # noqa: E402
from knowledge.build import ensure_kb  # noqa: E402
from knowledge.config import load_settings  # noqa: E402

GRID: dict[str, list] = {
    "missing_frequency": [0.15, 0.5],
    "leak_floor": [0.0005, 0.005],
    "leak_scale": [0.2, 1.0],
    "related_discount": [0.03, 0.3],
    "exclusion_sensitivity": [0.03, 0.3],
    "unreported_rate": [0.0, 0.1],
    "onset_mismatch_factor": [0.05, 1.0],
    "merge_twins": [False],
}


def hits(ranks: np.ndarray, mask: np.ndarray) -> tuple[float, float]:
    return float((ranks[mask] <= 1).mean()), float((ranks[mask] <= 10).mean())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", default=str(REPO.parent / "shared" / "data" / "phenopackets" / "dev"))
    parser.add_argument("--params", help="comma-separated subset of: " + ", ".join(GRID))
    parser.add_argument("--out", default=str(REPO / "reports" / "param_sweep"))
    args = parser.parse_args()
    from tqdm import tqdm

    kb = ensure_kb(load_settings())
    cases = [packet_to_case(kb, packet) for _, packet in iter_packets(Path(args.cases))]
    cases = [c for c in cases if c.diagnoses]
    folds = np.asarray([publication_fold(c.case_id) for c in cases])
    evaluation = eval_cases(cases)
    cited = cited_mask(kb, cases)
    parts = {"fold 0": folds == 0, "fold 1": folds == 1, "cited": cited, "independent": ~cited}
    chosen = args.params.split(",") if args.params else list(GRID)
    unknown = [p for p in chosen if p not in GRID]
    if unknown:
        parser.error(f"unknown parameter(s): {', '.join(unknown)}")
    literature = dataclasses.replace(ModelParams(), fitted_contexts=())  # these knobs are the literature
    # likelihood's; the rare-disease clinic's fitted likelihood is fitted by benchmarks/rare_fit.py
    settings = [("defaults", literature)] + [
        (f"{name}={value}", dataclasses.replace(literature, **{name: value}))
        for name in chosen
        for value in GRID[name]
    ]
    rows = []
    header = "".join(f"{p:>16}" for p in parts)
    print(f"{'setting':32}{header}   (top-1 / top-10, %)")
    for label, params in tqdm(settings, desc="settings", unit="setting", file=sys.stderr):
        diagnoser = Diagnoser(kb, params)
        ranks = score_cases(diagnoser, evaluation, label, OMIM).ranks
        row = {"setting": label, **{p: hits(ranks, m) for p, m in parts.items()}}
        rows.append(row)
        cells = "".join(f"{100 * row[p][0]:>8.1f}/{100 * row[p][1]:<7.1f}" for p in parts)
        tqdm.write(f"{label:32}{cells}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "param_sweep.json").write_text(json.dumps({"cases": len(cases), "rows": rows}, indent=2))
    print(f"report: {out / 'param_sweep.json'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
