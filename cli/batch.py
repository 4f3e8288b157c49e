"""`dxgraph diagnose --phenopackets` on many cases, on every core.

Three steps: the cases are read and turned into evidence here; the likelihood columns of every finding
term not cached yet are computed once each, spread over worker processes, and handed back; the cases are
then diagnosed by forked workers that share the warmed cache, and their JSON lines written in input order.
Small batches (or --jobs 1) run in this process.
"""

from __future__ import annotations

import json
import multiprocessing
import sys
from collections.abc import Callable, Iterable
from typing import IO

import numpy as np

from inference.engine import Diagnoser
from inference.evidence import Evidence, EvidenceError
from inference.phenopackets import packet_to_case
from knowledge.config import usable_cores

__all__ = ["PARALLEL_FROM", "read_cases", "run_batch"]

PARALLEL_FROM = 64  # cases; below that, starting worker processes costs more than it saves
_STATE: dict = {}  # what forked workers inherit


def default_jobs() -> int:
    return usable_cores()


def read_cases(
    diagnoser: Diagnoser, items: Iterable[tuple[str, dict]], context: str
) -> list[tuple[str, Evidence]]:
    """(case id, evidence) per phenopacket; the ones that cannot be read are reported and skipped."""
    cases = []
    for where, packet in items:
        try:
            case = packet_to_case(diagnoser.kb, packet, context=context)
        except EvidenceError as error:
            print(f"dxgraph: skipping {where}: {error}", file=sys.stderr)
            continue
        cases.append((case.case_id, case.evidence))
    return cases


def _compute_terms(terms: list[int]) -> list[tuple[int, object, object]]:
    """Each term's literature columns when a case's context uses them, and its fitted columns when one
    uses those (only what the diagnosing workers will read crosses the process boundary)."""
    diagnoser, fitted, literature = _STATE["diagnoser"], _STATE["fitted"], _STATE["literature"]
    out = []
    for term in terms:
        columns = diagnoser.cache.compute(term) if literature else diagnoser.cache.curated_columns(term)
        out.append(
            (
                term,
                columns if literature else None,
                diagnoser.fitted.compute(term, columns) if fitted else None,
            )
        )
    return out


def _diagnose_slice(bounds: tuple[int, int]) -> list[str]:
    diagnoser, cases, options, record = (_STATE[k] for k in ("diagnoser", "cases", "options", "record"))
    lines = []
    for case_id, evidence in cases[bounds[0] : bounds[1]]:
        diagnosis = diagnoser.diagnose(evidence, **options)
        lines.append(json.dumps(record(diagnoser, case_id, diagnosis), ensure_ascii=False) + "\n")
    return lines


def warm(diagnoser: Diagnoser, cases: list[tuple[str, Evidence]], pool) -> int:
    """Compute, in the pool's processes, the columns of every finding term the caches (and the table)
    do not hold: the literature's, and the fitted likelihood's when a case's context uses it."""
    cache, index = diagnoser.cache, diagnoser.kb.term_index
    wanted = {index[f.term] for _, evidence in cases for f in diagnoser.scored_findings(evidence)[0]}
    tabled = cache.tabled if cache.tabled is not None else np.zeros(len(diagnoser.kb.term_ids), dtype=bool)
    literature, fitted = _STATE.get("literature", True), _STATE.get("fitted", False)

    def held(term: int) -> bool:
        """Whether every cache the cases read already holds the term."""
        if literature and term not in cache._cache and term not in cache._pinned:
            return False
        return not fitted or term in diagnoser.fitted._columns

    missing = sorted(t for t in wanted if not tabled[t] and not held(t))
    if not missing:
        return 0
    cache.max_terms = max(cache.max_terms, len(wanted) + 1)
    if fitted:
        diagnoser.fitted.max_terms = max(diagnoser.fitted.max_terms, len(wanted) + 1)
    chunks = [missing[i : i + 16] for i in range(0, len(missing), 16)]
    for computed in pool.imap_unordered(_compute_terms, chunks):
        for term, columns, fitted_columns in computed:
            if columns is not None:
                cache.adopt(term, columns)
            if fitted_columns is not None:
                diagnoser.fitted.adopt(term, fitted_columns)
    return len(missing)


def run_batch(
    diagnoser: Diagnoser,
    cases: list[tuple[str, Evidence]],
    options: dict,
    record: Callable,
    out: IO[str],
    jobs: int | None = None,
) -> int:
    """Diagnose `cases` (with diagnoser.diagnose(**options)) and write one JSON line per case, in order."""
    jobs = default_jobs() if jobs is None else max(1, jobs)
    # (decided before the pools fork: whether the workers compute fitted columns too)
    fitted_contexts = diagnoser.params.fitted_contexts
    fitted = any(evidence.context in fitted_contexts for _, evidence in cases)
    literature = any(evidence.context not in fitted_contexts for _, evidence in cases)
    _STATE.update(
        diagnoser=diagnoser, cases=cases, options=options, record=record, fitted=fitted, literature=literature
    )
    try:
        if jobs == 1 or len(cases) < PARALLEL_FROM or sys.platform == "win32":
            for line in _diagnose_slice((0, len(cases))):
                out.write(line)
            return len(cases)
        context = multiprocessing.get_context("fork")
        with context.Pool(jobs) as pool:
            warm(diagnoser, cases, pool)
        size = max(8, len(cases) // (jobs * 8))
        slices = [(start, min(start + size, len(cases))) for start in range(0, len(cases), size)]
        with context.Pool(jobs) as pool:  # forked after warming: the workers share the filled cache
            for lines in pool.imap(_diagnose_slice, slices):
                out.writelines(lines)
        return len(cases)
    finally:
        _STATE.clear()
