"""Does learning from patients beat literature-only on held-out patients? A SYNTHETIC experiment.

The real dev cases hold rare diseases only, so this answers the common-disease part of the question on a
synthetic true world that departs from the literature (see learning/synthetic/experiment.py): training
patients go through the real phenopacket ingestion, DuckDB store and `fit`; both models rank all
diseases for the held-out patients. Reported per group (common curated diseases, orphan HPO diseases,
HPO diseases absent from the literature) with a patient-level bootstrap 95% interval for the top-1 gain.
All data synthetic.

    python benchmarks/learning_gain_synthetic.py [--seed 0] [--out reports/learning_gain_synthetic]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import fields
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from knowledge.build import ensure_kb  # noqa: E402
from knowledge.config import load_settings  # noqa: E402
from learning.synthetic.experiment import TOP_K, run_experiment  # noqa: E402
from learning.synthetic.world import GROUPS, WorldSpec  # noqa: E402

LABELS = {"common": "common (curated)", "orphan": "orphan (HPO)", "absent": "absent from literature"}


def parse_spec(argv: list[str] | None) -> tuple[WorldSpec, Path]:
    """Every scalar WorldSpec setting is a flag (defaults: the a-priori settings)."""
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    for spec_field in fields(WorldSpec):
        if isinstance(spec_field.default, (int, float, str)):
            flag = "--" + spec_field.name.replace("_", "-")
            parser.add_argument(flag, type=type(spec_field.default), default=spec_field.default)
    parser.add_argument("--out", default=str(REPO / "reports" / "learning_gain_synthetic"))
    args = vars(parser.parse_args(argv))
    out = Path(args.pop("out"))
    return WorldSpec(**args), out


def table(report: dict) -> str:
    """The figures as a fixed-width text table (percentages)."""
    head = (
        f"{'group':24} {'n test':>6} {'pat.':>5} {'seen':>5} "
        f"{'literature t1/t3/t10':>21} {'learned t1/t3/t10':>19} {'top-1 gain [95% CI]':>24}"
    )
    lines = [head, "-" * len(head)]
    for group in (*GROUPS, "all"):
        row = report["groups"][group]

        def cells(model: str, row: dict = row) -> str:
            return "/".join(f"{100 * row[model][f'top{k}']:.1f}" for k in TOP_K)

        low, high = row["top1_gain_ci95"]
        gain = f"{100 * row['top1_gain']:+.1f} [{100 * low:+.1f}, {100 * high:+.1f}]"
        lines.append(
            f"{LABELS.get(group, group):24} {row['n']:>6} {row['patients']:>5} "
            f"{row['disease_seen_in_training']:>5} {cells('literature'):>21} {cells('learned'):>19} "
            f"{gain:>24}"
        )
    return "\n".join(lines)


def plot(report: dict, path: Path) -> None:
    """Bars of top-1/3/10 per group, literature-only vs learned, with the top-1 gain interval."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = [*GROUPS, "all"]
    fig, axes = plt.subplots(1, len(TOP_K), figsize=(13, 4), sharey=True)
    x = np.arange(len(groups))
    for ax, k in zip(axes, TOP_K, strict=True):
        for offset, model in ((-0.2, "literature"), (0.2, "learned")):
            values = [100 * report["groups"][g][model][f"top{k}"] for g in groups]
            ax.bar(x + offset, values, width=0.4, label="literature-only" if model == "literature" else model)
        if k == 1:
            learned = np.asarray([100 * report["groups"][g]["learned"]["top1"] for g in groups])
            gain = np.asarray([100 * report["groups"][g]["top1_gain"] for g in groups])
            ci = np.asarray([report["groups"][g]["top1_gain_ci95"] for g in groups]) * 100
            error = np.vstack([gain - ci[:, 0], ci[:, 1] - gain])
            ax.errorbar(x + 0.2, learned, yerr=error, fmt="none", color="k", capsize=3)
        names = [
            f"{LABELS.get(g, g).replace(' ', chr(10), 1)}\n(n={report['groups'][g]['n']})" for g in groups
        ]
        ax.set_xticks(x, names, fontsize=7)
        ax.set_title(f"top-{k}")
    axes[0].set_ylabel("% of held-out synthetic encounters")
    axes[0].legend(fontsize=8)
    fig.suptitle(
        "SYNTHETIC data: learned vs literature-only on held-out patients (top-1: 95% CI of the gain)",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    spec, out = parse_spec(argv)
    out.mkdir(parents=True, exist_ok=True)
    kb = ensure_kb(load_settings())
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        result = run_experiment(kb, spec, Path(scratch), log=lambda m: print(m, file=sys.stderr))
    report = result.report | {"seconds": time.perf_counter() - started}
    world = report["world"]["all"]
    print(
        f"SYNTHETIC world (seed {spec.seed}, context {spec.context}): {world['diseases']} diseases, "
        f"mean |true - literature| frequency {world['mean_abs_difference']:.3f}, "
        f"{world['listed_but_truly_absent']} listed features truly absent, "
        f"{world['true_but_unlisted']} true features unlisted; "
        f"{report['encounters']['train']} train / {report['encounters']['test']} test encounters"
    )
    print(table(report))
    (out / "learning_gain_synthetic.json").write_text(json.dumps(report, indent=2))
    plot(report, out / "learning_gain_synthetic.png")
    print(f"report: {out / 'learning_gain_synthetic.json'}, plot: {out / 'learning_gain_synthetic.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
