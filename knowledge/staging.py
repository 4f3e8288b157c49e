"""Staging directories: written under a hidden name, renamed into place; leftovers of killed runs removed.

A model, a KB build or a SPARQL store is written into `.staging-*` (or `.sparql-*`) next to its final
place and renamed when complete. A run killed in between leaves that directory behind; the next writer
removes leftovers older than `max_age_s` (far longer than a save takes, so a concurrent one is spared).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from pathlib import Path

__all__ = ["STALE_AFTER_S", "clean_stale", "new_staging"]

log = logging.getLogger(__name__)

STAGING_PREFIX = ".staging-"
STALE_AFTER_S = 15 * 60.0  # a model or KB save takes seconds


def clean_stale(parent: Path, prefix: str = STAGING_PREFIX, max_age_s: float = STALE_AFTER_S) -> list[Path]:
    """Remove `prefix*` directories under `parent` not modified for `max_age_s`; returns what was removed."""
    removed: list[Path] = []
    try:
        candidates = [p for p in parent.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return removed
    now = time.time()
    for path in candidates:
        try:
            if not path.is_dir() or path.is_symlink() or now - path.stat().st_mtime < max_age_s:
                continue
        except OSError:
            continue
        shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            removed.append(path)
            log.warning("removed %s, left behind by an interrupted run", path)
    return removed


def new_staging(parent: Path, prefix: str = STAGING_PREFIX, max_age_s: float = STALE_AFTER_S) -> Path:
    """A fresh staging directory under `parent`, after removing stale ones of the same prefix."""
    parent.mkdir(parents=True, exist_ok=True)
    clean_stale(parent, prefix, max_age_s)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
