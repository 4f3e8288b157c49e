"""Marginal time per case of `dxgraph diagnose --phenopackets` in a batch, against hpo3 in the same run.

Each tool ranks N1 and N2 shared real cases in end-to-end runs (start-up, loading and reading the files
included); the marginal time per case is (t(N2) - t(N1)) / (N2 - N1), which leaves start-up out. The cases
are a seeded random sample of the dev cases (the N1 cases are among the N2), so both sizes have the same
mix of case sizes (the files sorted by name are not: later publications report more findings). Both tools
run every size `--repeat` times, interleaved, and each size counts its fastest run: other work on the
machine only ever slows a run down. hpo3 (Phenomizer-style similarity, benchmarks/hpo3_peer) scores on
the project's HPO release and uses all cores for each case; dxgraph runs as `dxgraph diagnose` does by
default (a first run, timed apart, builds what later runs reuse: the KB and the model's likelihood table).
The CPU seconds of each dxgraph run (all its processes) are reported beside the wall time.

    python benchmarks/cli_batch.py [--n1 150] [--n2 600] [--repeat 2] [--seed 0] [--skip-hpo3]

Writes reports/cli_batch.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks" / "hpo3_peer"))

from run import project_hpo_data, run_hpo3  # noqa: E402


def sample(source: Path, count: int, seed: int) -> list[Path]:
    """`count` phenopackets of `source` drawn at random (seeded), in a fixed order."""
    paths = sorted(source.glob("*.json"))
    chosen = random.Random(seed).sample(paths, min(count, len(paths)))
    return sorted(chosen)


def subset(paths: list[Path], root: Path) -> Path:
    """A directory with links to `paths`."""
    target = root / f"cases{len(paths)}"
    target.mkdir()
    for path in paths:
        (target / path.name).symlink_to(path.resolve())
    return target


def time_dxgraph(cases: Path, out: Path) -> tuple[float, float]:
    """Wall and CPU seconds (this run's processes, all of them) of one `dxgraph diagnose` run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cli.main", "diagnose", "--phenopackets", str(cases), "--out", str(out)],
        cwd=REPO,
        check=True,
        stderr=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def time_hpo3(cases: Path, out: Path) -> float:
    started = time.perf_counter()
    run_hpo3(cases, out, None, project_hpo_data())
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n1", type=int, default=150)
    parser.add_argument("--n2", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=2, help="runs per size and tool (the fastest counts)")
    parser.add_argument("--seed", type=int, default=0, help="of the random sample of cases")
    parser.add_argument("--skip-hpo3", action="store_true", help="time dxgraph only")
    args = parser.parse_args()
    shared = Path(os.environ.get("DXGRAPH_SHARED", REPO.parent / "shared"))
    source = shared / "data" / "phenopackets" / "dev"
    report: dict = {"n1": args.n1, "n2": args.n2, "repeat": args.repeat, "seed": args.seed}
    report["cores"] = os.cpu_count()
    dx: dict[int, list[tuple[float, float]]] = {args.n1: [], args.n2: []}
    hpo3: dict[int, list[float]] = {args.n1: [], args.n2: []}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        chosen = sample(source, args.n2, args.seed)
        sizes = {args.n1: subset(chosen[: args.n1], root), args.n2: subset(chosen, root)}
        # the files in the page cache, the KB built, and (a batch of 500+ cases, by default) the model's
        # likelihood table built once and kept for later runs: this first run's time is reported apart
        report["first_run_seconds"] = round(time_dxgraph(sizes[args.n2], root / "warm.jsonl")[0], 2)
        print(
            f"first run of {args.n2} cases (builds what is missing, the likelihood table included): "
            f"{report['first_run_seconds']} s"
        )
        if not args.skip_hpo3:
            time_hpo3(sizes[args.n1], root / "warm_hpo3.jsonl")  # its environment and ontology loaded once
        for run in range(args.repeat):
            for n, cases in sizes.items():
                dx[n].append(time_dxgraph(cases, root / f"dx{n}.jsonl"))
                if not args.skip_hpo3:
                    hpo3[n].append(time_hpo3(cases, root / f"hpo3_{n}.jsonl"))
            shown = ", ".join(
                f"{n} cases dxgraph {dx[n][-1][0]:.2f} s" + (f" hpo3 {hpo3[n][-1]:.1f} s" if hpo3[n] else "")
                for n in sizes
            )
            print(f"round {run + 1} of {args.repeat}: {shown}", flush=True)
    span = args.n2 - args.n1
    wall = {n: min(w for w, _ in runs) for n, runs in dx.items()}
    cpu = {n: min(c for _, c in runs) for n, runs in dx.items()}
    report["dxgraph_runs"] = {str(n): [[round(w, 2), round(c, 2)] for w, c in runs] for n, runs in dx.items()}
    report["dxgraph_ms_per_case"] = round(1000 * (wall[args.n2] - wall[args.n1]) / span, 2)
    report["dxgraph_cpu_ms_per_case"] = round(1000 * (cpu[args.n2] - cpu[args.n1]) / span, 2)
    print(
        f"marginal time per case in a batch ({args.n1} -> {args.n2} cases): dxgraph "
        f"{report['dxgraph_ms_per_case']} ms (CPU, all processes: {report['dxgraph_cpu_ms_per_case']} ms)"
    )
    if not args.skip_hpo3:
        report["hpo3_runs"] = {str(n): [round(t, 2) for t in runs] for n, runs in hpo3.items()}
        report["hpo3_ms_per_case"] = round(1000 * (min(hpo3[args.n2]) - min(hpo3[args.n1])) / span, 1)
        report["ratio"] = round(report["hpo3_ms_per_case"] / report["dxgraph_ms_per_case"], 1)
        print(f"hpo3 {report['hpo3_ms_per_case']} ms per case: dxgraph is {report['ratio']}x faster")
    out = REPO / "reports" / "cli_batch.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
