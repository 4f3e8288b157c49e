"""Every trained model recorded in MLflow tracking (sqlite backend, $DXGRAPH_HOME/mlflow.db).

The JSON registry and the `production` pointer stay the source of truth for serving (which model is in
production now: `dxgraph models list`); MLflow is the
standard place to browse and compare runs (`mlflow ui --backend-store-uri sqlite:///$DXGRAPH_HOME/mlflow.db`).
Tracking never fails a learning run: an error is logged and the model stays registered.
"""

from __future__ import annotations

import logging
import time
import warnings
from pathlib import Path

from knowledge import config

__all__ = ["find_runs", "track_model"]

log = logging.getLogger("dxgraph.tracking")
EXPERIMENT = "dxgraph"
OFF = ("0", "off", "false", "no", "none")


def tracking_uri(home: Path) -> str | None:
    """$DXGRAPH_MLFLOW_URI (off/none disables tracking), else sqlite:///<home>/mlflow.db."""
    configured = config.mlflow_uri()
    if configured.lower() in OFF:
        return None
    return configured or f"sqlite:///{(home / 'mlflow.db').resolve()}"


def _flatten(prefix: str, value: object, out: dict) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix}_{key}" if prefix else str(key), inner, out)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        out[prefix] = float(value)


def run_metrics(metrics: dict) -> dict[str, float]:
    """validation_top1, validation_orphan_top10, literature_only_mrr, ...; plus orphan recall@10."""
    flat: dict[str, float] = {}
    _flatten("", metrics, flat)
    orphan = metrics.get("validation", {}).get("orphan", {})
    if "top10" in orphan:
        flat["validation_orphan_recall_at_10"] = float(orphan["top10"])
    return flat


def run_params(info: dict, entry: dict, directory: Path, tolerance: float) -> dict[str, str]:
    params: dict[str, str] = {
        "version": entry["version"],
        "kb_version": entry["kb_version"],
        "hpo_release": str(info.get("hpo_release")),
        "data_fingerprint": entry["data_fingerprint"],
        "artifact_path": str(directory.resolve()),
        "engine": str(info.get("engine", "duckdb")),
        "tolerance": str(tolerance),
        "train_cases": str(info.get("train_cases")),
        "validation_cases": str(info.get("validation_cases")),
    }
    for key, value in info.get("learning_params", {}).items():
        params[f"learning.{key}"] = str(value)
    return params


def track_model(models_dir: Path, entry: dict, info: dict, directory: Path, tolerance: float) -> str | None:
    """Log one trained model as an MLflow run; returns its run id (None when off or on error)."""
    uri = tracking_uri(models_dir.parent)
    if uri is None:
        return None
    try:
        return _log_run(uri, models_dir, entry, info, directory, tolerance)
    except Exception as error:  # tracking is a record, not a gate
        log.warning("MLflow tracking failed: %s: %s", type(error).__name__, error)
        return None


def _client(uri: str, models_dir: Path):
    for name in ("mlflow", "alembic", "sqlalchemy"):
        logging.getLogger(name).setLevel(logging.WARNING)
    from mlflow.tracking import MlflowClient

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # SQLAlchemy 2.1 on MLflow's mappers
        client = MlflowClient(tracking_uri=uri)
        experiment = client.get_experiment_by_name(EXPERIMENT)
    if experiment is None:
        location = (models_dir.parent / "mlartifacts").resolve().as_uri()
        return client, client.create_experiment(EXPERIMENT, artifact_location=location)
    return client, experiment.experiment_id


def _log_run(uri: str, models_dir: Path, entry: dict, info: dict, directory: Path, tolerance: float) -> str:
    from mlflow.entities import Metric, Param, RunTag

    client, experiment_id = _client(uri, models_dir)
    tags = {
        "mlflow.runName": entry["version"],
        "dxgraph.version": entry["version"],
        "dxgraph.promoted_at_learn": "true" if entry["promoted"] else "false",
        "dxgraph.reason": entry["reason"][:5000],
    }
    run = client.create_run(experiment_id, tags=tags)
    run_id = run.info.run_id
    now = int(time.time() * 1000)
    client.log_batch(
        run_id,
        metrics=[Metric(k, v, now, 0) for k, v in run_metrics(entry["metrics"]).items()],
        params=[Param(k, v[:6000]) for k, v in run_params(info, entry, directory, tolerance).items()],
        tags=[RunTag(k, v) for k, v in tags.items()],
    )
    client.set_terminated(run_id, "FINISHED")
    return run_id


def find_runs(home: Path, version: str | None = None) -> list[dict]:
    """Runs of the dxgraph experiment (newest first) as {run_id, params, metrics, tags}."""
    uri = tracking_uri(home)
    if uri is None:
        return []
    client, experiment_id = _client(uri, home / "models")
    query = f"params.version = '{version}'" if version else ""
    runs = client.search_runs([experiment_id], filter_string=query, order_by=["attributes.start_time DESC"])
    return [
        {"run_id": r.info.run_id, "params": r.data.params, "metrics": r.data.metrics, "tags": r.data.tags}
        for r in runs
    ]
