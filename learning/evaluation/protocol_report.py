"""The evaluation protocol's HTML report: tables, top-k bars, reliability diagram, CV grid, split shares."""

from __future__ import annotations

import csv
import html
import json
import math
from pathlib import Path

import numpy as np

from inference.evaluation import Scores
from learning.evaluation.protocol import ProtocolResult
from learning.evaluation.split import PARTS

__all__ = ["write_protocol_report"]

SLICE_TITLES = {
    "all": "all test cases",
    "orphan": "orphan diseases",
    "common": "common diseases",
    "in_literature": "diseases in the literature (HPO annotations)",
    "absent_from_literature": "diseases absent from the literature",
    "absent_from_literature_seen_in_training": "absent from the literature, with training cases",
    "seen_in_training": "diseases with training cases",
    "unseen_in_training": "diseases without training cases",
    "publication_cited_by_hpo": "publication cited by the disease's HPO annotations",
    "publication_not_cited": "publication not cited by the HPO annotations",
}
COLUMNS = (
    ("cases", "cases"),
    ("diseases", "diseases"),
    ("top1", "top-1"),
    ("top3", "top-3"),
    ("top10", "top-10"),
    ("mrr", "MRR"),
    ("micro_f1", "micro F1"),
    ("macro_precision", "macro P"),
    ("macro_recall", "macro R"),
    ("macro_f1", "macro F1"),
    ("ece", "ECE"),
    ("brier", "Brier"),
)


def _save(plt, fig, path: Path) -> Path:
    """Lay out, write and close a figure (plots are kept as files beside the report)."""
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _cell(value: object) -> str:
    if isinstance(value, float):
        return "-" if math.isnan(value) else f"{value:.3f}"
    return html.escape(str(value))


def topk_plot(result: ProtocolResult, path: Path) -> Path:
    plt = _plt()
    slices = [s for s in ("all", "orphan", "absent_from_literature_seen_in_training", "unseen_in_training")]
    slices = [s for s in slices if next(iter(result.test.get(s, {}).values()), {}).get("cases")]
    fig, axes = plt.subplots(1, len(slices), figsize=(4.2 * len(slices), 4), sharey=True, squeeze=False)
    for ax, name in zip(axes[0], slices, strict=True):
        models = list(result.test[name])
        for offset, k in enumerate(("top1", "top3", "top10")):
            values = [100 * result.test[name][m].get(k, 0.0) for m in models]
            ax.bar(np.arange(len(models)) + 0.27 * (offset - 1), values, width=0.27, label=k)
        ax.set_xticks(range(len(models)), [m.replace(" (", "\n(") for m in models], fontsize=7)
        cases = next(iter(result.test[name].values()))["cases"]
        ax.set_title(f"{SLICE_TITLES[name]}\n({cases} cases)", fontsize=9)
    axes[0][0].set_ylabel("% of test cases")
    axes[0][0].legend()
    return _save(plt, fig, path)


def reliability_plot(scores: dict[str, Scores], path: Path, bins: int = 10) -> Path:
    plt = _plt()
    fig, (ax, hist) = plt.subplots(2, 1, figsize=(5.5, 6.5), gridspec_kw={"height_ratios": [3, 1]})
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect calibration")
    edges = np.linspace(0, 1, bins + 1)
    width = 0.8 / max(len(scores), 1) / bins
    for number, (name, s) in enumerate(scores.items()):
        top1, _ = s.calibrated()
        correct = s.ranks == 1
        index = np.clip(np.digitize(top1, edges) - 1, 0, bins - 1)
        centres, accuracy, counts = [], [], []
        for b in range(bins):
            members = index == b
            counts.append(int(members.sum()))
            if members.any():
                centres.append(float(top1[members].mean()))
                accuracy.append(float(correct[members].mean()))
        ax.plot(centres, accuracy, "o-", label=name)
        hist.bar(edges[:-1] + 0.1 / bins + number * width, counts, width=width, align="edge", label=name)
    ax.set_xlabel("top-1 probability (after recalibration)")
    ax.set_ylabel("fraction correct")
    ax.set_title("Reliability of the top-1 probability (test part)")
    ax.legend(fontsize=7)
    hist.set_xlabel("top-1 probability")
    hist.set_ylabel("cases")
    return _save(plt, fig, path)


