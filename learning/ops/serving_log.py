"""The serving log: every diagnosis served, as anonymized evidence, plus confirmed-diagnosis feedback.

Web workers append JSON lines to one file per process and day ($DXGRAPH_HOME/serving/
YYYY-MM-DD-<pid>.jsonl, flushed per line): DuckDB allows one writer process, so the web never opens the
store. `load_into_store` copies new lines into the `served` / `served_feedback` tables when the monitor
runs; it remembers how many bytes of each file it has read, so loading twice adds nothing.

A record holds HPO term ids (present / absent), age band, whole years (capped at 90), sex, context, the
model version and the top-5 disease ids with probabilities: never an identifier, never free text.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from knowledge import config
from knowledge.jsonio import decode, json_lines
from learning.ingest.batch import age_band
from learning.store import Store

__all__ = [
    "ServingLog",
    "feedback_record",
    "load_into_store",
    "new_request_id",
    "prune",
    "served_record",
    "serving_dir",
    "serving_log",
    "top_diseases",
]

TOP = 5
SCHEMA = """
CREATE TABLE IF NOT EXISTS served (           -- one row per diagnosis served (anonymized evidence)
    request_id VARCHAR PRIMARY KEY, ts TIMESTAMP, model_version VARCHAR, kb_version VARCHAR,
    via VARCHAR, context VARCHAR, age_band VARCHAR, age_years INTEGER, sex VARCHAR,
    present VARCHAR[], absent VARCHAR[], top_ids VARCHAR[], top_probabilities DOUBLE[], top1 VARCHAR);
CREATE TABLE IF NOT EXISTS served_feedback (  -- confirmed diagnoses fed back for a served request
    request_id VARCHAR, disease_id VARCHAR, ts TIMESTAMP);
CREATE TABLE IF NOT EXISTS served_files (     -- bytes of each serving-log file already loaded
    name VARCHAR PRIMARY KEY, loaded_bytes BIGINT);
"""


def serving_dir(home: Path) -> Path | None:
    """$DXGRAPH_SERVING_DIR or $DXGRAPH_HOME/serving; None when DXGRAPH_SERVING_LOG=off."""
    if config.serving_log_off():
        return None
    return config.serving_dir(home)


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def new_request_id() -> str:
    """A new random request id (32 hex digits)."""
    return uuid.uuid4().hex


def top_diseases(disease_ids: list[str], log_posterior: np.ndarray, k: int = TOP) -> list[dict]:
    """The k most probable diseases (id, probability) from a posterior over all diseases."""
    finite = np.isfinite(log_posterior)
    if not finite.any():
        return []
    k = min(k, int(finite.sum()))
    candidates = np.argpartition(-np.where(finite, log_posterior, -np.inf), k - 1)[:k]
    order = candidates[np.argsort(-log_posterior[candidates], kind="stable")]
    return [
        {"disease_id": disease_ids[int(i)], "probability": round(float(np.exp(log_posterior[int(i)])), 6)}
        for i in order
    ]


def served_record(
    request_id: str,
    present: list[str],
    absent: list[str],
    age_years: float | None,
    sex: str | None,
    context: str,
    model_version: str,
    kb_version: str,
    top: list[dict],
    via: str,
) -> dict:
    """One served diagnosis as anonymized evidence (term ids, age band, sex, context, top-5)."""
    return {
        "kind": "served",
        "request_id": request_id,
        "ts": now_utc(),
        "model_version": model_version,
        "kb_version": kb_version,
        "via": via,
        "context": context,
        "present": sorted(set(present)),
        "absent": sorted(set(absent)),
        "age_band": age_band(age_years),
        "age_years": None if age_years is None else int(min(age_years, 90)),
        "sex": sex if sex in ("female", "male") else None,
        "top": top[:TOP],
    }


def feedback_record(request_id: str, disease_id: str) -> dict:
    """The serving-log record of a doctor's confirmed diagnosis for an earlier request."""
    return {"kind": "feedback", "request_id": request_id, "disease_id": disease_id, "ts": now_utc()}


class ServingLog:
    """Append-only JSONL, one file per process and UTC day, one flushed write per record."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._lock = threading.Lock()
        self._handle = None
        self._path: Path | None = None

    def path(self) -> Path:
        """Today's log file of this process (one per UTC day and process id)."""
        return self.directory / f"{time.strftime('%Y-%m-%d', time.gmtime())}-{os.getpid()}.jsonl"

    def append(self, record: dict) -> None:
        """Append one record as a JSON line, thread-safely, to today's file."""
        line = json.dumps(record, separators=(",", ":"), sort_keys=True) + "\n"
        with self._lock:
            path = self.path()
            if path != self._path or self._handle is None:  # a new day, or a forked worker
                if self._handle is not None:
                    self._handle.close()
                self.directory.mkdir(parents=True, exist_ok=True)
                self._handle = open(path, "a", encoding="utf-8")  # noqa: SIM115 - kept open across calls
                self._path = path
            self._handle.write(line)
            self._handle.flush()


_LOGS: dict[Path, ServingLog] = {}
_LOGS_LOCK = threading.Lock()


def serving_log(directory: Path) -> ServingLog:
    """The process-wide log for a directory."""
    with _LOGS_LOCK:
        if directory not in _LOGS:
            _LOGS[directory] = ServingLog(directory)
        return _LOGS[directory]


