"""Top-1 recalibration: one Platt rescaling shared by the engine and every evaluation."""

from __future__ import annotations

import numpy as np

__all__ = ["IDENTITY", "calibration_features", "fit_calibration", "recalibrate_top1", "rest_factor"]

IDENTITY = (1.0, 0.0, 0.0)  # (slope, margin weight, intercept): no recalibration


def calibration_features(log_post: np.ndarray) -> tuple[float, float]:
    """The top-1 and runner-up probabilities (the inputs of the recalibration)."""
    if len(log_post) < 2:
        return float(np.exp(log_post.max())), 0.0
    near = log_post[log_post >= log_post.max() - 3.0]  # (the two largest are among them when 2 or more)
    two = np.partition(near if len(near) >= 2 else log_post, -2)[-2:]
    return float(np.exp(two[1])), float(np.exp(two[0]))


def recalibrate_top1(
    top1: np.ndarray, second: np.ndarray, calibration: tuple[float, float, float]
) -> np.ndarray:
    """p' = sigmoid(slope * logit(p1) + margin * log(p1 / p2) + intercept) for 0 < p1 < 1 (`rest_factor` keeps
    every other disease below it, so the ranking never changes).

    Args:
        top1: top-1 probabilities before recalibration.
        second: the runner-up probabilities.
        calibration: (slope, margin weight, intercept).
    Returns:
        The recalibrated top-1 probabilities (unchanged where p1 is 0 or 1, or for the identity).
    """
    p1 = np.asarray(top1, dtype=float)
    p2 = np.asarray(second, dtype=float)
    if tuple(calibration) == IDENTITY:
        return p1
    slope, margin, intercept = calibration
    safe = np.clip(p1, 1e-300, 1 - 1e-16)
    z = slope * (np.log(safe) - np.log1p(-safe)) + margin * (np.log(safe) - np.log(np.maximum(p2, 1e-300)))
    calibrated = np.clip(1.0 / (1.0 + np.exp(-(z + intercept))), 1e-300, 1.0 - 1e-12)
    return np.where((p1 > 0) & (p1 < 1), calibrated, p1)


def rest_factor(top1: float, second: float, calibrated: float) -> float:
    """The factor on every other disease once the top-1 is recalibrated: they keep their proportions and
    share what the top-1 gave up or took, but stay strictly below it; mass that would lift the runner-up
    to the top-1 goes to "other / not in the knowledge base" (the top candidates are near-tied and all
    doubtful)."""
    keep = (1.0 - calibrated) / (1.0 - top1)
    if second <= 0.0:
        return keep
    return min(keep, calibrated / second * (1.0 - 1e-9))


def fit_calibration(
    top1: np.ndarray, runner_up: np.ndarray, correct: np.ndarray
) -> tuple[float, float, float]:
    """Platt scaling on (logit of the top-1 probability, log margin over the runner-up), fitted on held-out
    cases.

    Returns:
        (slope, margin weight, intercept) for ModelParams; the identity when every case is right or wrong.
    """
    from sklearn.linear_model import LogisticRegression

    correct = np.asarray(correct, dtype=bool)
    if correct.all() or not correct.any():
        return IDENTITY
    p1 = np.clip(np.asarray(top1, dtype=float), 1e-12, 1 - 1e-12)
    features = np.c_[np.log(p1) - np.log1p(-p1), np.log(p1) - np.log(np.maximum(runner_up, 1e-300))]
    model = LogisticRegression(C=100.0).fit(features, correct.astype(int))
    return float(model.coef_[0, 0]), float(model.coef_[0, 1]), float(model.intercept_[0])
