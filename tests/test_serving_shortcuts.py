"""The serving path's shortcuts give what the plain definitions give, on the real KB: the k largest found
among the values near the largest, the don't-miss ranks counted among the values above the lowest, fuzzy
match weights for many findings at once, and the explanations' effects on the common scale."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from scipy.special import logsumexp

from inference.dont_miss import flagged
from inference.engine import Diagnoser, top_indices
from inference.evidence import make_evidence
from web import wording


@pytest.fixture(scope="module")
def diagnoser(kb) -> Diagnoser:
    return Diagnoser(kb)


def _cases(diagnoser: Diagnoser, count: int = 24) -> list:
    """Random annotated findings, present and absent, with and without demographics, in every context."""
    kb = diagnoser.kb
    rng = random.Random(29)
    annotated = sorted({kb.term_ids[t] for t in diagnoser.network.ann_term.tolist()})
    cases = []
    for i in range(count):
        terms = rng.sample(annotated, rng.randint(0, 12))
        absent = terms[: rng.randint(0, min(3, max(len(terms) - 1, 0)))]
        context = ("primary-care", "emergency", "rare-disease-clinic")[i % 3]
        age, sex = ((40, "female"), (None, None), (7, "male"))[i % 3]
        evidence = make_evidence(
            kb, terms[len(absent) :], absent, context=context, age_years=age, sex=sex, strict=False
        )
        cases.append(evidence)
    return cases


def plain_top(values: np.ndarray, k: int) -> np.ndarray:
    """The partial sort over all values (what top_indices answers when no tie decides it)."""
    part = np.argpartition(-values, k - 1)[:k]
    return part[np.argsort(-values[part], kind="stable")]


def test_top_indices_is_the_plain_partial_sort(diagnoser):
    rng = np.random.default_rng(3)
    arrays = [diagnoser.diagnose(evidence).log_posterior for evidence in _cases(diagnoser)]
    arrays += [np.log(rng.random(5000)) for _ in range(20)]
    tied = np.log(rng.random(5000))
    tied[rng.choice(5000, 40)] = tied.max()  # ties at the top: the plain partial sort decides them
    arrays.append(tied)
    for values in arrays:
        for k in (1, 5, 10, 30, 100):
            assert np.array_equal(top_indices(values, k), plain_top(values, k))


def test_dont_miss_ranks_count_every_value_at_or_above(diagnoser):
    rng = np.random.default_rng(4)
    for _ in range(30):
        log_post = np.log(rng.random(3000))
        log_post[rng.choice(3000, 100)] = -np.inf
        log_post[rng.choice(3000, 50)] = log_post[7]  # ties count against the disease
        cautious = np.where(rng.random(3000) < 0.05, log_post + 2.0, -np.inf)
        for index, probability, safe, rank in flagged(log_post, cautious, 0.001, 50):
            assert rank == int((log_post >= log_post[index]).sum())
            assert probability == float(np.exp(log_post[index])) and safe == float(np.exp(cautious[index]))


def test_match_weights_many_reads_match_weights(diagnoser):
    rng = np.random.default_rng(6)
    n_terms = len(diagnoser.kb.term_ids)
    terms = rng.choice(n_terms, 40, replace=False)
    at = np.unique(np.concatenate([rng.choice(n_terms, 400), diagnoser.network.ann_term[:300]]))
    weights, via = diagnoser.cache.match_weights_many(terms, at)
    for j, term in enumerate(terms.tolist()):
        want_weights, want_via = diagnoser.cache.match_weights(term)
        assert np.array_equal(weights[j], want_weights[at]) and np.array_equal(via[j], want_via[at])


def test_effects_are_the_prior_weighted_definition(diagnoser):
    """log P(finding | disease) - log P(finding), P(finding) averaged over every disease and 'other' with
    the prior weights of this patient (scipy's logsumexp as the reference)."""
    params = diagnoser.params
    for evidence in _cases(diagnoser):
        diagnosis = diagnoser.diagnose(evidence, top=10)
        chosen = [row.index for row in diagnosis.ranking[:4]]
        effects = wording.log_effects(diagnoser, evidence, diagnosis, chosen)
        weights = diagnoser.log_prior(evidence.context) + diagnoser.demographics.log_likelihood(
            params, evidence.age_years, evidence.sex, evidence.onset
        )
        log_other = math.log(params.other_prior)
        total = np.logaddexp(logsumexp(weights), log_other)
        tau = params.temperature
        for finding, (disease_ll, other_ll) in zip(diagnosis.used, diagnosis.likelihoods, strict=True):
            scaled = tau * np.asarray(disease_ll, dtype=np.float64)
            average = np.logaddexp(logsumexp(weights + scaled), log_other + tau * other_ll) - total
            for disease in chosen:
                assert effects[disease][finding.term] == pytest.approx(scaled[disease] - average, abs=1e-9)
        assert set(effects) == set(chosen)
