"""`dxgraph monitor` (drift of served evidence vs the production model) and `dxgraph scheduler`."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

from knowledge.config import Settings

__all__ = ["register"]

THRESHOLD_FLAGS = {
    "psi": (float, "PSI of a distribution that counts as drift (default 0.25)"),
    "alpha": (float, "significance level of the tests (default 0.01)"),
    "term_psi": (float, "PSI of one term's share that counts (default 0.1)"),
    "term_min_count": (int, "test terms seen at least this often (default 5)"),
    "terms_for_drift": (int, "this many drifted terms make a drift (default 3)"),
    "ks": (float, "KS statistic of age that counts (default 0.15)"),
    "min_requests": (int, "fewer requests in the window give no verdict (default 50)"),
    "min_feedback": (int, "fewer confirmed diagnoses give no performance verdict (default 20)"),
    "accuracy_drop": (float, "top-1 accuracy drop below validation that counts (default 0.10)"),
}


def register(sub) -> None:
    """Add the `monitor` and `scheduler` commands to the subparsers."""
    p = sub.add_parser(
        "monitor",
        help="drift of served evidence vs the production model's training data; exit 1 on drift",
        description="Loads the serving logs into the store, compares the last --window-days with the "
        "reference of the model (terms, organ systems, age, sex, predicted groups, feedback accuracy), "
        "writes an HTML report and verdict.json. Exit 0: no drift; 1: drift; 2: error. Thresholds: "
        "flags, else DXGRAPH_MONITOR_<NAME> (e.g. DXGRAPH_MONITOR_PSI), else the defaults.",
    )
    p.add_argument("--window-days", type=float, default=7.0, help="recent window (default 7 days)")
    p.add_argument("--reference", default="production", help="production (default) or a model version")
    p.add_argument("--out", help="report directory (default $DXGRAPH_HOME/reports/monitor)")
    p.add_argument("--relearn", action="store_true", help="re-learn (and promote if not worse) on drift")
    p.add_argument(
        "--engine", choices=["duckdb", "spark"], default="duckdb", help="counts engine for --relearn"
    )
    p.add_argument("--json", action="store_true", help="print the whole verdict JSON")
    for name, (kind, text) in THRESHOLD_FLAGS.items():
        p.add_argument(f"--{name.replace('_', '-')}", type=kind, help=text)
    p.set_defaults(handler=cmd_monitor)
    p = sub.add_parser(
        "scheduler",
        help="run scheduled re-learning and drift monitoring (APScheduler) until stopped",
        description="Jobs: relearn on DXGRAPH_RELEARN_CRON (default '0 2 * * *'), monitor every "
        "DXGRAPH_MONITOR_INTERVAL_MINUTES (default 60, 0 = off) over DXGRAPH_MONITOR_WINDOW_DAYS "
        "(default 7); a drift verdict triggers a re-learning. DXGRAPH_LEARN_ENGINE=duckdb|spark.",
    )
    p.add_argument("--cron", help="re-learning cron expression (env DXGRAPH_RELEARN_CRON)")
    p.add_argument(
        "--monitor-minutes", type=float, help="monitor interval (env DXGRAPH_MONITOR_INTERVAL_MINUTES)"
    )
    p.add_argument("--once", choices=["relearn", "monitor"], help="run one job now and exit")
    p.set_defaults(handler=cmd_scheduler)


def _summary(verdict: dict) -> str:
    status = "DRIFT" if verdict["drift"] else ("no verdict" if verdict["status"] != "ok" else "no drift")
    lines = [
        f"{status}: {verdict['window']['requests']} requests in {verdict['window']['days']:g} days vs model "
        f"{verdict['reference']['model_version']} ({verdict['seconds']:.1f} s)",
        *[f"  - {reason}" for reason in verdict["reasons"]],
        f"report: {verdict['report']}",
    ]
    if "relearn" in verdict:
        lines.append(f"re-learning: {json.dumps(verdict['relearn'])}")
    return "\n".join(lines)


def cmd_monitor(args, settings: Settings) -> int:
    import duckdb

    from learning.ops.monitor import Thresholds, run_monitor
    from learning.ops.relearn import relearn

    thresholds = Thresholds.from_env().with_overrides(
        **{name: getattr(args, name) for name in THRESHOLD_FLAGS}
    )
    out = Path(args.out) if args.out else None
    try:
        verdict = run_monitor(settings, args.window_days, args.reference, thresholds, out)
    except duckdb.Error as error:  # e.g. the store is locked by another writer (an ingestion)
        print(f"dxgraph: error: the store is busy or unreadable, try again: {error}", file=sys.stderr)
        return 2
    if verdict["drift"] and args.relearn:
        verdict["relearn"] = relearn(settings, trigger="drift", engine=args.engine)
    print(json.dumps(verdict, indent=1) if args.json else _summary(verdict))
    return 1 if verdict["drift"] else 0


def cmd_scheduler(args, settings: Settings) -> int:
    from dataclasses import replace

    from learning.ops.scheduler import SchedulerConfig, monitor_job, relearn_job, run_scheduler

    logging.getLogger("dxgraph").setLevel(logging.INFO)  # job outcomes; the root handler prints them
    config = SchedulerConfig.from_env()
    if args.cron:
        config = replace(config, cron=args.cron)
    if args.monitor_minutes is not None:
        config = replace(config, monitor_minutes=args.monitor_minutes)
    if args.once == "relearn":
        outcome = relearn_job(settings, config, trigger="manual")
        print(json.dumps(outcome, indent=1))
        return 0 if outcome["status"] != "failed" else 1
    if args.once == "monitor":
        verdict = monitor_job(settings, config)
        print(
            json.dumps(
                {k: verdict.get(k) for k in ("drift", "status", "reasons", "report", "relearn")}, indent=1
            )
        )
        return 1 if verdict["drift"] else 0
    run_scheduler(settings, config)
    return 0
