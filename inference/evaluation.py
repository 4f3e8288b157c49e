"""Ranking and calibration metrics on cases with known diagnoses, and an HTML report with plots."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from inference.engine import Diagnoser
from inference.phenopackets import Case

NOT_RANKED = 10**6


def rank_of(scores: np.ndarray, position: int) -> int:
    """Rank of one candidate among scores (higher is better); ties count against it, so an evaluation
    never profits from a candidate that merely equals the best."""
    value = scores[position]
    if not np.isfinite(value):
        return NOT_RANKED
    return int((scores > value).sum() + (scores == value).sum())


@dataclass
class EvaluationResult:
    case_ids: list[str]
    truths: list[str]
    ranks: np.ndarray  # rank of the true disease (NOT_RANKED when absent from the candidates)
    top1_probability: np.ndarray
    true_probability: np.ndarray
    brier: np.ndarray  # multi-class Brier score per case
    summary: dict = field(default_factory=dict)


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(confidence, edges) - 1, 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        members = index == b
        if members.any():
            ece += abs(correct[members].mean() - confidence[members].mean()) * members.mean()
    return float(ece)


def fit_calibration(
    top1: np.ndarray, runner_up: np.ndarray, correct: np.ndarray
) -> tuple[float, float, float]:
    """Platt scaling on (logit of the top-1 probability, log margin over the runner-up), fitted on held-out
    cases: returns (slope, margin weight, intercept) for ModelParams."""
    from sklearn.linear_model import LogisticRegression

    p1 = np.clip(top1, 1e-12, 1 - 1e-12)
    features = np.c_[np.log(p1) - np.log1p(-p1), np.log(p1) - np.log(np.maximum(runner_up, 1e-300))]
    if correct.all() or not correct.any():
        return 1.0, 0.0, 0.0
    model = LogisticRegression(C=100.0).fit(features, correct.astype(int))
    return float(model.coef_[0, 0]), float(model.coef_[0, 1]), float(model.intercept_[0])


def rank_metrics(ranks: np.ndarray) -> dict:
    reciprocal = np.where(ranks < NOT_RANKED, 1.0 / ranks, 0.0)
    return {
        "cases": int(len(ranks)),
        "top1": float((ranks <= 1).mean()),
        "top3": float((ranks <= 3).mean()),
        "top10": float((ranks <= 10).mean()),
        "mrr": float(reciprocal.mean()),
    }


def evaluate_cases(
    diagnoser: Diagnoser, cases: list[Case], sources: tuple[str, ...] | None = None, progress: bool = True
) -> EvaluationResult:
    from tqdm import tqdm

    index = diagnoser.kb.disease_index
    ids, truths, ranks, top1, true_p, brier = [], [], [], [], [], []
    for case in tqdm(cases, desc="evaluating", unit="case", disable=not progress):
        if not case.diagnoses:
            continue
        diagnosis = diagnoser.diagnose(case.evidence, top=1, sources=sources)
        posterior = np.exp(diagnosis.log_posterior)
        truth = case.diagnoses[0]
        position = index.get(truth)
        rank = NOT_RANKED if position is None else rank_of(diagnosis.log_posterior, position)
        p_true = 0.0 if rank == NOT_RANKED else float(posterior[position])
        ids.append(case.case_id)
        truths.append(truth)
        ranks.append(rank)
        top1.append(diagnosis.ranking[0].probability if diagnosis.ranking else 0.0)
        true_p.append(p_true)
        brier.append(float((posterior**2).sum() + diagnosis.other_probability**2 + 1.0 - 2.0 * p_true))
    result = EvaluationResult(
        ids, truths, np.asarray(ranks), np.asarray(top1), np.asarray(true_p), np.asarray(brier)
    )
    result.summary = {
        **rank_metrics(result.ranks),
        "ece_top1": expected_calibration_error(result.top1_probability, result.ranks == 1),
        "brier": float(result.brier.mean()),
        "model": diagnoser.model_version,
        "hpo_release": diagnoser.kb.release,
    }
    return result


def per_disease(result: EvaluationResult) -> list[dict]:
    rows: dict[str, list[int]] = {}
    for truth, rank in zip(result.truths, result.ranks.tolist(), strict=True):
        rows.setdefault(truth, []).append(rank)
    table = [
        {
            "disease_id": d,
            "cases": len(r),
            **{k: v for k, v in rank_metrics(np.asarray(r)).items() if k != "cases"},
        }
        for d, r in rows.items()
    ]
    return sorted(table, key=lambda row: (-row["cases"], row["disease_id"]))


def reliability_plot(result: EvaluationResult, path: Path, bins: int = 10) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    edges = np.linspace(0, 1, bins + 1)
    index = np.clip(np.digitize(result.top1_probability, edges) - 1, 0, bins - 1)
    centres, accuracy, counts = [], [], []
    for b in range(bins):
        members = index == b
        if members.any():
            centres.append(result.top1_probability[members].mean())
            accuracy.append((result.ranks[members] == 1).mean())
            counts.append(int(members.sum()))
    fig, (ax, hist) = plt.subplots(2, 1, figsize=(5, 6), gridspec_kw={"height_ratios": [3, 1]})
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect calibration")
    ax.plot(centres, accuracy, "o-", label="dxgraph")
    ax.set_xlabel("top-1 probability")
    ax.set_ylabel("fraction correct")
    ax.set_title(f"Reliability (ECE {result.summary.get('ece_top1', 0):.3f})")
    ax.legend()
    hist.bar(range(len(counts)), counts)
    hist.set_xticks(range(len(counts)), [f"{c:.2f}" for c in centres], fontsize=7)
    hist.set_ylabel("cases")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_report(result: EvaluationResult, directory: Path, title: str = "dxgraph evaluation") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    reliability_plot(result, directory / "reliability.png")
    diseases = per_disease(result)
    (directory / "summary.json").write_text(json.dumps(result.summary, indent=2), encoding="utf-8")
    (directory / "per_disease.json").write_text(json.dumps(diseases, indent=1), encoding="utf-8")
    rows = "\n".join(
        f"<tr><td>{html.escape(r['disease_id'])}</td><td>{r['cases']}</td><td>{r['top1']:.2f}</td>"
        f"<td>{r['top10']:.2f}</td><td>{r['mrr']:.2f}</td></tr>"
        for r in diseases
    )
    summary = "".join(
        f"<li>{html.escape(str(k))}: {v:.3f}</li>"
        if isinstance(v, float)
        else f"<li>{html.escape(str(k))}: {html.escape(str(v))}</li>"
        for k, v in result.summary.items()
    )
    page = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head><body>"
        f"<h1>{html.escape(title)}</h1><ul>{summary}</ul><img src='reliability.png' alt='reliability plot'>"
        "<h2>Per disease</h2><table border='1'><tr><th>disease</th><th>cases</th><th>top-1</th>"
        f"<th>top-10</th><th>MRR</th></tr>{rows}</table></body></html>"
    )
    path = directory / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
