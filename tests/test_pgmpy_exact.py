"""Our vectorized posterior equals pgmpy's exact VariableElimination on exported sub-networks."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

warnings.filterwarnings("ignore", category=FutureWarning)
from pgmpy.inference import VariableElimination  # noqa: E402

from inference.engine import Diagnoser  # noqa: E402
from inference.evidence import make_evidence  # noqa: E402
from inference.params import ModelParams  # noqa: E402
from tests.pgmpy_export import differential_network, finding_noisy_or_network  # noqa: E402

CASES = [
    (["HP:0002984", "HP:0001631", "HP:0001191"], ["HP:0001629"], 8, "male", "rare-disease-clinic"),
    (["HP:0001250", "HP:0001249", "HP:0000252"], ["HP:0001263"], 2, "female", "rare-disease-clinic"),
    (["HP:0001945", "HP:0012735", "HP:0002094"], ["HP:0031417"], 40, "female", "primary-care"),
    (["HP:0001945", "HP:0002027"], [], 19, "male", "emergency"),
]


@pytest.fixture(scope="module")
def exact_diagnoser(kb):
    return Diagnoser(
        kb,
        ModelParams(  # the network itself: twin merging is a plain sum on top (tests/test_twins_and_ranks.py)
            temperature=1.0,
            calibration_slope=1.0,
            calibration_margin=0.0,
            calibration_intercept=0.0,
            consult_calibration=(1.0, 0.0, 0.0),
            merge_twins=False,
            fitted_contexts=(),  # the plain noisy-OR network (the fitted likelihood is tempered, IC-weighted)
        ),
    )


@pytest.mark.parametrize(("observed", "excluded", "age", "sex", "context"), CASES)
def test_posterior_equals_variable_elimination(exact_diagnoser, observed, excluded, age, sex, context):
    kb = exact_diagnoser.kb
    evidence = make_evidence(kb, observed, excluded, age_years=age, sex=sex, context=context)
    diagnosis = exact_diagnoser.diagnose(evidence, top=8)
    candidates = [r.index for r in diagnosis.ranking]
    model, observed_nodes = differential_network(exact_diagnoser, evidence, candidates)
    result = VariableElimination(model).query(["Disease"], evidence=observed_nodes, show_progress=False)
    ours = np.append(np.exp(diagnosis.log_posterior[candidates]), diagnosis.other_probability)
    ours /= ours.sum()
    assert result.state_names["Disease"][:-1] == [kb.disease_ids[i] for i in candidates]
    np.testing.assert_allclose(result.values, ours, atol=1e-9, rtol=0)


@pytest.mark.parametrize(
    ("disease", "term"),
    [("OMIM:142900", "HP:0001631"), ("OMIM:142900", "HP:0001671"), ("DXG:influenza", "HP:0001945")],
)
def test_finding_probability_is_a_noisy_or(exact_diagnoser, disease, term):
    kb = exact_diagnoser.kb
    index = kb.disease_index[disease]
    model, node = finding_noisy_or_network(exact_diagnoser, index, term)
    marginal = VariableElimination(model).query([node], show_progress=False)
    ours = np.exp(exact_diagnoser.cache.columns(kb.term_index[term]).log_present(exact_diagnoser.network))[
        index
    ]
    assert marginal.get_value(**{node: "True"}) == pytest.approx(ours, abs=1e-9)
