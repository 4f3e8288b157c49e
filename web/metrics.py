"""Prometheus metrics (multi-process aware under gunicorn: PROMETHEUS_MULTIPROC_DIR set by `serve`)."""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

__all__ = ["DIAGNOSES", "LATENCY", "RELOADS", "REQUESTS", "render", "show_model"]

REQUESTS = Counter("dxgraph_http_requests_total", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram(
    "dxgraph_http_request_duration_seconds",
    "Time to answer a request",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
DIAGNOSES = Counter("dxgraph_diagnoses_total", "Differentials computed", ["context", "via"])
RELOADS = Counter("dxgraph_reloads_total", "Knowledge base / model reloads", ["outcome"])
MODEL = Gauge(
    "dxgraph_model_loaded",
    "1 for the model and KB version a worker serves",
    ["model_version", "kb_version"],
    multiprocess_mode="liveall",
)

_shown: dict[int, tuple[str, str]] = {}


def show_model(model_version: str, kb_version: str) -> None:
    """Point the model gauge of this process at the versions it serves (cheap when unchanged)."""
    pid = os.getpid()
    current = (model_version, kb_version)
    previous = _shown.get(pid)
    if previous == current:
        return
    if previous is not None:
        MODEL.labels(*previous).set(0)  # (multi-process files cannot forget a label set)
    MODEL.labels(*current).set(1)
    _shown[pid] = current


def render() -> tuple[bytes, str]:
    """The exposition text; aggregated over all workers when running multi-process."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
