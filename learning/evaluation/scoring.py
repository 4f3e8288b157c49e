"""Stored cases scored into the one `Scores` of inference.evaluation: by the network (the one evaluation
loop) or by the one-vs-rest baseline (ranked the same way, ties against the model)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from inference.engine import Diagnoser
from inference.evaluation import IDENTITY, NOT_RANKED, Scores, rank_of, score_cases
from inference.params import ModelParams
from learning.evaluation.baseline import OneVsRestBaseline
from learning.evaluation.cases import case_records, eval_cases

__all__ = ["calibration_of", "score_baseline", "score_network"]


def calibration_of(params: ModelParams) -> tuple[float, float, float]:
    """A model's top-1 recalibration as the (slope, margin, intercept) that `Scores` applies."""
    return (params.calibration_slope, params.calibration_margin, params.calibration_intercept)


def score_network(
    diagnoser: Diagnoser,
    cases: pd.DataFrame,
    name: str,
    sources: tuple[str, ...] | None = None,
    calibration: tuple[float, float, float] = IDENTITY,
    progress: bool = False,
) -> Scores:
    """Rank the true diseases of stored cases (the one evaluation loop, inference.evaluation.score_cases)."""
    return score_cases(diagnoser, eval_cases(diagnoser.kb, cases), name, sources, calibration, progress)


def score_baseline(
    model: OneVsRestBaseline,
    cases: pd.DataFrame,
    name: str,
    calibration: tuple[float, float, float] = IDENTITY,
) -> Scores:
    """Rank with the baseline's one-vs-rest probabilities, normalised to sum to 1 over its classes."""
    proba = model.predict_proba(case_records(cases)) if len(cases) else np.zeros((0, len(model.classes_)))
    totals = proba.sum(axis=1, keepdims=True)
    proba = np.where(totals > 0, proba / np.where(totals > 0, totals, 1), 1.0 / max(proba.shape[1], 1))
    column = {d: i for i, d in enumerate(model.classes_)}
    best = np.argmax(proba, axis=1) if len(proba) else np.zeros(0, dtype=int)
    ranks, true = [], []
    for row, labels in enumerate(cases["diseases"]):
        rank, p_true = NOT_RANKED, 0.0
        for disease in labels:
            if disease in column:
                p = proba[row, column[disease]]
                r = rank_of(proba[row], column[disease])
                if r < rank:
                    rank, p_true = r, float(p)
        ranks.append(rank)
        true.append(p_true)
    return Scores(
        name,
        cases["encounter_id"].tolist(),
        list(cases["diseases"]),
        np.asarray(ranks, dtype=int),
        [str(model.classes_[b]) for b in best],
        proba[np.arange(len(proba)), best] if len(proba) else np.zeros(0),
        np.sort(proba, axis=1)[:, -2] if proba.shape[1] >= 2 else np.zeros(len(proba)),
        np.asarray(true),
        (proba**2).sum(axis=1),
        np.zeros(len(cases)),
        calibration,
    )
