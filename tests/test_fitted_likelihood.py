"""The fitted likelihood (issue 14) on the toy release: it reproduces the literature likelihood at the default
values, applies only in its contexts, keeps explanations exact with the similarity term, and the fitter
scores exactly what the engine scores."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from inference.engine import Diagnoser
from inference.evaluation import EvalCase, rank_of
from inference.evidence import make_evidence
from inference.explain import explain
from inference.params import ModelParams
from inference.similarity import resnik_similarity
from learning.fit.crossval import fitted_params
from learning.fit.dataset import FitData, build_dataset
from learning.fit.model import NAMES, Objective, defaults, to_theta
from learning.fit.simulate import Simulator, SimulatorSettings
from tests.toy import toy_kb


def slot_ranks(data: FitData, slot_score: np.ndarray) -> np.ndarray:
    """Rank of the best true slot per case among its candidate slots (ties against it); 10**6 if none."""
    ranks = np.full(data.n_cases, 10**6)
    truth_best = np.full(data.n_cases, -np.inf)
    np.maximum.at(truth_best, data.slot_case[data.slot_truth], slot_score[data.slot_truth])
    at_least = slot_score >= truth_best[data.slot_case]
    counts = np.bincount(data.slot_case, weights=at_least.astype(float), minlength=data.n_cases)
    has = np.isfinite(truth_best)
    ranks[has] = counts[has].astype(int)
    return ranks


FOCAL, SEIZURE, TONIC, MICRO, ID = "HP:0007359", "HP:0001250", "HP:0002069", "HP:0000252", "HP:0001249"
CLINIC = "rare-disease-clinic"
IDENTITY = {"calibration_slope": 1.0, "calibration_margin": 0.0, "calibration_intercept": 0.0}
ODD = {
    "w_below": 0.3,
    "w_anc": 0.5,
    "beta_anc": 1.5,
    "w_rel": 0.4,
    "beta_rel": 0.7,
    "leak_floor": 0.02,
    "leak_scale": 0.8,
    "leak_gamma": 0.9,
    "leak_kappa": 0.5,
    "sensitivity": 0.2,
    "unreported": 0.1,
    "not_factor": 0.3,
    "sim_weight": 0.4,
    "ic_eta": 0.3,
    "tau": 1.3,
}
EVIDENCE = [
    ([FOCAL, ID], [TONIC]),
    ([SEIZURE], [MICRO]),
    ([TONIC, MICRO], []),
    ([FOCAL, MICRO], [ID]),
]


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return toy_kb(tmp_path_factory.mktemp("toy_fitted"))


def evidence(kb, present, absent, context=CLINIC):
    return make_evidence(kb, present, absent, context=context)


def test_default_values_reproduce_the_literature_likelihood(kb):
    plain = Diagnoser(kb, replace(ModelParams(), fitted_contexts=(), **IDENTITY))
    fitted = Diagnoser(kb, replace(fitted_params(ModelParams(), defaults()), **IDENTITY))
    for present, absent in EVIDENCE:
        a = plain.diagnose(evidence(kb, present, absent), recalibrate=False)
        b = fitted.diagnose(evidence(kb, present, absent), recalibrate=False)
        np.testing.assert_allclose(np.exp(a.log_posterior), np.exp(b.log_posterior), atol=1e-6)


def test_fit_applies_only_in_its_contexts(kb):
    plain = Diagnoser(kb, replace(ModelParams(), fitted_contexts=()))
    fitted = Diagnoser(kb, fitted_params(ModelParams(), ODD))
    for context in ("primary-care", "emergency"):
        a = plain.diagnose(evidence(kb, [FOCAL, ID], [TONIC], context))
        b = fitted.diagnose(evidence(kb, [FOCAL, ID], [TONIC], context))
        np.testing.assert_array_equal(a.log_posterior, b.log_posterior)
    a = plain.diagnose(evidence(kb, [FOCAL, ID], [TONIC]), recalibrate=False)
    b = fitted.diagnose(evidence(kb, [FOCAL, ID], [TONIC]), recalibrate=False)
    assert not np.allclose(a.log_posterior, b.log_posterior)


def test_resnik_similarity_is_the_most_informative_shared_ancestor(kb):
    dx = Diagnoser(kb)
    net, index = dx.network, kb.term_index
    sim = resnik_similarity(net, index[FOCAL])
    ic = net.information_content
    # the focal-seizure disease implies the term itself; the seizure disease only its parent "Seizure"
    assert sim[kb.disease_index["OMIM:100001"]] == pytest.approx(ic[index[FOCAL]])
    assert sim[kb.disease_index["OMIM:100002"]] == pytest.approx(ic[index[SEIZURE]])
    assert sim[kb.disease_index["OMIM:100001"]] > sim[kb.disease_index["OMIM:100002"]]


def test_explanation_sums_exactly_with_the_similarity_term(kb):
    dx = Diagnoser(kb, replace(fitted_params(ModelParams(), ODD), **IDENTITY))
    ev = evidence(kb, [FOCAL, ID], [TONIC])
    diagnosis = dx.diagnose(ev, recalibrate=False)
    unreported = dx.unreported_log_likelihood(diagnosis.used, CLINIC)
    prior = dx.log_prior(CLINIC) + dx.demographics.log_likelihood(dx.params, None, None, None)
    first, second = (kb.disease_index[d] for d in ("OMIM:100001", "OMIM:100002"))
    explained = {
        d: sum(c.log_lr for c in explain(dx, diagnosis, d).contributions) + unreported[d] + prior[d]
        for d in (first, second)
    }
    assert diagnosis.log_posterior[first] - diagnosis.log_posterior[second] == pytest.approx(
        explained[first] - explained[second], abs=1e-9
    )


def test_the_fitter_scores_what_the_engine_scores(kb):
    base = Diagnoser(kb, replace(ModelParams(), fitted_contexts=()))
    cases = [
        EvalCase(f"PMID_{i}_case", evidence(kb, present, absent), (truth,))
        for i, ((present, absent), truth) in enumerate(
            zip(EVIDENCE, ["OMIM:100001", "OMIM:100002", "OMIM:100003", "OMIM:100004"], strict=True)
        )
    ]
    data = build_dataset(base, cases, sources=None, top=10, sim_top=10)
    objective = Objective(data)
    values = dict(defaults())
    values.update(ODD)
    _, _, slots = objective.evaluate(to_theta(values))
    engine = Diagnoser(kb, fitted_params(ModelParams(), values))
    for number, case in enumerate(cases):
        log_post = engine.diagnose(case.evidence, recalibrate=False).log_posterior
        truth = kb.disease_index[case.truths[0]]
        assert slot_ranks(data, slots)[number] == rank_of(log_post, truth)
        mine = np.flatnonzero(data.slot_case == number)
        posterior = np.exp(
            slots[mine] - np.logaddexp.reduce(np.r_[slots[mine], _other(objective, values, number)])
        )
        diseases = data.entry_disease[np.isin(data.entry_slot, mine)]
        np.testing.assert_allclose(posterior, np.exp(log_post[diseases]), rtol=1e-5)
    theta = to_theta(values)
    _, gradient, _ = objective.evaluate(theta)
    for i, name in enumerate(NAMES):
        step = np.zeros_like(theta)
        step[i] = 1e-6
        numeric = (objective.evaluate(theta + step)[0] - objective.evaluate(theta - step)[0]) / 2e-6
        assert gradient[i] == pytest.approx(numeric, rel=1e-4, abs=1e-7), name


def _other(objective: Objective, values: dict, case: int) -> float:
    """The case's "not in the knowledge base" score, as the objective computes it."""
    d = objective.data
    s, tau, lam = values["sensitivity"], values["tau"], values["sim_weight"]
    mine = d.finding_case == case
    weight = np.where(d.finding_present, np.exp(values["ic_eta"] * objective.ic_log), 1.0)
    terms = np.where(
        d.finding_present,
        d.finding_weight * weight * np.log(d.finding_background)
        + lam * d.finding_weight * d.finding_sim_other,
        d.finding_weight * np.log1p(-s * d.finding_background),
    )
    return float(np.log(d.case_other_prior) + tau * terms[mine].sum())


def test_simulated_patients_are_consistent_and_reproducible(kb):
    dx = Diagnoser(kb)
    settings = SimulatorSettings(seed=3, noise_findings=2.0, other_absent=3.0, extra_features=2.0)
    first = Simulator(dx.network, settings).cases(30, min_annotations=1)
    again = Simulator(dx.network, settings).cases(30, min_annotations=1)
    assert [c.evidence.findings for c in first] == [c.evidence.findings for c in again]
    for case in first:
        present = {kb.term_index[f.term] for f in case.evidence.findings if f.present}
        absent = {kb.term_index[f.term] for f in case.evidence.findings if not f.present}
        assert present
        implied = set().union(*(kb.ancestor_sets[t] for t in present))
        assert not absent & implied  # nothing reported absent that a present finding implies
