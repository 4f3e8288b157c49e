"""Accuracy and speed on the real dev phenopackets, against the hpo3 similarity peer, in one run.

Literature-only dxgraph runs the shipped defaults: in the rare-disease clinic its scoring parameters were
fitted on these same dev cases (issue 14), so its figures here are in-sample; the held-out figures come from
benchmarks/rare_fit.py and benchmarks/rare_learning.py (docs/results.md). The learned model is evaluated by
two-fold cross-validation grouped by publication (PMID in the case id): it learns from one half of the
publications through the real store and learning code and is scored on the other half.

    python benchmarks/accuracy.py [--cases DIR] [--reuse-hpo3 FILE] [--out reports/accuracy]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.hpo3_peer.run import run_hpo3  # noqa: E402
from inference.artifact import diagnoser_from_artifact  # noqa: E402
from inference.engine import Diagnoser  # noqa: E402
from inference.evaluation import (  # noqa: E402
    NOT_RANKED,
    EvalCase,
    expected_calibration_error,
    publication_fold,
    publication_of,
    rank_of,
    rank_summary,
    score_cases,
)
from inference.params import ModelParams  # noqa: E402
from inference.phenopackets import iter_packets, packet_to_case  # noqa: E402
from knowledge.build import ensure_kb  # noqa: E402
from knowledge.config import load_settings  # noqa: E402
from learning.ingest.pipeline import ingest_phenopackets  # noqa: E402
from learning.learn import ancestor_table, fit  # noqa: E402
from learning.privacy.pseudonym import pseudonym  # noqa: E402
from learning.refine import LearningParams  # noqa: E402
from learning.store import Store  # noqa: E402

KEY = b"benchmark-key"
OMIM = ("OMIM",)


def cited_mask(kb, cases: list) -> np.ndarray:
    """Per case: does the HPO annotation of its diagnosis cite the case's publication?"""
    references: dict[int, set[str]] = {}
    for disease, refs in zip(kb.link_disease.tolist(), kb.link_refs, strict=True):
        references.setdefault(disease, set()).update(refs.split(";"))
    return np.asarray(
        [
            publication_of(c.case_id) in references.get(kb.disease_index.get(c.diagnoses[0], -1), ())
            for c in cases
        ]
    )


