"""A per-client rate limit shared by every worker process: fixed windows in one shared-memory table.

The table is a file mapped into memory (in /dev/shm when there is one), opened by the master before it
forks, so all workers count in the same place; a POSIX record lock (released by the kernel if its
holder dies) plus a thread lock serialize updates. Clients are hashed into slots with a little linear
probing; when every probed slot is busy with other clients, they share one (stricter, never laxer).
"""

from __future__ import annotations

import fcntl
import hashlib
import math
import mmap
import os
import tempfile
import threading
import time
from dataclasses import dataclass

import numpy as np
from limits import parse_many

__all__ = ["SharedRateLimit"]

SLOTS = 16384
PROBES = 4


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds until the window that refused the request ends
    limit: str = ""


class SharedRateLimit:
    """`rule` like "600 per minute;20 per second": every limit applies to each client address."""

    def __init__(self, rule: str, slots: int = SLOTS) -> None:
        items = parse_many(rule)
        self.rule = rule
        self.amounts = np.asarray([item.amount for item in items], dtype=np.int64)
        self.periods = np.asarray([item.get_expiry() for item in items], dtype=np.int64)
        self.labels = [str(item) for item in items]
        self.slots = slots
        width = 1 + 2 * len(items)  # key, then (window, count) per limit
        size = slots * width * 8
        directory = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
        descriptor, path = tempfile.mkstemp(prefix="dxgraph-ratelimit-", dir=directory)
        os.unlink(path)  # the open descriptor (inherited by forked workers) keeps it alive
        os.ftruncate(descriptor, size)
        self._descriptor = descriptor
        self._map = mmap.mmap(descriptor, size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
        self._table = np.frombuffer(self._map, dtype=np.int64).reshape(slots, width)
        self._thread_lock = threading.Lock()

    @staticmethod
    def _key(client: str) -> int:
        digest = hashlib.blake2b(client.encode("utf-8", "replace"), digest_size=8).digest()
        return int.from_bytes(digest, "little", signed=True) or 1

    def hit(self, client: str, now: float | None = None) -> Verdict:
        """Count one request of `client`; refused when any of its windows is already full."""
        now = time.time() if now is None else now
        key = self._key(client)
        windows = np.floor_divide(int(now), self.periods)
        with self._thread_lock:
            fcntl.lockf(self._descriptor, fcntl.LOCK_EX)
            try:
                row = self._slot(key, windows)
                state = self._table[row]
                current = state[1::2] == windows
                counts = np.where(current, state[2::2], 0)
                full = counts >= self.amounts
                if full.any():
                    first = int(np.argmax(full))
                    reset = (int(windows[first]) + 1) * int(self.periods[first])
                    return Verdict(False, max(1, math.ceil(reset - now)), self.labels[first])
                state[0] = key
                state[1::2] = windows
                state[2::2] = counts + 1
                return Verdict(True)
            finally:
                fcntl.lockf(self._descriptor, fcntl.LOCK_UN)

    def _slot(self, key: int, windows: np.ndarray) -> int:
        """The client's slot: its own, else a free or expired one among the probes, else the first probe."""
        start = key % self.slots
        probes = [(start + i) % self.slots for i in range(PROBES)]
        for row in probes:
            if self._table[row, 0] == key:
                return row
        for row in probes:
            state = self._table[row]
            if state[0] == 0 or not (state[1::2] == windows).any():
                return row
        return probes[0]
