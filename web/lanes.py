"""Ordinary requests computed one at a time in each worker; large ones beside them. Two diagnoses that
interleave in one process hand the GIL back and forth at every numpy call over all diseases, which costs
more CPU than computing them in turn; a large request never takes the lane, so it never holds up the
ordinary ones (and each request has its own time budget)."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator

__all__ = ["ORDINARY", "compute_lane", "is_ordinary"]

# the most an ordinary request asks for (the site's page asks for top 10, explain 10, questions 5)
ORDINARY = {"findings": 40, "top": 20, "explain": 10, "questions": 10}

_lane = threading.Lock()


def _new_lane() -> None:
    global _lane
    _lane = threading.Lock()


os.register_at_fork(after_in_child=_new_lane)  # each gunicorn worker starts with a free lane


def is_ordinary(findings: int, top: int, explain: int, questions: int) -> bool:
    """Whether a request is small enough to take the lane (a few milliseconds of work)."""
    asked = {"findings": findings, "top": top, "explain": explain, "questions": questions}
    return all(asked[name] <= limit for name, limit in ORDINARY.items())


@contextlib.contextmanager
def compute_lane(ordinary: bool) -> Iterator[None]:
    """Hold this worker's lane while an ordinary request computes; large requests go straight through."""
    if not ordinary:
        yield
        return
    with _lane:
        yield