# ---- loading into the store (the monitor's side) -----------------------------------------------


def _new_lines(path: Path, offset: int) -> tuple[str, int]:
    """Complete lines after `offset` (a partial last line waits for the next load), and the new offset."""
    with open(path, "rb") as handle:
        handle.seek(offset)
        data = handle.read()
    end = data.rfind(b"\n")
    if end < 0:
        return "", offset
    return decode(data[: end + 1], errors="replace"), offset + end + 1


def _parse(text: str) -> tuple[list[dict], list[dict], int]:
    served, feedback, bad = [], [], 0
    for line in json_lines(text):
        if line.error is not None:
            bad += 1
            continue
        record = line.value
        try:
            if record.get("kind") == "served":
                top = record.get("top") or []
                served.append(
                    {
                        "request_id": str(record["request_id"]),
                        "ts": record["ts"],
                        "model_version": record.get("model_version"),
                        "kb_version": record.get("kb_version"),
                        "via": record.get("via"),
                        "context": record.get("context"),
                        "age_band": record.get("age_band"),
                        "age_years": record.get("age_years"),
                        "sex": record.get("sex"),
                        "present": [str(t) for t in record.get("present", [])],
                        "absent": [str(t) for t in record.get("absent", [])],
                        "top_ids": [str(t["disease_id"]) for t in top],
                        "top_probabilities": [float(t["probability"]) for t in top],
                        "top1": str(top[0]["disease_id"]) if top else None,
                    }
                )
            elif record.get("kind") == "feedback":
                feedback.append(
                    {
                        "request_id": str(record["request_id"]),
                        "disease_id": str(record["disease_id"]),
                        "ts": record["ts"],
                    }
                )
            else:
                bad += 1
        except (ValueError, KeyError, TypeError):
            bad += 1
    return served, feedback, bad


SERVED_COLUMNS = (
    "request_id, ts, model_version, kb_version, via, context, age_band, age_years, sex, present, absent, "
    "top_ids, top_probabilities, top1"
)


def load_into_store(store: Store, directory: Path | None) -> dict:
    """Copy new serving-log lines into the store, in one transaction; idempotent."""
    db = store.connection
    db.execute(SCHEMA).fetchall()
    summary = {"files": 0, "served": 0, "feedback": 0, "bad_lines": 0, "pruned": 0}
    if directory is None or not directory.is_dir():
        return summary
    loaded = dict(db.execute("SELECT name, loaded_bytes FROM served_files").fetchall())
    served, feedback, offsets = [], [], {}
    for path in sorted(directory.glob("*.jsonl")):
        offset = int(loaded.get(path.name, 0))
        if path.stat().st_size <= offset:
            continue
        text, new_offset = _new_lines(path, offset)
        rows, answers, bad = _parse(text)
        served += rows
        feedback += answers
        summary["bad_lines"] += bad
        offsets[path.name] = new_offset
        summary["files"] += 1
    if not offsets:
        summary["pruned"] = prune(store, directory)
        return summary
    with store.transaction():
        if served:
            frame = pd.DataFrame(served).drop_duplicates("request_id")
            db.register("incoming_served", frame)
            try:
                before = store.count("served")
                db.execute(
                    f"""INSERT INTO served ({SERVED_COLUMNS})
                        SELECT request_id, CAST(ts AS TIMESTAMP), model_version, kb_version, via, context,
                               age_band, CAST(age_years AS INTEGER), sex, CAST(present AS VARCHAR[]),
                               CAST(absent AS VARCHAR[]), CAST(top_ids AS VARCHAR[]),
                               CAST(top_probabilities AS DOUBLE[]), top1
                        FROM incoming_served
                        WHERE request_id NOT IN (SELECT request_id FROM served)"""
                ).fetchall()
                summary["served"] = store.count("served") - before
            finally:
                db.unregister("incoming_served")
        if feedback:
            frame = pd.DataFrame(feedback).drop_duplicates()
            db.register("incoming_feedback", frame)
            try:
                before = store.count("served_feedback")
                db.execute(
                    """INSERT INTO served_feedback
                       SELECT i.request_id, i.disease_id, CAST(i.ts AS TIMESTAMP) FROM incoming_feedback i
                       WHERE NOT EXISTS (SELECT 1 FROM served_feedback f WHERE f.request_id = i.request_id
                             AND f.disease_id = i.disease_id AND f.ts = CAST(i.ts AS TIMESTAMP))"""
                ).fetchall()
                summary["feedback"] = store.count("served_feedback") - before
            finally:
                db.unregister("incoming_feedback")
        for name, offset in offsets.items():
            db.execute("INSERT OR REPLACE INTO served_files VALUES (?, ?)", [name, offset]).fetchall()
    summary["pruned"] = prune(store, directory)
    return summary


def prune(store: Store, directory: Path, days: float | None = None) -> int:
    """Delete log files older than $DXGRAPH_SERVING_RETENTION_DAYS (default 30) once fully loaded;
    their rows stay in the store."""
    days = config.serving_retention_days() if days is None else days
    loaded = dict(store.connection.execute("SELECT name, loaded_bytes FROM served_files").fetchall())
    cutoff = time.time() - days * 86400
    removed = 0
    for path in directory.glob("*.jsonl"):
        stat = path.stat()
        if stat.st_mtime < cutoff and loaded.get(path.name) == stat.st_size:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
