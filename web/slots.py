"""Slots for expensive work shared by every worker process: N lock files, one flock each.

A slot is held by locking one file; the kernel releases it when the holder closes it or dies, so a
killed worker never keeps a slot. Without a usable directory the slots are per process (a semaphore).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ["Slots"]

_POLL_S = 0.02


class Slots:
    """At most `count` holders at once across processes sharing `directory`."""

    def __init__(self, directory: Path | None, count: int, name: str = "slot") -> None:
        self.count = count
        self.paths: list[Path] = []
        self._local = threading.BoundedSemaphore(count)
        if directory is not None:
            try:
                directory.mkdir(parents=True, exist_ok=True)
                self.paths = [directory / f"{name}-{i}.lock" for i in range(count)]
                for path in self.paths:
                    path.touch(exist_ok=True)
            except OSError:
                self.paths = []

    def _try_lock(self) -> int | None:
        for path in self.paths:
            try:
                descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError:
                continue
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return descriptor
            except OSError:
                os.close(descriptor)
        return None

    @contextlib.contextmanager
    def hold(self, wait_s: float) -> Iterator[bool]:
        """Yields True while holding a slot, False when none was free within `wait_s` seconds."""
        if not self.paths:
            acquired = self._local.acquire(timeout=wait_s)
            try:
                yield acquired
            finally:
                if acquired:
                    self._local.release()
            return
        deadline = time.monotonic() + wait_s
        descriptor = self._try_lock()
        while descriptor is None and time.monotonic() < deadline:
            time.sleep(_POLL_S)
            descriptor = self._try_lock()
        try:
            yield descriptor is not None
        finally:
            if descriptor is not None:
                os.close(descriptor)  # releases the lock
