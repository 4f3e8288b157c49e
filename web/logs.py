"""Structured JSON log lines without patient data: route, status, latency, versions, never findings."""

from __future__ import annotations

import json
import logging
import sys
import time

__all__ = ["JsonFormatter", "gunicorn_logconfig", "setup_logging"]

# the only extra fields a log line may carry (anything else passed in `extra` is dropped)
FIELDS = (
    "event",
    "method",
    "route",
    "status",
    "latency_ms",
    "model_version",
    "kb_version",
    "request_id",
    "outcome",
    "error_type",
    "where",
)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message and the allow-listed fields."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one JSON line: time (UTC), level, logger, message and the request fields that are
        set."""
        line = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                line[name] = value
        return json.dumps(line, ensure_ascii=False)


def setup_logging(level: str = "INFO") -> None:
    """JSON lines on stderr for the `dxgraph` loggers (idempotent)."""
    logger = logging.getLogger("dxgraph")
    if not any(getattr(h, "_dxgraph_json", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler._dxgraph_json = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


def gunicorn_logconfig(level: str = "INFO") -> dict:
    """gunicorn's own messages (boot, worker restarts) as JSON lines too; no access log."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "web.logs.JsonFormatter"}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
        },
        "root": {"handlers": ["stderr"], "level": "WARNING"},
        "loggers": {
            "gunicorn.error": {"handlers": ["stderr"], "level": level, "propagate": False},
            "gunicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