def eval_cases(cases: list) -> list[EvalCase]:
    """The phenopacket cases as evaluation cases (any listed diagnosis counts)."""
    return [EvalCase(c.case_id, c.evidence, tuple(c.diagnoses)) for c in cases]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", default=str(REPO.parent / "shared" / "data" / "phenopackets" / "dev"))
    parser.add_argument(
        "--reuse-hpo3",
        help="hpo3 rankings JSONL from an earlier full run (its speed is then "
        "re-measured in this run on --speed-sample cases)",
    )
    parser.add_argument(
        "--hpo3-same-release",
        action="store_true",
        help="give hpo3 the same HPO release as dxgraph instead of its own newer one",
    )
    parser.add_argument("--speed-sample", type=int, default=200, help="cases timed for both engines")
    parser.add_argument("--out", default=str(REPO / "reports" / "accuracy"))
    args = parser.parse_args()
    cases_dir, out = Path(args.cases), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    settings = load_settings()
    kb = ensure_kb(settings)
    cases = [packet_to_case(kb, packet) for _, packet in iter_packets(cases_dir)]
    cases = [c for c in cases if c.diagnoses]
    ids = [c.case_id for c in cases]
    folds = np.asarray([publication_fold(i) for i in ids])
    evaluation = eval_cases(cases)
    cited = cited_mask(kb, cases)
    results: dict[str, dict] = {}

    print(
        f"{len(cases)} cases, {len({publication_of(i) or i for i in ids})} publications, {cited.sum()} cited",
        file=sys.stderr,
    )
    literature = Diagnoser(kb)
    lit = score_cases(literature, evaluation, "literature-only", OMIM, progress=True)
    results["dxgraph literature-only"] = {
        "ranks": lit.ranks,
        "top1_probability": lit.calibrated()[0],
        "median_ms": 1000 * statistics.median(lit.seconds),
    }
    every = score_cases(literature, evaluation, "literature-only, all sources", None, progress=True)
    results["dxgraph literature-only, all sources"] = {
        "ranks": every.ranks,
        "top1_probability": every.calibrated()[0],
        "median_ms": 1000 * statistics.median(every.seconds),
    }

    with tempfile.TemporaryDirectory() as scratch, Store(Path(scratch) / "store.duckdb") as store:
        ingest_phenopackets(store, kb, KEY, [cases_dir], progress=False)
        encounter = {i: pseudonym(KEY, f"phenopacket:{i}", "encounter") for i in ids}
        ancestors = ancestor_table(kb)
        learned_ranks = np.full(len(cases), NOT_RANKED)
        learned_top1 = np.zeros(len(cases))
        for fold in (0, 1):
            train = [encounter[i] for i, f in zip(ids, folds, strict=True) if f != fold]
            artifact = fit(store, kb, ModelParams(), LearningParams(), train, f"cv-{fold}", ancestors)
            diagnoser = diagnoser_from_artifact(kb, artifact)
            held = np.flatnonzero(folds == fold)
            scores = score_cases(diagnoser, [evaluation[i] for i in held], f"learned fold {fold}", OMIM)
            learned_ranks[held], learned_top1[held] = scores.ranks, scores.calibrated()[0]
    results["dxgraph learned (grouped 2-fold)"] = {"ranks": learned_ranks, "top1_probability": learned_top1}

    release = settings.hpo_dir if args.hpo3_same_release else None
    hpo3_path = (
        Path(args.reuse_hpo3)
        if args.reuse_hpo3
        else run_hpo3(cases_dir, out / "hpo3.jsonl", None, data_folder=release)
    )
    hpo3 = {row["case_id"]: row for row in map(json.loads, hpo3_path.read_text().splitlines())}
    hpo3_times = [row["seconds"] for row in hpo3.values()]
    if args.reuse_hpo3:
        hpo3_times, our_times = time_sample(cases_dir, cases, literature, args.speed_sample, out, release)
        results["dxgraph literature-only"]["median_ms"] = 1000 * statistics.median(our_times)
    hpo3_ranks = []
    for case in cases:
        ranking = dict(map(tuple, hpo3.get(case.case_id, {}).get("ranking", [])))
        scores = np.asarray(list(ranking.values()), dtype=float)
        truth = list(ranking).index(case.diagnoses[0]) if case.diagnoses[0] in ranking else None
        hpo3_ranks.append(NOT_RANKED if truth is None else rank_of(scores, truth))
    results["hpo3 similarity (graphic, funSimAvg)"] = {
        "ranks": np.asarray(hpo3_ranks),
        "median_ms": 1000 * statistics.median(hpo3_times),
    }

    everyone = np.ones(len(cases), dtype=bool)
    report = {"cases": len(cases), "cited": int(cited.sum()), "hpo_release": kb.release, "methods": {}}
    columns = "".join(f"{label:>20}" for label in ("all t1/t3/t10", "cited t1/t3/t10", "indep t1/t3/t10"))
    print(f"{'method':40} {columns} {'ECE':>6} {'ms/case':>8}")
    for name, data in results.items():
        row = {
            part: rank_summary(data["ranks"][mask], (1, 3, 10))
            for part, mask in (("all", everyone), ("cited", cited), ("independent", ~cited))
        }
        if "top1_probability" in data:
            row["ece_top1"] = expected_calibration_error(data["top1_probability"], data["ranks"] == 1)
        row["median_ms_per_case"] = data.get("median_ms")
        report["methods"][name] = row
        cells = [
            "/".join(f"{100 * row[p][k]:.1f}" for k in ("top1", "top3", "top10"))
            for p in ("all", "cited", "independent")
        ]
        ece = f"{row['ece_top1']:.3f}" if "ece_top1" in row else "-"
        ms = f"{row['median_ms_per_case']:.2f}" if row["median_ms_per_case"] else "-"
        print(f"{name:40} {cells[0]:>20} {cells[1]:>20} {cells[2]:>20} {ece:>6} {ms:>8}")
    speedup = (
        results["hpo3 similarity (graphic, funSimAvg)"]["median_ms"]
        / results["dxgraph literature-only"]["median_ms"]
    )
    report["speedup_vs_hpo3"] = speedup
    print(
        f"median time per case: dxgraph {results['dxgraph literature-only']['median_ms']:.2f} ms, "
        f"hpo3 {results['hpo3 similarity (graphic, funSimAvg)']['median_ms']:.1f} ms: {speedup:.0f}x faster"
    )
    (out / "accuracy.json").write_text(json.dumps(report, indent=2))
    plot(report, out / "accuracy.png")
    print(f"report: {out / 'accuracy.json'}, plot: {out / 'accuracy.png'}", file=sys.stderr)
    return 0


def time_sample(
    cases_dir: Path, cases: list, diagnoser: Diagnoser, size: int, out: Path, release: Path | None
) -> tuple[list[float], list[float]]:
    """Time both engines on the same evenly spaced sample of cases, now, in this process's run."""
    step = max(len(cases) // size, 1)
    sample = cases[::step][:size]
    with tempfile.TemporaryDirectory() as scratch:
        jsonl = Path(scratch) / "sample.jsonl"
        wanted = {c.case_id for c in sample}
        with open(jsonl, "w") as handle:
            for _, packet in iter_packets(cases_dir):
                if packet.get("id") in wanted:
                    handle.write(json.dumps(packet) + "\n")
        timed = run_hpo3(jsonl, out / "hpo3_speed_sample.jsonl", None, data_folder=release)
    hpo3_times = [json.loads(line)["seconds"] for line in timed.read_text().splitlines()]
    ours = score_cases(diagnoser, eval_cases(sample), "speed sample", OMIM).seconds.tolist()
    return hpo3_times, ours


def plot(report: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    parts = ("all", "cited", "independent")
    fig, axes = plt.subplots(1, 3, figsize=(12, 4), sharey=True)
    for ax, part in zip(axes, parts, strict=True):
        names = list(report["methods"])
        for offset, k in enumerate(("top1", "top3", "top10")):
            values = [100 * report["methods"][n][part][k] for n in names]
            ax.bar(np.arange(len(names)) + 0.27 * (offset - 1), values, width=0.27, label=k)
        ax.set_xticks(range(len(names)), [n.split(" (")[0] for n in names], rotation=20, fontsize=7)
        ax.set_title(f"{part} cases")
    axes[0].set_ylabel("% of cases")
    axes[0].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