def cv_plot(result: ProtocolResult, path: Path) -> Path:
    plt = _plt()
    priors = sorted({row["prior_pseudocount"] for row in result.cv})
    sizes = sorted({row["equivalent_sample_size"] for row in result.cv})
    grid = np.full((len(priors), len(sizes)), np.nan)
    for row in result.cv:
        grid[priors.index(row["prior_pseudocount"]), sizes.index(row["equivalent_sample_size"])] = row["top1"]
    fig, ax = plt.subplots(figsize=(1.6 + 1.3 * len(sizes), 1.4 + 0.9 * len(priors)))
    image = ax.imshow(grid, cmap="viridis", aspect="auto")
    for i in range(len(priors)):
        for j in range(len(sizes)):
            ax.text(j, i, f"{grid[i, j]:.3f}", ha="center", va="center", color="white", fontsize=8)
    ax.set_xticks(range(len(sizes)), [f"{s:g}" for s in sizes])
    ax.set_yticks(range(len(priors)), [f"{p:g}" for p in priors])
    ax.set_xlabel("equivalent_sample_size")
    ax.set_ylabel("prior_pseudocount")
    ax.set_title("grouped CV top-1 (training part)", fontsize=9)
    fig.colorbar(image, ax=ax)
    return _save(plt, fig, path)


def split_plot(result: ProtocolResult, path: Path) -> Path:
    plt = _plt()
    qualities = (result.split, result.random_split, result.alternative_split)
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8), sharey=True)
    for ax, quality in zip(axes, qualities, strict=True):
        shares = np.asarray(quality.get("feasible_case_shares") or np.zeros((0, 3)))
        if len(shares):
            ax.boxplot([shares[:, p] for p in range(shares.shape[1])], tick_labels=list(PARTS))
        for p, target in enumerate(quality["shares_target"]):
            ax.plot([p + 0.6, p + 1.4], [target, target], "r--", linewidth=1)
        ax.set_title(
            f"grouped by {quality['group_by']}:\n{quality['feasible_in_all_parts']} of "
            f"{quality['diseases_min_cases_feasible']} diseases (>= {quality['min_cases']} cases, "
            ">= 3 groups) in all parts",
            fontsize=8,
        )
    axes[0].set_ylabel("share of the disease's cases")
    return _save(plt, fig, path)


def _metrics_table(summaries: dict[str, dict]) -> str:
    head = "".join(f"<th>{html.escape(title)}</th>" for _, title in COLUMNS)
    rows = "".join(
        f"<tr><td>{html.escape(model)}</td>"
        + "".join(f"<td>{_cell(values.get(key, float('nan')))}</td>" for key, _ in COLUMNS)
        + "</tr>"
        for model, values in summaries.items()
    )
    return f"<table><tr><th>model</th>{head}</tr>{rows}</table>"


def _split_table(result: ProtocolResult) -> str:
    rows = []
    for quality in (result.split, result.random_split, result.alternative_split):
        parts = quality["parts"]
        error = quality["mean_abs_share_error"]
        rows.append(
            "<tr>"
            f"<td>{html.escape(quality['group_by'])}{' (used)' if quality is result.split else ''}</td>"
            + "".join(
                f"<td>{parts[p]['cases']} / {parts[p]['groups']} ({100 * parts[p]['share']:.0f}%)</td>"
                for p in PARTS
            )
            + f"<td>{quality['leaks']['groups']} / {quality['leaks']['patients']} / "
            f"{quality['leaks']['publications']}</td>"
            f"<td>{quality['diseases_min_cases']}</td><td>{quality['diseases_min_cases_feasible']}</td>"
            f"<td>{quality['diseases_min_cases_in_all_parts']}</td>"
            + "".join(f"<td>{error[p]:.3f}</td>" for p in PARTS)
            + "</tr>"
        )
    head = (
        "<tr><th>grouping</th><th>train cases / groups</th><th>validation</th><th>test</th>"
        "<th>groups / patients / publications in 2+ parts</th>"
        f"<th>diseases &ge; {result.split['min_cases']} cases</th><th>of them in &ge; 3 groups</th>"
        "<th>in all three parts</th><th>mean |share error| train</th><th>validation</th><th>test</th></tr>"
    )
    return f"<table>{head}{''.join(rows)}</table>"


