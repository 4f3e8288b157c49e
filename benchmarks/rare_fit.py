"""Rare diseases (issue 14): the fitted likelihood, by publication-grouped two-fold cross-validation.

For each publication fold k (fold = sha256 of the PMID mod 2, as in benchmarks/accuracy.py), the scoring
parameters are fitted without fold k's cases, on (a) the other fold's real cases, and (b) simulated
patients (learning/fit/simulate.py) whose settings the other fold's real cases chose; fold k is then scored
through the one evaluation (inference.evaluation.score_cases), OMIM-only and over all sources, and reported
per half (cases whose publication the annotations cite for that disease / the rest). The top-1 probability
is recalibrated for fold k with the Platt fit on the other fold's held-out scores. The fit on all cases (what
a release would ship) is printed at the end.

    python benchmarks/rare_fit.py [--cases DIR] [--out reports/rare_fit] [--simulate] [--sim-patients 1500]
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.accuracy import OMIM, cited_mask, eval_cases  # noqa: E402
from inference.calibration import fit_calibration, recalibrate_top1  # noqa: E402
from inference.engine import Diagnoser  # noqa: E402
from inference.evaluation import (  # noqa: E402
    NOT_RANKED,
    expected_calibration_error,
    publication_fold,
    rank_summary,
    score_cases,
)
from inference.params import ModelParams  # noqa: E402
from inference.phenopackets import iter_packets, packet_to_case  # noqa: E402
from knowledge.build import ensure_kb  # noqa: E402
from knowledge.config import load_settings  # noqa: E402
from learning.fit.crossval import (  # noqa: E402
    choose_for_fold,
    fit_by_fold,
    fitted_params,
    simulated_fits,
)
from learning.fit.dataset import build_dataset  # noqa: E402
from learning.fit.model import FREE, Objective  # noqa: E402
from learning.fit.optimize import fit_parameters  # noqa: E402
from learning.fit.simulate import SimulatorSettings  # noqa: E402

SOURCES = {"OMIM": OMIM, "all sources": None}


def simulator_grid() -> list[SimulatorSettings]:
    """The middle setting and one-at-a-time departures from it (fixed before any result)."""
    middle = SimulatorSettings()
    return [
        middle,
        replace(middle, report_rate=0.85),
        replace(middle, ancestor_rate=0.3, sibling_rate=0.2, descendant_rate=0.4),
        replace(middle, ancestor_rate=0.0, sibling_rate=0.0, descendant_rate=0.0),
        replace(middle, extra_features=3.0),
        replace(middle, noise_findings=3.0),
        replace(middle, own_absent_rate=0.4, other_absent=10.0),
        # second round, matched to the match-type mix of real cases' true diagnoses (independent half, all
        # cases, cited half): exact / sibling-cousin / more general / more specific / unmatched findings
        replace(
            middle,
            report_rate=0.9,
            ancestor_rate=0.03,
            sibling_rate=0.35,
            descendant_rate=0.1,
            extra_features=3.0,
            noise_findings=0.7,
            own_absent_rate=0.3,
            other_absent=10.0,
        ),
        replace(
            middle,
            report_rate=0.9,
            ancestor_rate=0.02,
            sibling_rate=0.15,
            descendant_rate=0.05,
            extra_features=1.5,
            noise_findings=0.4,
            own_absent_rate=0.3,
            other_absent=10.0,
        ),
        replace(
            middle,
            report_rate=0.9,
            ancestor_rate=0.01,
            sibling_rate=0.03,
            descendant_rate=0.02,
            extra_features=0.3,
            noise_findings=0.1,
            own_absent_rate=0.3,
            other_absent=10.0,
        ),
    ]


def combine(by_fold: dict, folds: np.ndarray) -> dict[str, np.ndarray]:
    """Per case (in the original order): rank, and the top-1 probability recalibrated by the Platt fit on
    the other fold's held-out scores."""
    ranks = np.full(len(folds), NOT_RANKED)
    top1 = np.zeros(len(folds))
    for k, scores in by_fold.items():
        other = [s for j, s in by_fold.items() if j != k]
        calibration = fit_calibration(
            np.concatenate([s.top1_raw for s in other]),
            np.concatenate([s.second_raw for s in other]),
            np.concatenate([s.ranks == 1 for s in other]),
        )
        index = np.flatnonzero(folds == k)
        ranks[index] = scores.ranks
        top1[index] = recalibrate_top1(scores.top1_raw, scores.second_raw, calibration)
    return {"ranks": ranks, "top1": top1}


def summarise(result: dict[str, np.ndarray], parts: dict[str, np.ndarray]) -> dict:
    row = {name: rank_summary(result["ranks"][mask], (1, 3, 10)) for name, mask in parts.items()}
    row["ece_top1"] = expected_calibration_error(result["top1"], result["ranks"] == 1)
    return row


