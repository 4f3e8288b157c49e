"""The monitor's HTML report (plots embedded as PNG) and its verdict JSON."""

from __future__ import annotations

import base64
import html
import io
import json
import os
import time
from pathlib import Path

import matplotlib

__all__ = ["write_report"]

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from knowledge import config  # noqa: E402
from knowledge.kb import KnowledgeBase  # noqa: E402

KEEP = 336  # timestamped reports kept ($DXGRAPH_MONITOR_KEEP): two weeks of an hourly monitor


def _png(figure) -> str:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=90)
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _shares(counts: dict) -> dict[str, float]:
    total = float(sum(counts.values()))
    return {k: v / total for k, v in counts.items()} if total else {}


def _bars(title: str, reference: dict, window: dict, label=lambda k: k, limit: int = 15) -> str:
    """Reference vs window shares, the categories with the largest shares on either side."""
    r, w = _shares(reference), _shares(window)
    keys = sorted(set(r) | set(w), key=lambda k: -max(r.get(k, 0), w.get(k, 0)))[:limit][::-1]
    figure, axis = plt.subplots(figsize=(8, 0.32 * len(keys) + 1.2))
    positions = range(len(keys))
    axis.barh([p + 0.2 for p in positions], [r.get(k, 0) for k in keys], 0.4, label="reference (training)")
    axis.barh([p - 0.2 for p in positions], [w.get(k, 0) for k in keys], 0.4, label="window (served)")
    axis.set_yticks(list(positions), [label(k)[:48] for k in keys], fontsize=8)
    axis.set_xlabel("share")
    axis.set_title(title)
    axis.legend(fontsize=8)
    return _png(figure)


def _terms(drifted: list[dict]) -> str | None:
    if not drifted:
        return None
    rows = drifted[:15][::-1]
    figure, axis = plt.subplots(figsize=(8, 0.32 * len(rows) + 1.2))
    positions = range(len(rows))
    axis.barh([p + 0.2 for p in positions], [d["reference_share"] for d in rows], 0.4, label="reference")
    axis.barh([p - 0.2 for p in positions], [d["window_share"] for d in rows], 0.4, label="window")
    axis.set_yticks(list(positions), [f"{d['label'][:40]} ({d['term']})" for d in rows], fontsize=8)
    axis.set_xlabel("share of cases / requests with the term present")
    axis.set_title("Drifted terms")
    axis.legend(fontsize=8)
    return _png(figure)


def _ages(reference: dict, window: dict) -> str | None:
    if not reference or not window:
        return None
    figure, axis = plt.subplots(figsize=(8, 3))
    for counts, name in ((reference, "reference"), (window, "window")):
        ages = sorted((int(k), v) for k, v in counts.items())
        total = sum(v for _, v in ages)
        axis.step(
            [a for a, _ in ages],
            [sum(v for _, v in ages[: i + 1]) / total for i in range(len(ages))],
            where="post",
            label=name,
        )
    axis.set_xlabel("age (years)")
    axis.set_ylabel("cumulative share")
    axis.set_title("Age (the KS statistic is the largest vertical gap)")
    axis.legend(fontsize=8)
    return _png(figure)


def _daily(daily: list[dict]) -> str | None:
    if not daily:
        return None
    figure, left = plt.subplots(figsize=(8, 3))
    days = [d["day"] for d in daily]
    left.bar(days, [d["requests"] for d in daily], color="#cfd8e3", label="requests")
    left.set_ylabel("requests")
    right = left.twinx()
    accuracy = [(d["day"], d["top1_accuracy"]) for d in daily if d["top1_accuracy"] is not None]
    if accuracy:
        right.plot([a for a, _ in accuracy], [b for _, b in accuracy], "o-", color="#b03a2e", label="top-1")
        right.set_ylim(0, 1)
        right.set_ylabel("top-1 accuracy (confirmed)")
    left.set_title("Requests and top-1 accuracy per day")
    left.tick_params(axis="x", labelrotation=45, labelsize=7)
    return _png(figure)


def _table(header: tuple, rows: list[tuple]) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in header)
    cells = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><tr>{head}</tr>{cells}</table>"


def _cell(value: object) -> str:
    return f"{value:.2g}" if isinstance(value, float) else str(value)


