"""`dxgraph evaluate-protocol`: the issue-4 evaluation protocol (grouped stratified split, grouped CV,
literature-only vs learned network vs one-vs-rest baseline) written as an HTML report."""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import tempfile
import time
from pathlib import Path

from knowledge.config import Settings

__all__ = ["register"]


def register(sub) -> None:
    """Add the `evaluate-protocol` command to the subparsers."""
    p = sub.add_parser(
        "evaluate-protocol",
        help="train/validation/test protocol: network (literature-only, learned) vs baseline, HTML report",
    )
    p.add_argument("--out", default="reports/protocol", help="report directory (default reports/protocol)")
    source = p.add_mutually_exclusive_group()
    source.add_argument(
        "--cases",
        nargs="+",
        help="phenopacket files/directories, ingested into a temporary store "
        "(default: $DXGRAPH_DEMO_DATA or the shared dev cases)",
    )
    source.add_argument("--store", action="store_true", help="evaluate on the project's store instead")
    p.add_argument("--group-by", choices=["publication", "patient"], default="publication")
    p.add_argument("--folds", type=int, default=3, help="cross-validation folds on the training part")
    p.add_argument("--prior-pseudocount", type=float, nargs="+", default=[1.0, 3.0, 10.0, 50.0, 200.0])
    p.add_argument("--equivalent-sample-size", type=float, nargs="+", default=[2.0, 10.0])
    p.add_argument("--baseline-c", type=float, nargs="+", default=[0.1, 1.0, 10.0])
    p.add_argument("--jobs", type=int, default=2, help="parallel jobs for the baseline's one-vs-rest fits")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--progress", action="store_true", help="progress bars while scoring")
    p.set_defaults(handler=cmd_evaluate_protocol)


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def cmd_evaluate_protocol(args: argparse.Namespace, settings: Settings) -> int:
    from knowledge.build import ensure_kb
    from learning.evaluation.protocol import ProtocolConfig, run_protocol
    from learning.evaluation.protocol_report import write_protocol_report
    from learning.evaluation.tuning import learning_grid
    from learning.ingest.pipeline import ingest_phenopackets
    from learning.store import Store

    kb = ensure_kb(settings)
    config = ProtocolConfig(
        group_by=args.group_by,
        folds=args.folds,
        grid=learning_grid(args.prior_pseudocount, args.equivalent_sample_size),
        baseline_c=tuple(args.baseline_c),
        baseline_jobs=args.jobs,
        seed=args.seed,
    )
    out = Path(args.out)
    if args.store:
        with Store(settings.store_path) as store:
            result = run_protocol(store, kb, config, log=_log, progress=args.progress)
    else:
        paths = [Path(p) for p in args.cases] if args.cases else settings.demo_data
        if not paths:
            raise ValueError("no cases: pass --cases DIR (phenopackets) or --store")
        with (
            tempfile.TemporaryDirectory(prefix="dxgraph-protocol-") as scratch,
            Store(Path(scratch) / "store.duckdb") as store,
        ):
            # a throw-away key: the temporary store only lives for this run
            summary = ingest_phenopackets(store, kb, secrets.token_bytes(32), paths, progress=args.progress)
            _log(summary.as_text())
            result = run_protocol(store, kb, config, log=_log, progress=args.progress)
    page = write_protocol_report(result, out)
    headline = {model: {k: round(v, 4) for k, v in s.items()} for model, s in result.test["all"].items()}
    print(json.dumps({"report": str(page), "test": headline}, indent=1))
    return 0
