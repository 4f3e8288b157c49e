"""Keep each worker's memory near its budget: fewer glibc malloc arenas, and freed heap returned to the OS.

Requests allocate many short-lived arrays of ~100 KB (one float per disease) from several threads; glibc
keeps one heap arena per thread and keeps freed pages mapped, so a worker's memory creeps up after bursts
of traffic (fuzzing, load tests) although nothing is leaked. Two arenas and a periodic malloc_trim undo
that without touching the allocation path. No-ops where glibc is not the allocator.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading

__all__ = ["limit_arenas", "start_trimmer", "trim"]

M_ARENA_MAX = -8


def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.mallopt  # noqa: B018 - glibc only
        libc.malloc_trim  # noqa: B018
        return libc
    except (OSError, AttributeError):
        return None


def limit_arenas(arenas: int = 2) -> bool:
    """At most `arenas` malloc arenas for the threads of this process (and of the workers it forks)."""
    libc = _libc()
    return bool(libc and libc.mallopt(M_ARENA_MAX, arenas) == 1)


def trim() -> bool:
    """Give the free pages of the heap back to the operating system now."""
    libc = _libc()
    return bool(libc and libc.malloc_trim(0))


def start_trimmer(interval_s: float = 10.0) -> threading.Thread | None:
    """A daemon thread that trims the heap every `interval_s` seconds (cheap: a few ms on an idle heap)."""
    libc = _libc()
    if libc is None:
        return None
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval_s):
            libc.malloc_trim(0)

    thread = threading.Thread(target=loop, name="dxgraph-malloc-trim", daemon=True)
    thread.start()
    return thread
