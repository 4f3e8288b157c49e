"""The per-term likelihood cache of the literature rule: TermColumns (inference.term_columns) computed on
demand, the most recently used kept within a count and a byte bound, chosen terms pinned for good before a
server forks its workers; thread-safe bookkeeping."""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from inference.network import Network
from inference.term_columns import TermColumnRules, TermColumns

__all__ = ["LikelihoodCache", "entry_bytes"]


def entry_bytes(columns: TermColumns) -> int:
    """Memory held by one cache entry: its sparse arrays and the dense ones computed so far."""
    total = 0
    for value in vars(columns).values():
        if isinstance(value, np.ndarray):
            total += value.nbytes
        elif isinstance(value, dict):
            total += sum(v.nbytes for v in value.values() if isinstance(v, np.ndarray))
    return total


class LikelihoodCache(TermColumnRules):
    """Computes TermColumns on demand and keeps the most recently used ones, bounded by count and, when
    `max_bytes` is set, by bytes. Safe to use from several threads (the bookkeeping is locked; two
    threads may compute the same term once each). `pin` keeps chosen terms for good: computed before a
    server forks its workers, their arrays stay shared by all of them."""

    def __init__(self, network: Network, max_terms: int = 2000, max_bytes: int | None = None) -> None:
        super().__init__(network)
        self.max_terms = max_terms
        self.max_bytes = max_bytes
        self._cache: OrderedDict[int, TermColumns] = OrderedDict()
        self._pinned: dict[int, TermColumns] = {}
        self._pinned_base: dict[int, int] = {}  # bytes at pinning (shared); growth after that is counted
        self._sizes: dict[int, int] = {}  # bytes counted per term (LRU entries and pinned growth)
        self._shapes: dict[int, tuple[bool, int]] = {}  # which dense arrays an entry had when counted
        self._bytes = 0
        self._lock = threading.Lock()
        self.tabled: np.ndarray | None = None  # per term: read from a term table (set by the Diagnoser)

    @property
    def bytes(self) -> int:
        """Bytes held by the LRU entries and by what pinned entries gained since they were pinned."""
        return self._bytes

    def columns(self, term: int) -> TermColumns:
        """The term's columns: pinned, cached (now the most recently used) or computed and cached."""
        pinned = self._pinned.get(term)
        if pinned is not None:
            if self.max_bytes is not None and self._grew(term, pinned):
                with self._lock:
                    base = self._pinned_base.get(term)
                    if base is not None:  # (not unpinned meanwhile)
                        self._account(term, entry_bytes(pinned) - base)
            return pinned
        with self._lock:
            cached = self._cache.get(term)
            if cached is not None:
                self._cache.move_to_end(term)
                if self.max_bytes is not None and self._grew(term, cached):
                    self._account(term, entry_bytes(cached))
                return cached
        result = self._compute(term)
        with self._lock:
            raced = self._cache.get(term)
            if raced is not None:
                return raced
            self._cache[term] = result
            # counted with the dense present array its first caller is about to compute (unless the
            # diagnosis reads the term from a table: then a caller reads its sparse part only)
            dense = 0 if self.tabled is not None and self.tabled[term] else 8 * self.network.n_diseases
            self._account(term, entry_bytes(result) + dense)
            self._shrink()
        return result

    def compute(self, term: int) -> TermColumns:
        """A term's columns with their present-finding array, computed without keeping them (for a batch
        that computes terms in other processes and hands them over with `adopt`)."""
        columns = self._compute(term)
        columns.log_present(self.network)
        return columns

    def adopt(self, term: int, columns: TermColumns) -> None:
        """Keep columns computed elsewhere (by `compute`, in another process) as if computed here."""
        with self._lock:
            if term in self._cache or term in self._pinned:
                return
            self._cache[term] = columns
            self._account(term, entry_bytes(columns))

    def pin(self, terms: list[int], max_bytes: int | None = None) -> int:
        """Compute `terms` with their present-finding arrays and keep them for good, in order, until
        `max_bytes`; returns how many were pinned."""
        used = sum(self._pinned_base.values())
        count = 0
        for term in terms:
            if max_bytes is not None and used >= max_bytes:
                break
            if term in self._pinned:
                continue
            columns = self._compute(term)
            columns.log_present(self.network)
            size = entry_bytes(columns)
            with self._lock:
                self._pinned[term] = columns
                self._pinned_base[term] = size
                if self._cache.pop(term, None) is not None:
                    self._bytes -= self._sizes.pop(term, 0)
                self._shapes[term] = (True, 0)
            used += size
            count += 1
        return count

    def _grew(self, term: int, columns: TermColumns) -> bool:
        """Whether an entry computed dense arrays since it was last counted (cheap: no byte sums)."""
        shape = (columns._log_present is not None, len(columns._log_absent))
        if self._shapes.get(term) == shape:
            return False
        self._shapes[term] = shape
        return True

    def _account(self, term: int, size: int) -> None:
        self._bytes += size - self._sizes.get(term, 0)
        self._sizes[term] = size
        self._shrink()

    def _shrink(self) -> None:
        """Drop the least recently used entries while over a bound; past that, unpin the pinned entries
        that grew in this process (their arrays go with them; the term is computed again when needed)."""
        while self._cache and (
            len(self._cache) > self.max_terms or (self.max_bytes is not None and self._bytes > self.max_bytes)
        ):
            old, _ = self._cache.popitem(last=False)
            self._bytes -= self._sizes.pop(old, 0)
            self._shapes.pop(old, None)
        if self.max_bytes is not None and self._bytes > self.max_bytes:
            for term in [t for t in self._pinned if self._sizes.get(t)]:
                del self._pinned[term], self._pinned_base[term]
                self._bytes -= self._sizes.pop(term)
                self._shapes.pop(term, None)
