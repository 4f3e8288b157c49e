"""The vectorized explanations and next questions give what the plain one-disease-at-a-time definitions
give (reference implementations below, from the public per-term pieces), on the real KB."""

from __future__ import annotations

import random

import numpy as np
import pytest

from inference.engine import Diagnoser
from inference.evidence import make_evidence
from inference.explain import explain, explain_many
from inference.questions import Question, distinct_questions, next_questions


@pytest.fixture(scope="module")
def diagnoser(kb) -> Diagnoser:
    return Diagnoser(kb)


def _cases(diagnoser: Diagnoser, count: int = 40) -> list:
    """Random annotated findings, present and absent, in every context (seeded)."""
    kb = diagnoser.kb
    rng = random.Random(13)
    annotated = sorted({kb.term_ids[t] for t in diagnoser.network.ann_term.tolist()})
    cases = []
    for i in range(count):
        terms = rng.sample(annotated, rng.randint(1, 14))
        absent = terms[: rng.randint(0, min(4, len(terms) - 1))]
        context = ("primary-care", "emergency", "rare-disease-clinic")[i % 3]
        cases.append(
            make_evidence(kb, terms[len(absent) :], absent, context=context, age_years=40, strict=False)
        )
    return cases


# ---- references: the definitions, one disease at a time -------------------------------------------


def reference_match(diagnoser: Diagnoser, finding, disease: int) -> tuple[str, int | None, float | None]:
    kb, net = diagnoser.kb, diagnoser.network
    term = kb.term_index[finding.term]
    columns = diagnoser.cache.columns(term)
    start, end = net.ann_ptr[disease], net.ann_ptr[disease + 1]
    terms, strengths = net.ann_term[start:end], net.ann_strength[start:end]
    below = np.isin(terms, net.descendants_of(term))
    if not finding.present:
        if columns.not_annotated[disease]:
            return "excluded_consistent", None, None
        if below.any():
            best = int(np.argmax(np.where(below, strengths, -1)))
            return "excluded_present", int(terms[best]), float(strengths[best])
        return "excluded_unrelated", None, None
    if columns.not_annotated[disease]:
        return "not_annotated", None, None
    exact, related = columns.exact[disease], columns.effective_related(net)[disease]
    if exact == 0 and related == 0:
        return "unmatched", None, None
    if exact >= related:
        best = int(np.argmax(np.where(below, strengths, -1)))
        return (
            ("exact" if terms[best] == term else "via_descendant"),
            int(terms[best]),
            float(strengths[best]),
        )
    weights, via = diagnoser.cache.match_weights(term)
    best = int(np.argmax(strengths * weights[terms]))
    kind = "via_ancestor" if via[terms[best]] == terms[best] else "related"
    return kind, int(terms[best]), float(strengths[best])


def reference_missing(
    diagnoser: Diagnoser, findings, disease: int, limit: int = 5
) -> list[tuple[str, float]]:
    kb, net = diagnoser.kb, diagnoser.network
    touched: set[int] = set()
    for finding in findings:
        index = kb.term_index[finding.term]
        touched |= kb.ancestor_sets[index] | set(net.descendants_of(index).tolist())
    stated: dict[int, float] = {}
    for row in np.flatnonzero((kb.link_disease == disease) & ~kb.link_negated).tolist():
        if not np.isnan(kb.link_freq[row]):
            term = int(kb.link_term[row])
            stated[term] = max(float(kb.link_freq[row]), stated.get(term, 0.0))
    start, end = net.ann_ptr[disease], net.ann_ptr[disease + 1]
    rows = sorted(
        (
            (stated[t], t)
            for t in net.ann_term[start:end].tolist()
            if t not in touched and stated.get(t, 0) >= 0.3
        ),
        reverse=True,
    )
    return [(kb.term_ids[t], f) for f, t in rows[:limit]]


