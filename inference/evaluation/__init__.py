"""One evaluation: score cases with known diagnoses (ties against the model), metrics, publication grouping
and calibration; HTML/plots live in `inference.evaluation.report`."""

from inference.calibration import IDENTITY, fit_calibration, recalibrate_top1
from inference.evaluation.grouping import publication_fold, publication_of
from inference.evaluation.metrics import (
    NOT_RANKED,
    TOP_K,
    bootstrap_interval,
    classification_metrics,
    expected_calibration_error,
    rank_of,
    rank_summary,
)
from inference.evaluation.scoring import EvalCase, Scores, disease_rank, score_cases, top_k_of

__all__ = [
    "IDENTITY",
    "NOT_RANKED",
    "TOP_K",
    "EvalCase",
    "Scores",
    "bootstrap_interval",
    "classification_metrics",
    "disease_rank",
    "expected_calibration_error",
    "fit_calibration",
    "publication_fold",
    "publication_of",
    "rank_of",
    "rank_summary",
    "recalibrate_top1",
    "score_cases",
    "top_k_of",
]