def _per_disease_table(rows: list[dict]) -> str:
    if not rows:
        return "<p>none</p>"
    keys = list(rows[0])
    head = "".join(f"<th>{html.escape(k)}</th>" for k in keys)
    body = "".join("<tr>" + "".join(f"<td>{_cell(r.get(k, ''))}</td>" for k in keys) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _json_default(value: object) -> object:
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def write_protocol_report(
    result: ProtocolResult, directory: Path, title: str = "dxgraph evaluation protocol"
) -> Path:
    """index.html with plots, summary.json and per_disease.csv in `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    topk_plot(result, directory / "topk.png")
    reliability_plot(result.test_scores, directory / "reliability.png")
    cv_plot(result, directory / "cv_grid.png")
    split_plot(result, directory / "split_shares.png")
    summary = {
        "config": result.config,
        "split": {k: v for k, v in result.split.items() if k != "feasible_case_shares"},
        "alternative_split": {
            k: v for k, v in result.alternative_split.items() if k != "feasible_case_shares"
        },
        "cross_validation": result.cv,
        "chosen": result.chosen,
        "validation": result.validation,
        "test": result.test,
        "timings": result.timings,
        "notes": result.notes,
    }
    (directory / "summary.json").write_text(json.dumps(summary, indent=1, default=_json_default), "utf-8")
    if result.per_disease:
        with open(directory / "per_disease.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(result.per_disease[0]))
            writer.writeheader()
            writer.writerows(result.per_disease)
    slices = "".join(
        f"<h3>{html.escape(SLICE_TITLES.get(name, name))}</h3>{_metrics_table(models)}"
        for name, models in result.test.items()
        if next(iter(models.values()), {}).get("cases")
    )
    empty = [
        SLICE_TITLES.get(n, n) for n, m in result.test.items() if not next(iter(m.values()), {}).get("cases")
    ]
    common_note = (
        " Common diseases have no cases here; their learning gain is measured on a labelled synthetic world"
        " by <code>benchmarks/learning_gain_synthetic.py</code> (docs/results.md)."
        if SLICE_TITLES["common"] in empty
        else ""
    )
    cv_rows = "".join(
        f"<tr><td>{r['prior_pseudocount']:g}</td><td>{r['equivalent_sample_size']:g}</td>"
        f"<td>{r['top1']:.3f}</td><td>{r['top10']:.3f}</td><td>{r['mrr']:.3f}</td>"
        f"<td>{' / '.join(f'{x:.3f}' for x in r['top1_per_fold'])}</td><td>{r['seconds']:.0f}</td></tr>"
        for r in result.cv
    )
    baseline_rows = "".join(
        f"<tr><td>{r['C']:g}</td><td>{r['validation_top1']:.3f}</td><td>{r['fit_s']:.1f}</td></tr>"
        for r in result.chosen["baseline"]
    )
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in result.notes)
    chosen = result.chosen["learning_params"]
    rare = [r for r in result.per_disease if r["test_cases"] > 0]
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;max-width:1200px;margin:auto}}
table{{border-collapse:collapse;font-size:12px}}
td,th{{border:1px solid #bbb;padding:2px 6px;text-align:right}} td:first-child{{text-align:left}}</style>
</head><body><h1>{html.escape(title)}</h1>
<p>Train / validation / test split grouped by <b>{html.escape(result.split["group_by"])}</b>, stratified by
disease at the group level (iterative stratification); learning hyperparameters chosen by
{result.config["folds"]}-fold grouped cross-validation on the training part
(prior_pseudocount = {chosen["prior_pseudocount"]:g}, equivalent_sample_size =
{chosen["equivalent_sample_size"]:g}); every figure below is on the test part unless said otherwise.</p>
<ul>{notes}</ul>
<h2>Test results</h2><img src="topk.png" alt="top-k bars">{slices}
<p>No test cases for: {html.escape(", ".join(empty) or "-")}.{common_note}</p>
<h2>Calibration</h2><img src="reliability.png" alt="reliability diagram">
<h2>Validation part (the learned network's and the baseline's calibration were fitted here)</h2>
{_metrics_table(result.validation)}
<h2>Split</h2>{_split_table(result)}
<p>A disease whose cases all come from fewer than three groups cannot be in all three parts without a group
in two parts: {result.split["infeasible_too_few_groups"]} diseases with &ge; {result.split["min_cases"]} cases
are in that position when grouping by {html.escape(result.split["group_by"])}.</p>
<img src="split_shares.png" alt="per-disease case shares">
<h2>Cross-validation (training part)</h2><img src="cv_grid.png" alt="CV grid">
<table><tr><th>prior_pseudocount</th><th>equivalent_sample_size</th><th>top-1</th><th>top-10</th><th>MRR</th>
<th>top-1 per fold</th><th>seconds</th></tr>{cv_rows}</table>
<h3>Baseline C (chosen on the validation part)</h3>
<table><tr><th>C</th><th>validation top-1</th><th>fit seconds</th></tr>{baseline_rows}</table>
<h2>Rare (orphan) diseases of the test part</h2>{_per_disease_table(rare)}
<h2>Timings</h2><p>{html.escape(", ".join(f"{k}: {v:.1f}" for k, v in result.timings.items()))}</p>
</body></html>"""
    path = directory / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
