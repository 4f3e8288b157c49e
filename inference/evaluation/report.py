"""Evaluation reports at the edge: the reliability plot and an HTML page (matplotlib imported lazily)."""

from __future__ import annotations

import html
import json
from pathlib import Path

import numpy as np

from inference.evaluation.metrics import rank_summary
from inference.evaluation.scoring import Scores

__all__ = ["reliability_plot", "write_report"]


def per_disease(scores: Scores) -> list[dict]:
    """Top-k and MRR per true disease, the diseases with most cases first."""
    rows: dict[str, list[int]] = {}
    for truths, rank in zip(scores.truths, scores.ranks.tolist(), strict=True):
        for truth in truths[:1]:
            rows.setdefault(truth, []).append(rank)
    table = [{"disease_id": d, **rank_summary(np.asarray(r), (1, 10))} for d, r in rows.items()]
    return sorted(table, key=lambda row: (-row["cases"], row["disease_id"]))


def reliability_plot(
    confidence: np.ndarray, correct: np.ndarray, path: Path, title: str, bins: int = 10
) -> Path:
    """Fraction correct against the top-1 probability, with the case count per bin."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    edges = np.linspace(0, 1, bins + 1)
    index = np.clip(np.digitize(confidence, edges) - 1, 0, bins - 1)
    centres, accuracy, counts = [], [], []
    for b in range(bins):
        members = index == b
        if members.any():
            centres.append(confidence[members].mean())
            accuracy.append(np.asarray(correct)[members].mean())
            counts.append(int(members.sum()))
    fig, (ax, hist) = plt.subplots(2, 1, figsize=(5, 6), gridspec_kw={"height_ratios": [3, 1]})
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect calibration")
    ax.plot(centres, accuracy, "o-", label="dxgraph")
    ax.set_xlabel("top-1 probability")
    ax.set_ylabel("fraction correct")
    ax.set_title(title)
    ax.legend()
    hist.bar(range(len(counts)), counts)
    hist.set_xticks(range(len(counts)), [f"{c:.2f}" for c in centres], fontsize=7)
    hist.set_ylabel("cases")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_report(scores: Scores, summary: dict, directory: Path, title: str = "dxgraph evaluation") -> Path:
    """summary.json, per_disease.json, reliability.png and index.html in `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    top1, _ = scores.calibrated()
    reliability_plot(
        top1, scores.ranks == 1, directory / "reliability.png", f"Reliability (ECE {summary['ece']:.3f})"
    )
    diseases = per_disease(scores)
    (directory / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    (directory / "per_disease.json").write_text(json.dumps(diseases, indent=1), encoding="utf-8")
    rows = "\n".join(
        f"<tr><td>{html.escape(r['disease_id'])}</td><td>{r['cases']}</td><td>{r['top1']:.2f}</td>"
        f"<td>{r['top10']:.2f}</td><td>{r['mrr']:.2f}</td></tr>"
        for r in diseases
    )
    items = "".join(
        f"<li>{html.escape(str(k))}: {v:.3f}</li>"
        if isinstance(v, float)
        else f"<li>{html.escape(str(k))}: {html.escape(str(v))}</li>"
        for k, v in summary.items()
    )
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1><ul>{items}</ul>"
        "<img src='reliability.png' alt='reliability plot'>"
        "<h2>Per disease</h2><table border='1'><tr><th>disease</th><th>cases</th><th>top-1</th>"
        f"<th>top-10</th><th>MRR</th></tr>{rows}</table></body></html>"
    )
    path = directory / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