def reference_questions(diagnoser: Diagnoser, diagnosis, limit: int = 5) -> list[Question]:
    """Every candidate on its own: its exact match and leak per pool disease, then the information gain."""
    from inference.engine import top_indices
    from inference.explain import touched_terms

    kb, net = diagnoser.kb, diagnoser.network
    posterior = np.exp(diagnosis.log_posterior)
    top = top_indices(posterior, 30)
    top = top[posterior[top] > 0]
    weight = posterior.copy()
    for item in diagnosis.dont_miss:
        weight[item.index] = max(weight[item.index], item.cautious_probability)
    top = np.concatenate([top, [d.index for d in diagnosis.dont_miss if d.index not in set(top.tolist())]])
    top = top.astype(np.int64)
    probs = np.append(weight[top], max(1.0 - float(posterior[top].sum()), 0.0))
    probs = probs / probs.sum()
    asked = touched_terms(diagnoser, diagnosis.used)
    candidates: set[int] = set()
    for disease in top.tolist():
        start, end = net.ann_ptr[disease], net.ann_ptr[disease + 1]
        terms, strengths = net.ann_term[start:end], net.ann_strength[start:end]
        for t in terms[np.argsort(-strengths, kind="stable")][:12].tolist():
            if not asked[t] and net.term_background[t] < 0.25 and kb.term_ids[t] not in diagnosis.implied:
                candidates.add(t)

    def entropy(p: np.ndarray) -> float:
        p = p[p > 0]
        return float(-(p * np.log2(p)).sum())

    tau = diagnoser.params.temperature
    questions = []
    column = net.closure_log
    for term in sorted(candidates):
        exact = np.zeros(net.n_diseases)
        rows = column.indices[column.indptr[term] : column.indptr[term + 1]]
        exact[rows] = -np.expm1(column.data[column.indptr[term] : column.indptr[term + 1]])
        leak = diagnoser.cache.leaks(term)[top]
        present = np.append(1.0 - (1.0 - leak) * (1.0 - exact[top]), float(net.term_background[term]))
        p_yes = float((probs * present).sum())
        yes, no = probs * present**tau, probs * (1.0 - present) ** tau
        gain = entropy(probs) - p_yes * entropy(yes / yes.sum()) - (1 - p_yes) * entropy(no / no.sum())
        questions.append(Question(kb.term_ids[term], kb.term_names[term], gain, p_yes))
    questions.sort(key=lambda q: -q.expected_information_gain)
    return distinct_questions(diagnoser, questions, limit)


# ---- the tests ------------------------------------------------------------------------------------------


def test_explanations_match_the_definitions(diagnoser):
    assert diagnoser.network.closure_log.has_sorted_indices  # explain reads TermColumns by binary search
    kinds_seen: set[str] = set()
    for evidence in _cases(diagnoser):
        diagnosis = diagnoser.diagnose(evidence, top=10)
        chosen = [row.index for row in diagnosis.ranking[:6]]
        explanations = explain_many(diagnoser, diagnosis, chosen)
        for disease in chosen:
            by_term = {c.term: c for c in explanations[disease].contributions}
            tau = diagnoser.params.temperature
            for finding in diagnosis.used:
                kind, matched, strength = reference_match(diagnoser, finding, disease)
                got = by_term[finding.term]
                kinds_seen.add(kind)
                assert got.match == kind, (finding, disease)
                assert got.matched_term == (diagnoser.kb.term_ids[matched] if matched is not None else None)
                assert got.matched_frequency == strength
                disease_ll, other_ll = diagnoser.finding_log_likelihood(finding, diagnosis.context)
                assert got.log_lr == pytest.approx(tau * (disease_ll[disease] - other_ll), rel=1e-12)
            missing = [(m.term, m.frequency) for m in explanations[disease].missing_frequent]
            assert missing == reference_missing(diagnoser, diagnosis.used, disease)
            assert explain(diagnoser, diagnosis, disease).as_dict() == explanations[disease].as_dict()
    assert {"exact", "via_descendant", "unmatched", "excluded_unrelated"} <= kinds_seen
    assert kinds_seen & {"via_ancestor", "related"}, kinds_seen


def test_next_questions_match_the_definition(diagnoser):
    for evidence in _cases(diagnoser):
        diagnosis = diagnoser.diagnose(evidence, top=10)
        got = next_questions(diagnoser, diagnosis, limit=5)
        want = reference_questions(diagnoser, diagnosis, limit=5)
        every = {q.term: q for q in reference_questions(diagnoser, diagnosis, limit=10_000)}
        assert len(got) == len(want)
        for mine, theirs in zip(got, want, strict=True):
            # the same gains in the same order; two terms whose gains agree to rounding (1e-12) may swap
            assert mine.expected_information_gain == pytest.approx(
                theirs.expected_information_gain, abs=1e-12
            )
            reference = every[mine.term]  # and each term's own figures are the definition's
            assert mine.expected_information_gain == pytest.approx(
                reference.expected_information_gain, abs=1e-12
            )
            assert mine.probability_present == pytest.approx(reference.probability_present, abs=1e-12)


def test_match_weights_many_reads_match_weights(diagnoser):
    rng = np.random.default_rng(5)
    n_terms = len(diagnoser.kb.term_ids)
    for term in rng.choice(n_terms, 60, replace=False).tolist():
        weights, via = diagnoser.cache.match_weights(term)
        at = rng.choice(n_terms, 500)
        got_weights, got_via = (a[0] for a in diagnoser.cache.match_weights_many(np.asarray([term]), at))
        assert np.array_equal(got_weights, weights[at]) and np.array_equal(got_via, via[at])
