"""OMIM/ORPHA twins are found and ranked as one diagnosis; evaluations never profit from ties."""

from __future__ import annotations

import numpy as np
import pytest

from inference.engine import Diagnoser
from inference.evaluation import NOT_RANKED, rank_of
from inference.evidence import make_evidence
from inference.params import ModelParams
from knowledge.twins import find_twins, normalized_name


def test_names_match_ignoring_case_punctuation_and_type():
    assert normalized_name("Episodic ataxia, type 5") == normalized_name("Episodic ataxia type 5")
    assert normalized_name("Ataxia 5") != normalized_name("Ataxia 6")


@pytest.mark.parametrize(
    ("omim", "orpha"),
    [
        ("Orofaciodigital syndrome I", "Orofaciodigital syndrome type 1"),
        ("Cutis laxa, autosomal recessive, type IIA", "Autosomal recessive cutis laxa type 2A"),
        ("Porphyria, acute intermittent", "Acute intermittent porphyria"),
        ("Albinism, oculocutaneous, type VI", "Oculocutaneous albinism type 6"),
        ("Anemia, dyserythropoietic congenital, type III", "Congenital dyserythropoietic anemia type III"),
    ],
)
def test_omim_and_orphanet_spellings_of_one_name_match(omim, orpha):
    """OMIM writes "Porphyria, acute intermittent" and Roman numerals; Orphanet the natural order, numbers."""
    assert normalized_name(omim) == normalized_name(orpha)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("GM1-gangliosidosis, type III", "GM1 gangliosidosis type 1"),
        ("Mental retardation, X-linked 10", "Mental retardation 10"),  # the X of X-linked is no numeral
        ("Stickler syndrome, type I", "Stickler syndrome type 2"),
    ],
)
def test_different_numbers_still_differ(a, b):
    assert normalized_name(a) != normalized_name(b)


def test_twins_need_a_unique_name_or_a_shared_gene_and_stay_one_to_one():
    ids = ["OMIM:1", "ORPHA:1", "OMIM:2", "ORPHA:2", "OMIM:3", "OMIM:4", "ORPHA:3", "OMIM:5", "ORPHA:5"]
    names = ["Alpha syndrome", "Alpha syndrome", "Beta 1", "Beta disease"]
    names += ["Gamma", "Gamma", "Gamma", "X", "Y"]
    phenotypes = {2: {1, 2, 3}, 3: {1, 2, 3, 4}, 7: {5}, 8: {6}}
    genes = {"OMIM:2": {"B"}, "ORPHA:2": {"B"}, "OMIM:5": {"Z"}, "ORPHA:5": {"Z"}}
    pairs = find_twins(ids, names, phenotypes, genes)
    # unique name -> twins; shared gene + similar phenotypes -> twins; a name shared by two OMIM entries is
    # ambiguous; a shared gene with different names and phenotypes is not enough
    assert pairs == [(0, 1), (2, 3)]


def test_rank_of_counts_ties_against_the_candidate():
    scores = np.array([0.1, 0.5, 0.5, -np.inf])
    assert rank_of(scores, 1) == 2 and rank_of(scores, 2) == 2
    assert rank_of(scores, 0) == 3
    assert rank_of(scores, 3) == NOT_RANKED


def test_recalibration_keeps_the_top_strictly_first(kb):
    diagnoser = Diagnoser(kb)
    evidence = make_evidence(kb, ["HP:0001250", "HP:0001263", "HP:0000252"], [])
    diagnosis = diagnoser.diagnose(evidence, top=3, sources=("OMIM",))
    probabilities = [r.probability for r in diagnosis.ranking]
    assert probabilities[0] > probabilities[1] >= probabilities[2]
    assert (diagnosis.log_posterior == diagnosis.log_posterior.max()).sum() == 1


