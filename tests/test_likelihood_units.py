"""Each match type of the likelihood, on a toy release where every number can be worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from inference.engine import Diagnoser
from inference.evidence import EvidenceError, make_evidence
from inference.explain import explain
from inference.params import ModelParams
from tests.toy import toy_kb

FOCAL, SEIZURE, TONIC, MICRO, ID = "HP:0007359", "HP:0001250", "HP:0002069", "HP:0000252", "HP:0001249"


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    kb = toy_kb(tmp_path_factory.mktemp("toy_ontologies"))
    return Diagnoser(
        kb,
        ModelParams(
            temperature=1.0,
            calibration_slope=1.0,
            calibration_margin=0.0,
            calibration_intercept=0.0,
            fitted_contexts=(),  # the literature likelihood, worked out by hand (not the fitted one)
        ),
    )


def present(dx, term):
    return np.exp(dx.cache.columns(dx.kb.term_index[term]).log_present(dx.network))


def disease(dx, disease_id):
    return dx.kb.disease_index[disease_id]


def test_background_and_leak(toy):
    p = toy.params
    background = toy.network.term_background
    # 4 annotated diseases; focal implied by 1, seizure by 3 -> (count + 0.5) / (4 + 1)
    assert background[toy.kb.term_index[FOCAL]] == pytest.approx(1.5 / 5)
    assert background[toy.kb.term_index[SEIZURE]] == pytest.approx(3.5 / 5)
    assert toy.cache.leak(toy.kb.term_index[FOCAL]) == pytest.approx(p.leak_floor + p.leak_scale * 0.3)


def test_exact_match_uses_the_literature_frequency(toy):
    leak = toy.cache.leak(toy.kb.term_index[FOCAL])
    expected = 1 - (1 - leak) * (1 - 0.895)
    assert present(toy, FOCAL)[disease(toy, "OMIM:100001")] == pytest.approx(expected)


def test_counts_shrink_toward_the_default(toy):
    p = toy.params
    shrunk = (3 + p.count_prior_strength * p.missing_frequency) / (4 + p.count_prior_strength)
    leak = toy.cache.leak(toy.kb.term_index[SEIZURE])
    # seizure for OMIM:100002 (3/4) combines, noisy-OR, nothing else below seizure
    assert present(toy, SEIZURE)[disease(toy, "OMIM:100002")] == pytest.approx(1 - (1 - leak) * (1 - shrunk))


def test_general_patient_term_matches_specific_annotation(toy):
    leak = toy.cache.leak(toy.kb.term_index[SEIZURE])
    assert present(toy, SEIZURE)[disease(toy, "OMIM:100001")] == pytest.approx(1 - (1 - leak) * (1 - 0.895))


def test_specific_patient_term_matches_general_annotation_scaled(toy):
    p = toy.params
    shrunk = (3 + p.count_prior_strength * p.missing_frequency) / (4 + p.count_prior_strength)
    ratio = 0.3 / 0.7
    leak = toy.cache.leak(toy.kb.term_index[FOCAL])
    expected = 1 - (1 - leak) * (1 - shrunk * ratio)
    assert present(toy, FOCAL)[disease(toy, "OMIM:100002")] == pytest.approx(expected)


def test_sibling_match_is_discounted_and_organ_categories_never_match(toy):
    p = toy.params
    shrunk_one = (1 + p.count_prior_strength * p.missing_frequency) / (1 + p.count_prior_strength)
    leak = toy.cache.leak(toy.kb.term_index[FOCAL])
    related = shrunk_one * (0.3 / 0.7) * p.related_discount
    assert present(toy, FOCAL)[disease(toy, "OMIM:100003")] == pytest.approx(1 - (1 - leak) * (1 - related))
    # intellectual disability and focal seizure only share "Abnormality of the nervous system": no match
    assert present(toy, ID)[disease(toy, "OMIM:100003")] == pytest.approx(
        toy.cache.leak(toy.kb.term_index[ID])
    )


def test_not_annotation_sinks_an_observed_finding(toy):
    micro = present(toy, MICRO)
    leak = toy.cache.leak(toy.kb.term_index[MICRO])
    assert micro[disease(toy, "OMIM:100001")] == pytest.approx(leak * toy.params.not_annotated_factor)
    assert micro[disease(toy, "OMIM:100002")] > 0.9


def test_excluded_term_excludes_its_descendants(toy):
    kb = toy.kb
    absent = np.exp(toy.cache.columns(kb.term_index[SEIZURE]).log_absent(toy.network))
    # OMIM:100003 is annotated only with a subtype of seizure: excluding seizure counts against it
    assert absent[disease(toy, "OMIM:100003")] < absent[disease(toy, "OMIM:100004")]


def test_explanations_name_each_match_type(toy):
    kb = toy.kb
    evidence = make_evidence(kb, [FOCAL], [MICRO], context="rare-disease-clinic")
    diagnosis = toy.diagnose(evidence, top=4)
    kinds = {}
    for name in ("OMIM:100001", "OMIM:100002", "OMIM:100003", "OMIM:100004"):
        explanation = explain(toy, diagnosis, disease(toy, name))
        kinds[name] = {c.term: c.match for c in explanation.contributions}
    assert kinds["OMIM:100001"] == {FOCAL: "exact", MICRO: "excluded_consistent"}
    assert kinds["OMIM:100002"] == {FOCAL: "via_ancestor", MICRO: "excluded_present"}
    assert kinds["OMIM:100003"] == {FOCAL: "related", MICRO: "excluded_unrelated"}
    assert kinds["OMIM:100004"][FOCAL] == "unmatched"
    evidence = make_evidence(kb, [SEIZURE, MICRO], [], context="rare-disease-clinic")
    diagnosis = toy.diagnose(evidence, top=4)
    kinds = {c.term: c.match for c in explain(toy, diagnosis, disease(toy, "OMIM:100001")).contributions}
    assert kinds == {SEIZURE: "via_descendant", MICRO: "not_annotated"}
    top = diagnosis.ranking[0]
    assert top.disease_id == "OMIM:100002"
    assert explain(toy, diagnosis, top.index).contributions[0].log_lr > 0


def test_posterior_and_other_mass_sum_to_one(toy):
    evidence = make_evidence(toy.kb, [FOCAL, ID], [MICRO], context="rare-disease-clinic")
    diagnosis = toy.diagnose(evidence, top=10)
    assert np.exp(diagnosis.log_posterior).sum() + diagnosis.other_probability == pytest.approx(1.0)
    assert diagnosis.ranking[0].disease_id == "OMIM:100001"


def test_no_evidence_returns_priors_with_a_note(toy):
    diagnosis = toy.diagnose(make_evidence(toy.kb, [], []), top=10)
    assert diagnosis.notes and "prior" in diagnosis.notes[0]
    probabilities = [r.probability for r in diagnosis.ranking]
    assert max(probabilities) == pytest.approx(min(probabilities))  # equal priors for the toy's rare diseases


def test_bad_input_is_named(toy):
    kb = toy.kb
    with pytest.raises(EvidenceError, match="malformed HPO id 'HP:12'"):
        make_evidence(kb, ["HP:12"], [])
    with pytest.raises(EvidenceError, match="unknown HPO id HP:0099999"):
        make_evidence(kb, ["HP:0099999"], [])
    with pytest.raises(EvidenceError, match="both observed and excluded"):
        make_evidence(kb, [SEIZURE], [SEIZURE])
    with pytest.raises(EvidenceError) as error:
        make_evidence(kb, [SEIZURE], [], sex="robot")
    assert error.value.field == "sex"
    evidence = make_evidence(kb, ["HP:0000057", "HP:0001256"], [])
    assert {f.term for f in evidence.findings} == {SEIZURE, ID}
    assert any("obsolete" in w for w in evidence.warnings) and any(
        "alternative" in w for w in evidence.warnings
    )
    lenient = make_evidence(kb, ["HP:0099999", SEIZURE], [], strict=False)
    assert [f.term for f in lenient.findings] == [SEIZURE] and "HP:0099999" in lenient.warnings[0]


def test_implied_general_terms_are_not_counted_twice(toy):
    evidence = make_evidence(toy.kb, [SEIZURE, FOCAL], [])
    diagnosis = toy.diagnose(evidence)
    assert [f.term for f in diagnosis.used] == [FOCAL] and diagnosis.implied == {SEIZURE: FOCAL}


def test_onset_and_sex_adjust_the_posterior(toy):
    kb = toy.kb
    adult = toy.diagnose(make_evidence(kb, [MICRO], [], age_years=30))
    assert adult.ranking  # congenital onset (OMIM:100004) is compatible with any later age
    loglik = toy.demographics.log_likelihood(toy.params, 30.0, "male")
    assert np.all(loglik == 0)
