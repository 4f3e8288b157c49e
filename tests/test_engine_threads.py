"""The diagnoser is safe to call from many threads at once (no global lock), and its likelihood cache
stays within its byte budget, pinned entries included."""

from __future__ import annotations

import random
import threading

import numpy as np
import pytest

from inference.engine import Diagnoser
from inference.evidence import make_evidence
from inference.explain import explain_many
from inference.likelihood import entry_bytes
from inference.questions import next_questions


def _evidence(kb, seed: int, count: int):
    rng = random.Random(seed)
    terms = kb.term_ids[1000:]
    cases = []
    for i in range(count):
        chosen = rng.sample(terms, rng.randint(2, 12))
        cases.append(
            make_evidence(
                kb, chosen[1:], chosen[:1], context=("primary-care", "emergency")[i % 2], strict=False
            )
        )
    return cases


def _answer(diagnoser: Diagnoser, evidence) -> tuple:
    diagnosis = diagnoser.diagnose(evidence, top=10)
    explanations = explain_many(diagnoser, diagnosis, [r.index for r in diagnosis.ranking[:3]])
    questions = next_questions(diagnoser, diagnosis, limit=5)
    return (
        [(r.disease_id, r.probability) for r in diagnosis.ranking],
        [e.as_dict() for e in explanations.values()],
        [(q.term, q.expected_information_gain) for q in questions],
    )


def test_many_threads_share_one_diagnoser(kb):
    cases = _evidence(kb, 3, 48)
    expected = [_answer(Diagnoser(kb), case) for case in cases]
    shared = Diagnoser(kb)
    shared.cache.max_bytes = 8 * 2**20  # small: entries come and go while other threads read them
    results: dict[int, tuple] = {}
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for i in range(offset, len(cases) + offset):
                index = i % len(cases)
                results[(offset, index)] = _answer(shared, cases[index])
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(offset,)) for offset in range(0, 48, 6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    for (_, index), answer in results.items():
        assert answer == expected[index]
    assert shared.cache.bytes <= shared.cache.max_bytes


def test_the_cache_stays_within_its_byte_budget_and_pinned_terms_stay(kb):
    diagnoser = Diagnoser(kb)
    cache = diagnoser.cache
    budget = 6 * 2**20
    cache.max_bytes = budget
    common = np.argsort(-np.bincount(diagnoser.network.ann_term, minlength=len(kb.term_ids)), kind="stable")
    pinned = cache.pin(common[:400].tolist(), max_bytes=4 * 2**20)
    assert 0 < pinned < 400  # stopped at its own budget
    kept = [int(t) for t in common[:pinned]]
    for evidence in _evidence(kb, 7, 60):
        diagnoser.diagnose(evidence, top=10)
        real = sum(entry_bytes(c) for c in cache._cache.values())
        assert real <= budget + 2 * 8 * diagnoser.network.n_diseases  # (an entry's arrays come after it)
        assert cache.bytes <= budget
    assert all(cache.columns(term) is cache._pinned[term] for term in kept)
    # absent findings on pinned terms grow them in this process: counted, and unpinned past the budget
    first = kb.term_ids[kept[0]]
    for context in ("primary-care", "rare-disease-clinic"):
        diagnoser.diagnose(make_evidence(kb, [], [first], context=context, strict=False))
    cache.columns(kept[0])
    assert cache.bytes <= budget


@pytest.mark.parametrize("max_bytes", [None, 2**30])
def test_the_cache_without_pressure_keeps_what_it_computed(kb, max_bytes):
    diagnoser = Diagnoser(kb)
    diagnoser.cache.max_bytes = max_bytes
    term = kb.term_index["HP:0001250"]
    assert diagnoser.cache.columns(term) is diagnoser.cache.columns(term)
