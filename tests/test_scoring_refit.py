"""The learned model's scoring parameters refitted by cross-fitting (learning/fit/learned.py, learn.py)."""

from __future__ import annotations

import shutil

import numpy as np

import learning.fit.learned as learned
from inference.params import ModelParams
from learning.fit.crossval import RARE_CLINIC
from learning.fit.model import PARAMS
from learning.ingest.pipeline import ingest_phenopackets
from learning.learn import MIN_REFIT_CASES, ancestor_table, fit, refit_scoring
from learning.refine import LearningParams
from learning.store import Store


def test_refit_is_off_when_asked_or_with_too_few_cases():
    params = ModelParams()
    few = [f"e{i}" for i in range(MIN_REFIT_CASES - 1)]
    # neither call may touch the store (None would fail)
    assert refit_scoring(None, None, params, LearningParams(), few, None) == (
        params,
        {"parts": 0, "cases": len(few)},
    )
    many = [f"e{i}" for i in range(MIN_REFIT_CASES)]
    kept, info = refit_scoring(None, None, params, LearningParams(scoring_refit_parts=0), many, None)
    assert kept is params and info["parts"] == 0


def test_cross_fitting_never_scores_a_case_with_a_model_that_counted_it(
    kb, dev_cases_dir, tmp_path, monkeypatch
):
    cases = tmp_path / "cases"
    cases.mkdir()
    for path in sorted(dev_cases_dir.glob("*.json"))[::40][:90]:
        shutil.copy(path, cases / path.name)
    learned_from, scored = [], []
    real_load = learned.load_cases

    def spy_fit(store, kb, params, learning, encounters, *rest):
        learned_from.append(set(encounters))
        return fit(store, kb, params, learning, encounters, *rest)

    def spy_load(store, encounters):
        scored.append(set(encounters))
        return real_load(store, encounters)

    monkeypatch.setattr(learned, "load_cases", spy_load)
    with Store(tmp_path / "store.duckdb") as store:
        ingest_phenopackets(store, kb, b"test-key", [cases], progress=False)
        encounters = store.labelled_encounters()["encounter_id"].tolist()
        params, result = learned.cross_fitted_scoring(
            store, kb, ModelParams(), LearningParams(), encounters, ancestor_table(kb), spy_fit, folds=3
        )
    assert len(learned_from) == len(scored) == 3
    for taught, held in zip(learned_from, scored, strict=True):
        assert held and not taught & held and taught | held == set(encounters)
    assert set().union(*scored) == set(encounters)
    assert params.fitted_contexts == (RARE_CLINIC,)
    assert result.loss <= result.start_loss
    for p in PARAMS:  # every fitted value is in the engine's parameters and within its bounds
        value = getattr(params, p.field)
        assert np.isclose(value, result.values[p.name]) and p.low - 1e-9 <= value <= p.high + 1e-9
