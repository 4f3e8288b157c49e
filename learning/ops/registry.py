"""The model registry: every trained model recorded; a pointer names the champion; rollback walks history."""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from inference.loading import PRODUCTION_HISTORY, PROMOTED_POINTER, PointerError, is_model_dir, served_version
from knowledge.jsonio import read_json_lines

__all__ = ["champion", "entries", "promote", "record", "rollback"]

REGISTRY = "registry.jsonl"
HISTORY = PRODUCTION_HISTORY


def record(models_dir: Path, entry: dict) -> None:
    """Append one entry to the model registry."""
    models_dir.mkdir(parents=True, exist_ok=True)
    with open(models_dir / REGISTRY, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, sort_keys=True) + "\n")


def _read_lines(path: Path) -> list:
    """Every line of a registry JSONL file; a line that is not JSON raises (only dxgraph writes these)."""
    values = []
    for line in read_json_lines(path):
        if line.error is not None:
            raise line.error
        values.append(line.value)
    return values


def entries(models_dir: Path) -> list[dict]:
    """Every registry entry, oldest first (empty when there is no registry yet)."""
    path = models_dir / REGISTRY
    if not path.exists():
        return []
    return _read_lines(path)


def champion(models_dir: Path) -> str | None:
    """The model being served (a damaged pointer: the newest valid promotion; None: literature-only)."""
    try:
        return served_version(models_dir)
    except PointerError:
        return None


def promote(models_dir: Path, version: str, reason: str) -> None:
    """Atomically point production at a model and append to the history (for rollback)."""
    if not is_model_dir(models_dir, version):
        raise FileNotFoundError(f"no model {version} in {models_dir}")
    descriptor, temporary = tempfile.mkstemp(prefix=f".{PROMOTED_POINTER}.", dir=models_dir)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(version + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(temporary, 0o644)
    os.replace(temporary, models_dir / PROMOTED_POINTER)
    with open(models_dir / HISTORY, "a", encoding="utf-8") as handle:
        handle.write(
            json.dumps({"version": version, "at": time.strftime("%Y-%m-%dT%H:%M:%S"), "reason": reason})
            + "\n"
        )


def rollback(models_dir: Path) -> str:
    """Re-promote the champion before the current one."""
    path = models_dir / HISTORY
    history = _read_lines(path) if path.exists() else []
    current = champion(models_dir)
    previous = [
        h["version"] for h in history if h["version"] != current and is_model_dir(models_dir, h["version"])
    ]
    if not previous:
        raise ValueError("no earlier champion to roll back to")
    promote(models_dir, previous[-1], f"rollback from {current}")
    return previous[-1]