def print_row(name: str, row: dict) -> None:
    cells = [
        "/".join(f"{100 * row[p][k]:.1f}" for k in ("top1", "top3", "top10"))
        for p in ("all", "cited", "independent")
    ]
    print(f"{name:52} {cells[0]:>17} {cells[1]:>17} {cells[2]:>17} {row['ece_top1']:>6.3f}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", default=str(REPO.parent / "shared" / "data" / "phenopackets" / "dev"))
    parser.add_argument("--out", default=str(REPO / "reports" / "rare_fit"))
    parser.add_argument("--floor", type=float, default=0.01, help="robust objective: log(p_truth + floor)")
    parser.add_argument("--simulate", action="store_true", help="also fit on simulated patients")
    parser.add_argument("--sim-patients", type=int, default=1500)
    parser.add_argument("--cache", help="pickle of the real cases' fit data (reused when its KB matches)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    log = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    started = time.time()

    kb = ensure_kb(load_settings())
    cases = [packet_to_case(kb, p) for _, p in iter_packets(Path(args.cases))]
    cases = [c for c in cases if c.diagnoses]
    evaluation = eval_cases(cases)
    folds = np.asarray([publication_fold(c.case_id) for c in cases])
    cited = cited_mask(kb, cases)
    parts = {"all": np.ones(len(cases), dtype=bool), "cited": cited, "independent": ~cited}
    literature = replace(ModelParams(), fitted_contexts=())  # the literature likelihood everywhere
    base = Diagnoser(kb, literature)
    cache = Path(args.cache) if args.cache else None
    if cache and cache.exists() and pickle.loads(cache.read_bytes())["kb"] == kb.version:
        data = pickle.loads(cache.read_bytes())["data"]
    else:
        data = build_dataset(base, evaluation, OMIM, progress=True)
        if cache:
            cache.write_bytes(pickle.dumps({"kb": kb.version, "data": data}, protocol=5))
    log(f"{len(cases)} cases, fit data {len(data.row_entry)} rows ({time.time() - started:.0f} s)")

    def diagnoser_for(params: ModelParams) -> Diagnoser:
        return Diagnoser(kb, params, network=base.network)

    methods: dict[str, dict[int, ModelParams]] = {"literature defaults": {0: literature, 1: literature}}
    fits = fit_by_fold(data, folds, args.floor)
    methods["fitted on the other fold's real cases"] = {
        k: fitted_params(literature, f.values) for k, f in fits.items()
    }
    no_sim = tuple(n for n in FREE if n != "sim_weight")
    fits_no_sim = fit_by_fold(data, folds, args.floor, no_sim)
    methods["the same without the similarity term"] = {
        k: fitted_params(literature, f.values) for k, f in fits_no_sim.items()
    }
    report: dict = {
        "cases": len(cases),
        "cited": int(cited.sum()),
        "hpo_release": kb.release,
        "kb_version": kb.version,
        "floor": args.floor,
        "fits": {
            **{f"real, without fold {k}": f.values for k, f in fits.items()},
            **{f"real without similarity, without fold {k}": f.values for k, f in fits_no_sim.items()},
        },
        "methods": {},
    }
    if args.simulate:
        results = simulated_fits(base, simulator_grid(), data, folds, args.floor, args.sim_patients, log)
        chosen = {k: choose_for_fold(results, k) for k in (0, 1)}
        methods["fitted on simulated patients (settings chosen by the other fold)"] = {
            k: fitted_params(literature, c.fit.values) for k, c in chosen.items()
        }
        report["simulation"] = [
            {"settings": r.settings.as_dict(), "values": r.fit.values, "real_loss": r.real_loss}
            for r in results
        ]
        report["fits"].update(
            {f"simulated, chosen without fold {k}": c.fit.values for k, c in chosen.items()}
        )

    print(
        f"{'method (held-out folds)':52} {'all t1/t3/t10':>17} {'cited':>17} {'independent':>17} {'ECE':>6}"
    )
    for source_name, sources in SOURCES.items():
        for name, by_fold in methods.items():
            scores = {}
            for k, params in by_fold.items():
                chosen_cases = [c for c, f in zip(evaluation, folds, strict=True) if f == k]
                scores[k] = score_cases(diagnoser_for(params), chosen_cases, f"{name} {k}", sources)
            row = summarise(combine(scores, folds), parts)
            row["median_ms"] = 1000 * float(np.median(np.concatenate([s.seconds for s in scores.values()])))
            label = f"{name}, {source_name}"
            report["methods"][label] = row
            print_row(label, row)

    final = fit_parameters(data, FREE, objective=Objective(data, args.floor))
    report["fits"]["real, all cases (to ship)"] = final.values
    print("fit on all cases:", json.dumps({k: round(v, 4) for k, v in final.values.items()}))
    (out / "rare_fit.json").write_text(json.dumps(report, indent=2, default=float))
    log(f"report: {out / 'rare_fit.json'} ({time.time() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
