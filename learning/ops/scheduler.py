"""`dxgraph scheduler`: APScheduler jobs for scheduled re-learning and drift monitoring.

Two jobs in one BlockingScheduler, run one at a time (a single worker thread): `relearn` on a cron
expression ($DXGRAPH_RELEARN_CRON, default nightly at 02:00) and `monitor` every
$DXGRAPH_MONITOR_INTERVAL_MINUTES (default 60; 0 turns it off), whose drift verdict triggers a
re-learning. Either job failing leaves the champion serving.
"""

from __future__ import annotations

import contextlib
import logging
import signal
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from knowledge.config import Settings, scheduler_env
from learning.ops.monitor import Thresholds, run_monitor
from learning.ops.relearn import relearn

__all__ = ["SchedulerConfig", "build_scheduler", "monitor_job", "relearn_job", "run_scheduler"]

log = logging.getLogger("dxgraph.scheduler")
DEFAULT_CRON = "0 2 * * *"


@dataclass(frozen=True)
class SchedulerConfig:
    """When and how the scheduler re-learns and monitors."""

    cron: str = DEFAULT_CRON
    monitor_minutes: float = 60.0
    window_days: float = 7.0
    engine: str = "duckdb"
    tolerance: float = 0.01
    out_dir: Path | None = None
    thresholds: Thresholds = field(default_factory=Thresholds)

    @classmethod
    def from_env(cls) -> SchedulerConfig:
        """The configuration from the DXGRAPH_SCHEDULER_* variables (see `knowledge.config.scheduler_env`)."""
        env = scheduler_env()
        return cls(
            cron=env["cron"] or DEFAULT_CRON,
            monitor_minutes=float(env["monitor_minutes"] or 60.0),
            window_days=float(env["window_days"] or 7.0),
            engine=env["engine"] or "duckdb",
            tolerance=float(env["tolerance"] or 0.01),
            out_dir=Path(env["out_dir"]) if env["out_dir"] else None,
            thresholds=Thresholds.from_env(),
        )


def relearn_job(settings: Settings, config: SchedulerConfig, trigger: str = "schedule") -> dict:
    """The scheduled re-learning (also the drift trigger's)."""
    return relearn(settings, trigger=trigger, engine=config.engine, tolerance=config.tolerance)


def monitor_job(settings: Settings, config: SchedulerConfig) -> dict:
    """Run the monitor; a drift verdict triggers a re-learning. Returns the verdict (with `relearn`)."""
    try:
        verdict = run_monitor(settings, config.window_days, "production", config.thresholds, config.out_dir)
    except Exception as error:  # e.g. the store is locked by an ingestion: try again next interval
        log.exception("monitor failed")
        return {"drift": False, "status": "failed", "reasons": [f"{type(error).__name__}: {error}"]}
    log.info("monitor: drift=%s %s", verdict["drift"], "; ".join(verdict["reasons"]))
    if verdict["drift"]:
        verdict["relearn"] = relearn_job(settings, config, trigger="drift")
    return verdict


def build_scheduler(
    settings: Settings, config: SchedulerConfig, scheduler: BaseScheduler | None = None
) -> BaseScheduler:
    """The two jobs on a scheduler (a BlockingScheduler unless one is given); the monitor runs at once."""
    scheduler = scheduler or BlockingScheduler()
    scheduler.configure(
        executors={"default": ThreadPoolExecutor(1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    scheduler.add_job(
        relearn_job,
        CronTrigger.from_crontab(config.cron),
        args=[settings, config],
        id="relearn",
        name="relearn",
    )
    if config.monitor_minutes > 0:
        scheduler.add_job(
            monitor_job,
            IntervalTrigger(seconds=config.monitor_minutes * 60),
            args=[settings, config],
            id="monitor",
            name="monitor",
            next_run_time=datetime.now().astimezone() + timedelta(seconds=1),
        )
    return scheduler


def run_scheduler(settings: Settings, config: SchedulerConfig) -> None:
    """Block, running the jobs, until SIGTERM / SIGINT."""
    scheduler = build_scheduler(settings, config)

    def stop(signum, frame) -> None:  # noqa: ARG001
        log.info("scheduler: stopping")
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    log.info(
        "scheduler: relearn cron %r, monitor every %s min over %s days",
        config.cron,
        config.monitor_minutes,
        config.window_days,
    )
    with contextlib.suppress(KeyboardInterrupt):
        scheduler.start()
