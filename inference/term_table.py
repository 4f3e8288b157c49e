"""The likelihood columns of the most used terms, computed once per (knowledge base, model) into
memory-mapped files.

A term's columns (its log likelihood for every disease) cost 1-4 ms to compute and about 160 KB to keep.
Computed lazily, each server worker computes and caches them on its own, and a batch recomputes them on
every run. Kept in files instead, they are computed once, the workers of a server share the pages they
read (the operating system keeps one copy), and memory grows with the terms actually used, not with the
number of workers. Terms outside the table go through the ordinary caches. The values are the ones the
caches would hold, stored as float32 (the fitted cache's own precision; the literature's float64 log
likelihoods lose nothing a ranking can see: relative 6e-8).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import mmap
import multiprocessing
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from inference.engine import Diagnoser

__all__ = [
    "TermTable",
    "table_key",
    "most_used_terms",
    "build_table",
    "load_table",
    "existing_table",
    "ensure_table",
]

log = logging.getLogger(__name__)
FORMAT = 3  # 3: curated leaks follow the consultation mix (a table of format 2 holds the old leaks)
PAGE = 4096  # bytes: rows start on a page, so that no page holds parts of two rows
ARRAYS = ("lit_log_present", "fit_log_present", "fit_log_absent")
_STATE: dict = {}  # what forked builders inherit


@dataclass
class TermTable:
    """Slot per term (-1: not in the table) and the memory-mapped columns, one row per slot."""

    slot: np.ndarray  # int32 over all ontology terms
    lit_log_present: np.ndarray  # (slots, diseases) float32: log P(q | D), literature rule
    lit_other: np.ndarray  # (slots,) float64: log P(q | other)
    fit_log_present: np.ndarray | None  # (slots, diseases) float32: the fitted likelihood's columns
    fit_log_absent: np.ndarray | None
    fit_other: np.ndarray | None  # (slots, 2) float64: fitted other_present, other_absent
    key: str

    def __len__(self) -> int:
        return len(self.lit_other)

    def row(self, term: int) -> int:
        """The term's row, or -1 when the table does not hold it."""
        return int(self.slot[term])


def table_key(diagnoser: Diagnoser) -> str:
    """What the columns depend on: the KB build, the network's link strengths and every parameter."""
    digest = hashlib.sha256()
    digest.update(f"{FORMAT}|{diagnoser.kb.version}|{diagnoser.model_version}|".encode())
    digest.update(json.dumps(asdict(diagnoser.params), sort_keys=True, default=str).encode())
    net = diagnoser.network
    for array in (net.ann_strength, net.ann_term, net.ann_disease):
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()[:20]