def test_twins_rank_as_one_entry_under_the_preferred_id(kb):
    """Marfan syndrome is described three times (curated, OMIM, Orphanet): one entry, shown under the curated
    id, else OMIM, else Orphanet, whichever is a candidate, holding the three posteriors."""
    omim = kb.disease_index["OMIM:154700"]
    orpha_id = kb.disease_info[omim]["twin"]
    assert orpha_id.startswith("ORPHA:")
    assert kb.disease_info[kb.disease_index[orpha_id]]["twin"] == "OMIM:154700"
    curated = kb.disease_index["DXG:marfan_syndrome"]
    assert kb.disease_info[curated]["twin"] == orpha_id  # dx:sameDiseaseAs, read as an IRI
    assert {"OMIM:154700", orpha_id} <= set(kb.disease_info[curated]["xrefs"])
    group = [omim, kb.disease_index[orpha_id], curated]
    raw = {"calibration_slope": 1.0, "calibration_margin": 0.0, "calibration_intercept": 0.0}
    raw["consult_calibration"] = (1.0, 0.0, 0.0)
    diagnoser = Diagnoser(kb, ModelParams(**raw))
    assert sorted(diagnoser.twins.others(omim)) == sorted([curated, kb.disease_index[orpha_id]])
    marfan = ["HP:0001166", "HP:0001083", "HP:0002616", "HP:0000768", "HP:0001519"]
    evidence = make_evidence(kb, marfan, [])
    merged = diagnoser.diagnose(evidence, top=5)
    ids = [r.disease_id for r in merged.ranking]
    assert "DXG:marfan_syndrome" in ids and "OMIM:154700" not in ids and orpha_id not in ids
    entry = merged.ranking[ids.index("DXG:marfan_syndrome")]
    assert entry.twin is not None and entry.twin[0] in ("OMIM:154700", orpha_id) and 0 < entry.twin[1] < 1
    separate = Diagnoser(kb, ModelParams(**raw, merge_twins=False)).diagnose(evidence, top=5)
    every = np.exp(separate.log_posterior[group]).sum()
    assert np.isclose(np.exp(merged.log_posterior[curated]), every, rtol=1e-9)
    omim_only = diagnoser.diagnose(evidence, top=5, sources=("OMIM",))
    assert omim_only.ranking[0].disease_id == "OMIM:154700"
    assert np.exp(omim_only.log_posterior[omim]) > np.exp(separate.log_posterior[omim])
    orpha_only = diagnoser.diagnose(evidence, top=5, sources=("ORPHA",))
    assert orpha_only.ranking[0].disease_id == orpha_id and "OMIM:154700" in orpha_only.ranking[0].xrefs
    assert not np.isfinite(orpha_only.log_posterior[[omim, curated]]).any()
    finite = merged.log_posterior[np.isfinite(merged.log_posterior)]
    assert abs(np.exp(finite).sum() + merged.other_probability - 1) < 1e-9


def test_a_curated_disease_that_is_an_hpo_disease_ranks_with_it(kb):
    """dx:sameDiseaseAs (an IRI in the Turtle) makes the curated migraine and OMIM's one entry."""
    curated, omim = kb.disease_index["DXG:migraine"], kb.disease_index["OMIM:157300"]
    assert kb.disease_info[curated]["twin"] == "OMIM:157300"
    assert kb.disease_info[omim]["twin"] == "DXG:migraine"
    diagnoser = Diagnoser(kb)
    evidence = make_evidence(kb, ["HP:0002076", "HP:0002315", "HP:0000613", "HP:0002018"], [])
    ids = [r.disease_id for r in diagnoser.diagnose(evidence, top=10).ranking]
    assert "DXG:migraine" in ids and "OMIM:157300" not in ids


def test_an_unexplained_finding_counts_more_against_a_common_disease(kb):
    diagnoser = Diagnoser(kb)
    cold = kb.disease_index["DXG:common_cold"]
    columns = diagnoser.cache.columns(kb.term_index["HP:0001083"])  # ectopia lentis
    present = columns.present(diagnoser.network)
    params = diagnoser.params
    assert present[cold] == pytest.approx(params.curated_leak)
    assert params.curated_leak < columns.leak  # not growing with how many rare diseases list it
    assert np.isclose(present, columns.leak).sum() > 1000  # rare diseases not linked to it keep the leak
    marfan_triad = make_evidence(kb, ["HP:0001166", "HP:0001083", "HP:0002616"], [], context="primary-care")
    ranking = [r.disease_id for r in diagnoser.diagnose(marfan_triad, top=3).ranking]
    # the one Marfan entry (curated, OMIM and Orphanet together) first; no other common disease near it
    assert ranking[0] == "DXG:marfan_syndrome" and not any(d.startswith("DXG:") for d in ranking[1:])
    # a finding merely related to a common disease's feature (seizure ~ headache, both nervous-system
    # physiology) is incidental for it: a lone seizure goes to the diseases that list seizures
    seizure = make_evidence(kb, ["HP:0001250"], [], age_years=10, context="primary-care")
    diagnosis = diagnoser.diagnose(seizure, top=3)
    assert diagnosis.ranking[0].disease_id == "DXG:epilepsy"
    assert "DXG:tension_type_headache" not in [r.disease_id for r in diagnosis.ranking]
    headache = diagnoser.kb.disease_index["DXG:tension_type_headache"]
    assert np.exp(diagnosis.log_posterior[headache]) < 0.01
    cough = make_evidence(kb, ["HP:0031245", "HP:0001945"], [], age_years=40, context="primary-care")
    assert diagnoser.diagnose(cough, top=1).ranking[0].disease_id.startswith("DXG:")


def test_a_truth_described_more_than_once_ranks_where_its_merged_entry_is(kb):
    """An evaluation case whose truth is OMIM's Marfan syndrome counts the one Marfan entry (shown under the
    curated id), as a doctor reading the ranking would; with merging off, the OMIM entry itself."""
    from inference.evaluation import EvalCase, score_cases

    marfan = ["HP:0001166", "HP:0001083", "HP:0002616", "HP:0000768", "HP:0001519"]
    case = EvalCase("marfan", make_evidence(kb, marfan, []), ("OMIM:154700",))
    merged = score_cases(Diagnoser(kb), [case])
    assert merged.ranks[0] == 1 and merged.predicted[0] == "DXG:marfan_syndrome"
    separate = score_cases(Diagnoser(kb, ModelParams(merge_twins=False)), [case])
    assert separate.ranks[0] > 1 and separate.predicted[0] != "OMIM:154700"
