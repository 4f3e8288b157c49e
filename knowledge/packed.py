"""Read-only text columns packed into one buffer, so that reading them never writes to shared memory.

A gunicorn worker shares the preloaded master's memory until it writes to a page. Reading a Python string
writes to it (its reference count), so a list of 264,383 short strings (the KB's per-link citations and
evidence codes) read from end to end, as a crawler or a fuzzer reading every disease page does, copies
every page that holds one into each worker: about 34 MB per worker that never goes back. Packed into one
bytes buffer with their offsets, the same strings are decoded afresh on each read and the shared pages stay
shared. `tests/test_serving_memory.py` holds the copy to what it replaces.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

__all__ = ["PackedStrings"]


class PackedStrings(Sequence[str]):
    """An immutable sequence of str stored as UTF-8 in one buffer; `packed[i]` is a new, equal str."""

    __slots__ = ("_blob", "_ends")

    def __init__(self, strings: Iterable[str]) -> None:
        encoded = [s.encode("utf-8", "surrogatepass") for s in strings]
        self._blob = b"".join(encoded)
        self._ends = np.cumsum([len(b) for b in encoded], dtype=np.int64)

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        n = len(self._ends)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("PackedStrings index out of range")
        end = int(self._ends[index])
        start = int(self._ends[index - 1]) if index else 0
        return self._blob[start:end].decode("utf-8", "surrogatepass")

    @property
    def nbytes(self) -> int:
        """Memory held: the UTF-8 buffer and the offsets."""
        return len(self._blob) + self._ends.nbytes