def row_stride(n_diseases: int) -> int:
    """float32 values per stored row: whole pages, so that reading one term's row touches its own pages."""
    per_page = PAGE // 4
    return -(-n_diseases // per_page) * per_page


def _drop_cached_pages(path: Path) -> None:
    """Evict a freshly written file's pages from the page cache: the kernel maps cached pages around each
    fault ("fault-around"), so a table still cached from its writing would put neighbouring rows into
    every worker's memory; evicted (and read without read-ahead), the cache holds the rows requests read."""
    if not hasattr(os, "posix_fadvise"):
        return
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(descriptor)


def most_used_terms(diagnoser: Diagnoser, count: int) -> np.ndarray:
    """The `count` terms most often annotated to diseases (how often real cases use a term follows it:
    the top 6,000 hold 97% of the findings of the shared dev cases, the top 4,000 94%)."""
    counts = np.bincount(diagnoser.network.ann_term, minlength=len(diagnoser.kb.term_ids))
    order = np.argsort(-counts, kind="stable")
    return np.sort(order[: min(count, int((counts > 0).sum()))]).astype(np.int64)


def _rows(terms: list[int]) -> list[tuple[int, np.ndarray, float, tuple | None]]:
    """Compute the columns of `terms` (in a forked builder, or in this process)."""
    diagnoser = _STATE["diagnoser"]
    fitted = bool(diagnoser.params.fitted_contexts)
    out = []
    for term in terms:
        columns = diagnoser.cache.compute(term)
        lit = columns.log_present(diagnoser.network).astype(np.float32)
        fit = None
        if fitted:
            f = diagnoser.fitted.compute(term, columns)
            fit = (f.log_present, f.log_absent, f.other_present, f.other_absent)
        out.append((term, lit, columns.log_present_other(), fit))
    return out


def build_table(
    diagnoser: Diagnoser, directory: Path, count: int, jobs: int = 1, progress: bool = True
) -> TermTable:
    """Compute the `count` most used terms' columns into `directory` (written aside, then renamed).

    Parameters
    ----------
    diagnoser : the engine whose likelihoods are tabulated (KB, model and parameters)
    directory : the table's directory (its name should be `table_key(diagnoser)`)
    count : how many terms
    jobs : processes computing rows (forked; 1: this process)
    progress : show a progress bar on stderr

    Returns
    -------
    The table, memory-mapped read-only from `directory`.
    """
    terms = most_used_terms(diagnoser, count)
    n, k = diagnoser.network.n_diseases, len(terms)
    fitted = bool(diagnoser.params.fitted_contexts)
    staging = directory.with_name(f".staging-{directory.name}-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    stride = row_stride(n)
    mapped = {
        name: np.memmap(staging / f"{name}.f32", np.float32, "w+", shape=(max(k, 1), stride))[:, :n]
        for name in ARRAYS
        if fitted or name == "lit_log_present"
    }
    lit_other = np.zeros(k)
    fit_other = np.zeros((k, 2))
    position = {int(t): i for i, t in enumerate(terms.tolist())}
    chunks = [terms[i : i + 32].tolist() for i in range(0, k, 32)]
    _STATE["diagnoser"] = diagnoser
    bar, pool = None, None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=k, desc="likelihood table", unit="term", leave=False)
    try:
        if jobs > 1 and k > 256:
            pool = multiprocessing.get_context("fork").Pool(jobs)
            results = pool.imap_unordered(_rows, chunks)
        else:
            results = map(_rows, chunks)
        for rows in results:
            for term, lit, other, fit in rows:
                i = position[term]
                mapped["lit_log_present"][i] = lit
                lit_other[i] = other
                if fit is not None:
                    mapped["fit_log_present"][i], mapped["fit_log_absent"][i] = fit[0], fit[1]
                    fit_other[i] = fit[2], fit[3]
            if bar is not None:
                bar.update(len(rows))
    finally:
        if pool is not None:
            pool.terminate()  # (every row is in by now, or the build failed: nothing left to wait for)
            pool.join()
        _STATE.clear()
        if bar is not None:
            bar.close()
    for array in mapped.values():
        array.base.flush()
    del mapped
    for name in ARRAYS:
        if (staging / f"{name}.f32").exists():
            _drop_cached_pages(staging / f"{name}.f32")
    np.save(staging / "terms.npy", terms)
    np.save(staging / "lit_other.npy", lit_other)
    if fitted:
        np.save(staging / "fit_other.npy", fit_other)
    (staging / "table.json").write_text(
        json.dumps({"format": FORMAT, "terms": k, "diseases": n, "stride": stride, "fitted": fitted}) + "\n"
    )
    shutil.rmtree(directory, ignore_errors=True)
    staging.rename(directory)
    return load_table(directory, len(diagnoser.kb.term_ids))


def load_table(directory: Path, n_terms: int) -> TermTable:
    """A table written by `build_table`, memory-mapped read-only."""
    meta = json.loads((directory / "table.json").read_text())
    if meta.get("format") != FORMAT:
        raise ValueError(f"{directory}: table format {meta.get('format')}, expected {FORMAT}")
    terms = np.load(directory / "terms.npy")
    slot = np.full(n_terms, -1, dtype=np.int32)
    slot[terms] = np.arange(len(terms), dtype=np.int32)
    fitted = bool(meta.get("fitted"))

    shape = (max(len(terms), 1), int(meta["stride"]))

    def mapped(name: str) -> np.ndarray:
        array = np.memmap(directory / f"{name}.f32", np.float32, "r", shape=shape)
        raw = getattr(array, "_mmap", None)
        if raw is not None and hasattr(mmap, "MADV_RANDOM"):
            raw.madvise(mmap.MADV_RANDOM)  # rows are read one at a time: no read-ahead of their neighbours
        # a plain view (its rows cost less to take than memmap rows), without the padding
        return array.view(np.ndarray)[:, : int(meta["diseases"])]

    return TermTable(
        slot=slot,
        lit_log_present=mapped("lit_log_present"),
        lit_other=np.load(directory / "lit_other.npy"),
        fit_log_present=mapped("fit_log_present") if fitted else None,
        fit_log_absent=mapped("fit_log_absent") if fitted else None,
        fit_other=np.load(directory / "fit_other.npy") if fitted else None,
        key=directory.name,
    )


def existing_table(diagnoser: Diagnoser, root: Path, count: int) -> TermTable | None:
    """The diagnoser's table under `root` if it has been built (with `count` terms), else None."""
    if count <= 0:
        return None
    try:
        table = load_table(root / table_key(diagnoser), len(diagnoser.kb.term_ids))
    except (OSError, ValueError, KeyError):
        return None
    return table if len(table) == len(most_used_terms(diagnoser, count)) else None


def ensure_table(
    diagnoser: Diagnoser, root: Path, count: int, jobs: int = 1, progress: bool = True
) -> TermTable | None:
    """The diagnoser's table under `root` (built when missing; older tables of other keys removed);
    None when `count` is 0."""
    if count <= 0:
        return None
    key = table_key(diagnoser)
    directory = root / key
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as lock:  # one builder at a time (workers reloading together)
        fcntl.flock(lock, fcntl.LOCK_EX)
        table = existing_table(diagnoser, root, count)
        if table is not None:
            return table
        log.info("building the likelihood table of %d terms in %s", count, directory)
        table = build_table(diagnoser, directory, count, jobs=jobs, progress=progress)
        for other in root.iterdir():
            if other.is_dir() and other.name != key:
                shutil.rmtree(other, ignore_errors=True)
        return table
