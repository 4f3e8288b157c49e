"""Next questions worth asking: findings whose answer would most reduce the differential's uncertainty."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inference.engine import Diagnoser, Diagnosis


@dataclass
class Question:
    term: str
    label: str
    expected_information_gain: float  # bits
    probability_present: float


def _entropy(p: np.ndarray) -> float:
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


def next_questions(
    diagnoser: Diagnoser,
    diagnosis: Diagnosis,
    limit: int = 5,
    pool: int = 30,
    candidates_per_disease: int = 12,
) -> list[Question]:
    """Expected information gain over the top `pool` diseases (plus the remaining mass as one outcome)."""
    kb, net = diagnoser.kb, diagnoser.network
    posterior = np.exp(diagnosis.log_posterior)
    top = np.argsort(-posterior)[:pool]
    top = top[posterior[top] > 0]
    if top.size == 0:
        return []
    rest = max(1.0 - float(posterior[top].sum()), 0.0)
    probs = np.append(posterior[top], rest)
    probs = probs / probs.sum()
    asked: set[int] = set()
    for finding in diagnosis.used + [f for f in diagnosis.used]:
        index = kb.term_index[finding.term]
        asked |= kb.ancestor_sets[index]
        asked |= set(net.descendants_of(index).tolist())
    for term in diagnosis.implied:
        asked.add(kb.term_index[term])
    candidates: set[int] = set()
    for disease in top.tolist():
        start, end = net.ann_ptr[disease], net.ann_ptr[disease + 1]
        terms, strengths = net.ann_term[start:end], net.ann_strength[start:end]
        for t in terms[np.argsort(-strengths)][:candidates_per_disease].tolist():
            if t not in asked and net.term_background[t] < 0.25:
                candidates.add(t)
    tau = diagnoser.params.temperature
    prior_entropy = _entropy(probs)
    questions = []
    column = net.closure_log
    for term in candidates:
        exact = np.zeros(len(top))
        rows = column.indices[column.indptr[term] : column.indptr[term + 1]]
        values = -np.expm1(column.data[column.indptr[term] : column.indptr[term + 1]])
        position = {d: i for i, d in enumerate(top.tolist())}
        for row, value in zip(rows.tolist(), values.tolist(), strict=True):
            if row in position:
                exact[position[row]] = value
        leak = diagnoser.cache.leaks(term)[top]
        present = np.append(1.0 - (1.0 - leak) * (1.0 - exact), float(net.term_background[term]))
        p_yes = float((probs * present).sum())
        post_yes = probs * present**tau
        post_no = probs * (1.0 - present) ** tau
        gain = (
            prior_entropy
            - p_yes * _entropy(post_yes / post_yes.sum())
            - (1 - p_yes) * _entropy(post_no / post_no.sum())
        )
        questions.append(Question(kb.term_ids[term], kb.term_names[term], gain, p_yes))
    questions.sort(key=lambda q: -q.expected_information_gain)
    return distinct_questions(kb, questions, limit)


def distinct_questions(kb, questions: list[Question], limit: int) -> list[Question]:
    """The best questions, never a term with its ancestor or descendant (one would repeat the other)."""
    chosen: list[Question] = []
    related: set[int] = set()
    for question in questions:
        index = kb.term_index[question.term]
        if index in related:
            continue
        chosen.append(question)
        related |= kb.ancestor_sets[index] | kb.descendants(index)
        if len(chosen) == limit:
            break
    return chosen
