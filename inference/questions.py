"""Next questions worth asking: findings whose answer would most reduce the differential's uncertainty."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from inference.engine import Diagnoser, Diagnosis, top_indices
from inference.explain import diagnosis_touched
from inference.network import csr_slices

__all__ = ["Question", "closure_rows", "distinct_questions", "entropy_bits", "next_questions"]


@dataclass
class Question:
    """A finding worth asking about: how much its answer is expected to tell, and how likely it is present."""

    term: str
    label: str
    expected_information_gain: float  # bits
    probability_present: float


def entropy_bits(p: np.ndarray) -> np.ndarray:
    """Entropy in bits of each column of p (columns are distributions)."""
    safe = np.where(p > 0, p, 1.0)
    return -(p * np.log2(safe)).sum(axis=0)


def next_questions(
    diagnoser: Diagnoser,
    diagnosis: Diagnosis,
    limit: int = 5,
    pool: int = 30,
    candidates_per_disease: int = 12,
) -> list[Question]:
    """Expected information gain over the top `pool` diseases (plus the remaining mass as one outcome),
    for every candidate finding at once (a diseases x candidates matrix)."""
    kb, net = diagnoser.kb, diagnoser.network
    log_posterior = diagnosis.log_posterior
    top = top_indices(log_posterior, pool)  # (the order of the posterior, without exponentiating it all)
    top = top[np.exp(log_posterior[top]) > 0]
    # the flagged time-critical diagnoses join the pool at their cautious probability, so the questions
    # include those that would rule them in or out
    pooled = set(top.tolist())
    flagged = [d.index for d in diagnosis.dont_miss if d.index not in pooled]
    top = np.concatenate([top, np.asarray(flagged, dtype=top.dtype)])
    if top.size == 0:
        return []
    posterior = np.exp(log_posterior[top])
    weight = posterior.copy()
    slot = {int(d): i for i, d in enumerate(top.tolist())}
    for item in diagnosis.dont_miss:
        weight[slot[item.index]] = max(weight[slot[item.index]], item.cautious_probability)
    rest = max(1.0 - float(posterior.sum()), 0.0)
    probs = np.append(weight, rest)
    probs = probs / probs.sum()
    asked = diagnosis_touched(diagnoser, diagnosis).copy()
    for term in diagnosis.implied:
        asked[kb.term_index[term]] = True
    # each pool disease's strongest annotations (ties: the lower term index first), not yet asked about
    positions, owner = csr_slices(net.ann_ptr, top)
    order = np.lexsort((-net.ann_strength[positions], owner))
    owner, terms = owner[order], net.ann_term[positions][order].astype(np.int64)
    rank = np.arange(len(owner)) - np.searchsorted(owner, owner)
    strongest = terms[rank < candidates_per_disease]
    candidates = np.unique(strongest[~asked[strongest] & (net.term_background[strongest] < 0.25)])
    if not candidates.size:
        return []
    # exact[i, t]: 1 - prod(1 - f) over disease top[i]'s annotations at or below candidate t, read from
    # the pool diseases' rows of the closure (a few hundred entries each)
    closure = closure_rows(net)
    positions, owner = csr_slices(closure.indptr, top)
    column_of = np.full(len(kb.term_ids), -1, dtype=np.int64)
    column_of[candidates] = np.arange(len(candidates))
    columns = column_of[closure.indices[positions]]
    keep = columns >= 0
    exact = np.zeros((len(top), len(candidates)))
    exact[owner[keep], columns[keep]] = -np.expm1(closure.data[positions][keep])
    leak = _leaks(diagnoser, top, candidates)
    present = np.vstack([1.0 - (1.0 - leak) * (1.0 - exact), net.term_background[candidates][None, :]])
    tau = diagnoser.params.temperature
    p_yes = probs @ present
    post_yes = probs[:, None] * present**tau
    post_no = probs[:, None] * (1.0 - present) ** tau
    with np.errstate(invalid="ignore", divide="ignore"):
        gain = (
            entropy_bits(probs[:, None])[0]
            - p_yes * entropy_bits(post_yes / post_yes.sum(axis=0))
            - (1 - p_yes) * entropy_bits(post_no / post_no.sum(axis=0))
        )
    best_first = np.argsort(-gain, kind="stable").tolist()
    questions = (
        Question(kb.term_ids[candidates[i]], kb.term_names[candidates[i]], float(gain[i]), float(p_yes[i]))
        for i in best_first
    )
    return distinct_questions(diagnoser, questions, limit)


def closure_rows(network) -> sp.csr_matrix:
    """The network's closure by disease (CSR), built once per network (before the workers fork, when
    the server loads the model)."""
    rows = network.__dict__.get("_closure_rows")
    if rows is None:
        rows = network.__dict__["_closure_rows"] = network.closure_log.tocsr()
    return rows


def _leaks(diagnoser: Diagnoser, diseases: np.ndarray, terms: np.ndarray) -> np.ndarray:
    """disease_leaks(...)[disease] for every (disease, term) pair: a term's leak, or for curated common
    diseases the term's curated leak."""
    term_leak = diagnoser.cache.term_leaks(terms)
    curated_leak = diagnoser.cache.curated_leaks(terms)
    curated = diagnoser.network.curated[diseases]
    return np.where(curated[:, None], curated_leak[None, :], term_leak[None, :])


def distinct_questions(diagnoser: Diagnoser, questions: Iterable[Question], limit: int) -> list[Question]:
    """The best questions, never a term with its ancestor or descendant (one would repeat the other)."""
    kb, network = diagnoser.kb, diagnoser.network
    chosen: list[Question] = []
    related: set[int] = set()
    for question in questions:
        index = kb.term_index[question.term]
        if index in related:
            continue
        chosen.append(question)
        related |= kb.ancestor_sets[index]
        related.update(network.descendants_of(index).tolist())
        if len(chosen) == limit:
            break
    return chosen