def _statistic(name: str, check: dict) -> str:
    if "psi" in check:
        return f"PSI {check['psi']}"
    if "ks" in check:
        return f"KS {check['ks']}"
    if name == "terms":
        return f"{len(check['drifted'])} of {check['tested']} terms"
    return f"top-1 {check.get('top1_accuracy')} on {check.get('confirmed')} confirmed"


def render(verdict: dict, reference, window: dict, kb: KnowledgeBase) -> str:
    checks = verdict.get("checks", {})
    label = lambda term: kb.label(term) if term.startswith("HP:") else term  # noqa: E731
    plots = []
    if checks:
        plots.append(
            _bars(
                "Organ-system mix of the findings", reference.data["categories"], window["categories"], label
            )
        )
        plots.append(_terms(checks.get("terms", {}).get("drifted", [])))
        plots.append(_bars("Age band", reference.data["age_band"], window["age_band"]))
        plots.append(_bars("Sex", reference.data["sex"], window["sex"]))
        plots.append(_ages(reference.data.get("age_years", {}), window["age_years"]))
        if reference.data.get("top1_groups"):
            plots.append(
                _bars(
                    "Top-1 predicted disease groups",
                    reference.data["top1_groups"],
                    window["top1_groups"],
                    label,
                )
            )
    plots.append(_daily(window["daily"]))
    summary = [
        (name, _statistic(name, c), c.get("p_value", ""), "yes" if c.get("drift") else "no")
        for name, c in checks.items()
    ]
    status = "DRIFT" if verdict["drift"] else ("no verdict" if verdict["status"] != "ok" else "no drift")
    reasons = "".join(f"<li>{html.escape(r)}</li>" for r in verdict["reasons"]) or "<li>none</li>"
    images = "".join(f'<p><img alt="plot" src="data:image/png;base64,{p}"></p>' for p in plots if p)
    w, r = verdict["window"], verdict["reference"]
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>dxgraph monitor: {status}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}
td,th{{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}}
.drift{{color:#b03a2e}}.ok{{color:#1e8449}}</style></head><body>
<h1 class="{"drift" if verdict["drift"] else "ok"}">{status}</h1>
<p>Window {html.escape(w["start"])} to {html.escape(w["end"])}: {w["requests"]} requests served,
{w["confirmed"]} confirmed diagnoses, {w["mean_findings"]} findings present per request. Reference: model
{html.escape(r["model_version"])} ({html.escape(r["source"])}, {r["cases"]} training cases,
{r["mean_findings"]} findings present per case).</p>
<h2>Reasons</h2><ul>{reasons}</ul>
<h2>Checks</h2>{_table(("check", "statistic", "p-value", "drift"), summary)}
<p>PSI below 0.1: stable; 0.1 to 0.25: moderate shift; above 0.25: significant. A check drifts when
its PSI (or KS statistic) passes the threshold <em>and</em> its test is significant (thresholds in
verdict JSON).</p>
<h2>Plots</h2>{images}
</body></html>"""


def write_report(out_dir: Path, verdict: dict, reference, window: dict, kb: KnowledgeBase) -> Path:
    """monitor-<stamp>.html/.json, plus latest copies report.html and verdict.json (written atomically);
    older timestamped reports beyond $DXGRAPH_MONITOR_KEEP (default 336) are removed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + f"-{os.getpid()}"
    page = out_dir / f"monitor-{stamp}.html"
    verdict = {**verdict, "report": str(page)}
    text = json.dumps(verdict, indent=1, ensure_ascii=False)
    document = render(verdict, reference, window, kb)
    for name, content in (
        (page.name, document),
        (f"monitor-{stamp}.json", text),
        ("report.html", document),
        ("verdict.json", text),
    ):
        temporary = out_dir / f".{name}.tmp"
        temporary.write_text(content, encoding="utf-8")
        os.replace(temporary, out_dir / name)
    prune(out_dir, config.monitor_keep(KEEP))
    return page


def prune(out_dir: Path, keep: int) -> None:
    """Keep the newest `keep` timestamped reports (an hourly monitor would otherwise pile them up)."""
    for pattern in ("monitor-*.html", "monitor-*.json"):
        for old in sorted(out_dir.glob(pattern))[:-keep] if keep > 0 else []:
            old.unlink(missing_ok=True)
