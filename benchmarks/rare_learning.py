"""Rare diseases (issue 14): learning from patient data, by publication-grouped two-fold cross-validation.

The dev cases are ingested through the real store; for each publication fold k a model is learned
(`learning.learn.fit`: learned frequencies, data-only diseases, case-mix prior) from the other fold's cases
and scored on fold k through the one evaluation (inference.evaluation.score_cases), OMIM-only and over all
sources, per half (cited / independent) and by how many training cases the true disease had (0, 1, 2-5,
more than 5), with and without the case-mix prior. The scoring parameters are the literature defaults, or
the fitted likelihood fitted without fold k (from benchmarks/rare_fit.py's report, `--fits`); with the
latter a learned model refits them on its training fold's learned networks as `learn` does
(`learning.learn.refit_scoring`; "literature fit kept": not refitted). The ECE column
recalibrates each candidate set with its own map fitted on the other fold; "one clinic map" lines give the ECE
(95% bootstrap) of the shipped kind of map, one for both candidate sets, fitted on the other fold's scores.

    python benchmarks/rare_learning.py [--cases DIR] [--fits benchmarks/data/rare_fit.json|none] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.accuracy import KEY, OMIM, cited_mask, eval_cases  # noqa: E402
from benchmarks.rare_fit import combine  # noqa: E402
from inference.artifact import diagnoser_from_artifact  # noqa: E402
from inference.calibration import fit_calibration, recalibrate_top1  # noqa: E402
from inference.engine import Diagnoser  # noqa: E402
from inference.evaluation import (  # noqa: E402
    bootstrap_interval,
    expected_calibration_error,
    publication_fold,
    rank_summary,
    score_cases,
)
from inference.params import ModelParams  # noqa: E402
from inference.phenopackets import iter_packets, packet_to_case  # noqa: E402
from knowledge.build import ensure_kb  # noqa: E402
from knowledge.config import load_settings  # noqa: E402
from learning.fit.crossval import fitted_params  # noqa: E402
from learning.ingest.pipeline import ingest_phenopackets  # noqa: E402
from learning.learn import ancestor_table, fit, refit_scoring  # noqa: E402
from learning.privacy.pseudonym import pseudonym  # noqa: E402
from learning.refine import LearningParams  # noqa: E402
from learning.store import Store  # noqa: E402

NO_PRIOR = 1e12  # prior_pseudocount so large that the case-mix multiplier is 1
BINS = {"0 training cases": (0, 0), "1": (1, 1), "2-5": (2, 5), ">5": (6, 10**9)}


def training_counts(cases: list, folds: np.ndarray) -> np.ndarray:
    """Per case: training cases (other fold) of its first diagnosis."""
    result = np.zeros(len(cases), dtype=int)
    for k in np.unique(folds):
        counts = Counter(c.diagnoses[0] for c, f in zip(cases, folds, strict=True) if f != k)
        for i in np.flatnonzero(folds == k):
            result[i] = counts.get(cases[i].diagnoses[0], 0)
    return result


def clinic_map_ece(by_source: dict, folds: np.ndarray) -> dict[str, list[float]]:
    """ECE [95% bootstrap] per candidate set of the clinic's one map (as shipped): fitted on the other fold's
    scores of every candidate set pooled, applied to each set's held-out top-1."""
    result = {}
    for name, by_fold in by_source.items():
        top1, correct = np.zeros(len(folds)), np.zeros(len(folds), dtype=bool)
        for k, scores in by_fold.items():
            other = [s[j] for s in by_source.values() for j in s if j != k]
            calibration = fit_calibration(
                np.concatenate([s.top1_raw for s in other]),
                np.concatenate([s.second_raw for s in other]),
                np.concatenate([s.ranks == 1 for s in other]),
            )
            index = np.flatnonzero(folds == k)
            top1[index] = recalibrate_top1(scores.top1_raw, scores.second_raw, calibration)
            correct[index] = scores.ranks == 1
        values = np.c_[top1, correct]
        low, high = bootstrap_interval(values, lambda v: expected_calibration_error(v[:, 0], v[:, 1] > 0.5))
        result[name] = [expected_calibration_error(top1, correct), low, high]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", default=str(REPO.parent / "shared" / "data" / "phenopackets" / "dev"))
    parser.add_argument(
        "--fits",
        default=str(REPO / "benchmarks" / "data" / "rare_fit.json"),
        help="benchmarks/rare_fit.py report with the per-fold fitted values (default: the committed one, "
        "regenerated on 2026-11-28 by `python benchmarks/rare_fit.py`; 'none': literature defaults only)",
    )
    parser.add_argument("--out", default=str(REPO / "reports" / "rare_learning"))
    parser.add_argument("--variants", default="all", help="semicolon-separated subset of the variant names")
    parser.add_argument("--learning", help='extra LearningParams variants as JSON: {"name": {field: value}}')
    parser.add_argument("--sources", default="OMIM,all", help="OMIM, all or both")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.time()
    kb = ensure_kb(load_settings())
    cases_dir = Path(args.cases)
    cases = [packet_to_case(kb, p) for _, p in iter_packets(cases_dir)]
    cases = [c for c in cases if c.diagnoses]
    ids = [c.case_id for c in cases]
    evaluation = eval_cases(cases)
    folds = np.asarray([publication_fold(i) for i in ids])
    cited = cited_mask(kb, cases)
    trained = training_counts(cases, folds)
    parts = {"all": np.ones(len(cases), dtype=bool), "cited": cited, "independent": ~cited}
    parts.update({name: (trained >= low) & (trained <= high) for name, (low, high) in BINS.items()})

    fitted = {}
    if args.fits and args.fits != "none":
        report = json.loads(Path(args.fits).read_text())
        fitted = {k: report["fits"][f"real, without fold {k}"] for k in (0, 1)}
    literature = replace(ModelParams(), fitted_contexts=())  # the literature likelihood everywhere
    scoring = {"literature defaults": {k: literature for k in (0, 1)}}
    if fitted:
        scoring["fitted likelihood"] = {k: fitted_params(literature, fitted[k]) for k in (0, 1)}
    learning = {
        "learned": LearningParams(),
        "learned, literature fit kept": LearningParams(scoring_refit_parts=0),
        "learned, no case-mix prior": LearningParams(prior_pseudocount=NO_PRIOR),
        **{f"learned, {k}": LearningParams(**v) for k, v in json.loads(args.learning or "{}").items()},
    }
    variants = []
    for name, by_fold in scoring.items():
        variants.append((f"literature only ({name})", by_fold, None))
        for label, params in learning.items():
            if name == "literature defaults":  # the literature likelihood stays, no scoring refit
                if params.scoring_refit_parts == 0:
                    continue  # (the same as "learned")
                params = replace(params, scoring_refit_parts=0)
            variants.append((f"{label} ({name})", by_fold, params))
    if args.variants != "all":
        wanted = set(args.variants.split(";"))
        variants = [v for v in variants if v[0] in wanted]

    results: dict = {
        "cases": len(cases),
        "training_case_bins": {k: int(v.sum()) for k, v in parts.items()},
        "fits": fitted,
        "methods": {},
    }
    header = "".join(f"{p:>18}" for p in parts)
    print(f"{'method':56}{header}  ECE   (top-1 / top-10 %)")
    by_variant: dict = {}
    refits: dict = {}
    with tempfile.TemporaryDirectory() as scratch, Store(Path(scratch) / "store.duckdb") as store:
        ingest_phenopackets(store, kb, KEY, [cases_dir], progress=False)
        encounter = {i: pseudonym(KEY, f"phenopacket:{i}", "encounter") for i in ids}
        ancestors = ancestor_table(kb)
        chosen_sources = [
            (n, s) for n, s in (("OMIM", OMIM), ("all sources", None)) if n.split()[0] in args.sources
        ]
        for source_name, sources in chosen_sources:
            for name, by_fold, learning in variants:
                scores = by_variant.setdefault(name, {}).setdefault(source_name, {})
                for k in (0, 1):
                    held = [evaluation[i] for i in np.flatnonzero(folds == k)]
                    if learning is None:
                        diagnoser = Diagnoser(kb, by_fold[k])
                    else:
                        train = [encounter[i] for i, f in zip(ids, folds, strict=True) if f != k]
                        key = f"{name} without fold {k}"
                        if key not in refits:  # (the same refit serves both candidate sets)
                            refits[key], info = refit_scoring(
                                store, kb, by_fold[k], learning, train, ancestors
                            )
                            if info["parts"]:  # (the inner cross-fitted loss: for choosing settings)
                                results.setdefault("refits", {})[key] = info
                        params = refits[key]
                        artifact = fit(store, kb, params, learning, train, f"cv-{k}", ancestors)
                        diagnoser = diagnoser_from_artifact(kb, artifact)
                    scores[k] = score_cases(diagnoser, held, f"{name} {k}", sources)
                    hits = {"top1": int((scores[k].ranks == 1).sum()), "cases": len(held)}
                    results.setdefault("per_fold", {}).setdefault(f"{name}, {source_name}", {})[k] = hits
                combined = combine(scores, folds)
                row = {p: rank_summary(combined["ranks"][m], (1, 3, 10)) for p, m in parts.items()}
                row["ece_top1"] = expected_calibration_error(combined["top1"], combined["ranks"] == 1)
                label = f"{name}, {source_name}"
                results["methods"][label] = row
                cells = "".join(f"{100 * row[p]['top1']:>9.1f}/{100 * row[p]['top10']:<8.1f}" for p in parts)
                print(f"{label:56}{cells}{row['ece_top1']:6.3f}", flush=True)
    for name, by_source in by_variant.items():
        if len(by_source) > 1:
            ece = clinic_map_ece(by_source, folds)
            results.setdefault("clinic_map_ece", {})[name] = ece
            cells = "  ".join(f"{s} {e:.3f} [{lo:.3f}, {hi:.3f}]" for s, (e, lo, hi) in ece.items())
            print(f"one clinic map, {name}: ECE {cells}", flush=True)
    (out / "rare_learning.json").write_text(json.dumps(results, indent=2))
    print(f"report: {out / 'rare_learning.json'} ({time.time() - started:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
