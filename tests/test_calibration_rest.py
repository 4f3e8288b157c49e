"""The recalibrated top-1 takes the map's value even below the runner-up's share; the other diseases stay
below it (the freed mass goes to "other"), so the ranking is unchanged and everything sums to 1."""

from __future__ import annotations

import numpy as np
import pytest

from inference.calibration import recalibrate_top1, rest_factor
from inference.engine import Diagnoser
from inference.evidence import make_evidence
from inference.params import ModelParams


def test_map_value_is_kept_below_the_runner_up_share():
    p1, p2 = np.asarray([0.45]), np.asarray([0.44])
    (calibrated,) = recalibrate_top1(p1, p2, (1.0, 0.0, -2.0))
    expected = 1.0 / (1.0 + np.exp(-(np.log(0.45 / 0.55) - 2.0)))
    assert calibrated == pytest.approx(expected)
    factor = rest_factor(0.45, 0.44, float(calibrated))
    assert 0.44 * factor < calibrated
    assert factor < (1.0 - calibrated) / (1.0 - 0.45)


def test_rest_keeps_its_proportions_when_no_runner_up_would_pass():
    assert rest_factor(0.6, 0.1, 0.5) == pytest.approx(0.5 / 0.4)
    assert rest_factor(0.3, 0.0, 0.1) == pytest.approx(0.9 / 0.7)


def test_engine_lowering_the_top1_keeps_the_ranking_and_sums_to_one(kb):
    params = ModelParams(calibration_slope=1.0, calibration_margin=0.0, calibration_intercept=-6.0)
    evidence = make_evidence(kb, ["HP:0001250", "HP:0001263"], [], context="rare-disease-clinic")
    raw = Diagnoser(kb, params).diagnose(evidence, top=5, recalibrate=False)
    calibrated = Diagnoser(kb, params).diagnose(evidence, top=5)
    p1, p2 = raw.ranking[0].probability, raw.ranking[1].probability
    expected = recalibrate_top1(np.asarray([p1]), np.asarray([p2]), (1.0, 0.0, -6.0))[0]
    assert calibrated.ranking[0].probability == pytest.approx(expected)
    assert [r.disease_id for r in calibrated.ranking] == [r.disease_id for r in raw.ranking]
    probabilities = [r.probability for r in calibrated.ranking]
    assert all(a > b for a, b in zip(probabilities, probabilities[1:], strict=False))
    total = float(np.exp(calibrated.log_posterior[np.isfinite(calibrated.log_posterior)]).sum())
    assert total + calibrated.other_probability == pytest.approx(1.0)
