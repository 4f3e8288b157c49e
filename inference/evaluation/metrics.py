"""Ranking and calibration metrics: ranks with ties against the model, top-k, MRR, ECE, Brier, bootstrap."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence

import numpy as np

__all__ = [
    "NOT_RANKED",
    "TOP_K",
    "bootstrap_interval",
    "classification_metrics",
    "expected_calibration_error",
    "rank_of",
    "rank_summary",
]

NOT_RANKED = 10**6
TOP_K = (1, 3, 5, 10)


def rank_of(scores: np.ndarray, position: int) -> int:
    """Rank of one candidate among scores (higher is better); ties count against it, so an evaluation
    never profits from a candidate that merely equals the best."""
    value = scores[position]
    if not np.isfinite(value):
        return NOT_RANKED
    return int((scores > value).sum() + (scores == value).sum())


def rank_summary(ranks: np.ndarray, ks: Iterable[int] = TOP_K) -> dict:
    """Case count, top-k accuracies and mean reciprocal rank (NOT_RANKED counts as a miss)."""
    ranks = np.asarray(ranks)
    if not len(ranks):
        return {"cases": 0, **{f"top{k}": float("nan") for k in ks}, "mrr": float("nan")}
    result: dict = {"cases": int(len(ranks))}
    for k in ks:
        result[f"top{k}"] = float((ranks <= k).mean())
    result["mrr"] = float(np.where(ranks < NOT_RANKED, 1.0 / np.maximum(ranks, 1), 0.0).mean())
    return result


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """Mean |accuracy - confidence| over equal-width confidence bins, weighted by the bins' sizes."""
    confidence = np.asarray(confidence, dtype=float)
    correct = np.asarray(correct, dtype=float)
    if not len(confidence):
        return float("nan")
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(confidence, edges) - 1, 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        members = index == b
        if members.any():
            ece += abs(correct[members].mean() - confidence[members].mean()) * members.mean()
    return float(ece)


def bootstrap_interval(
    values: Sequence, statistic: Callable[[np.ndarray], float], draws: int = 2000, seed: int = 0
) -> tuple[float, float]:
    """95% percentile bootstrap interval of a statistic over cases (rows of `values`)."""
    data = np.asarray(values)
    if not len(data):
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    stats = [statistic(data[rng.integers(0, len(data), len(data))]) for _ in range(draws)]
    low, high = np.percentile(stats, [2.5, 97.5])
    return float(low), float(high)


def classification_metrics(truths: Sequence[Iterable[str]], predicted: Sequence[str]) -> dict:
    """Precision, recall and F1 with the top-1 disease as the predicted label. Micro: pooled over all
    labels (a wrong prediction is a false positive of the predicted disease and a false negative of the
    true one). Macro: the mean over the diseases that occur in the truth (zero when undefined)."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    truth_labels: set[str] = set()
    for truth, guess in zip(truths, predicted, strict=True):
        truth_set = set(truth)
        truth_labels |= truth_set
        if guess and guess in truth_set:
            tp[guess] += 1
        elif guess:
            fp[guess] += 1
        for label in truth_set - {guess}:
            fn[label] += 1
    s_tp, s_fp, s_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    micro_p = s_tp / (s_tp + s_fp) if s_tp + s_fp else 0.0
    micro_r = s_tp / (s_tp + s_fn) if s_tp + s_fn else 0.0
    precision, recall, f1 = [], [], []
    for label in sorted(truth_labels):
        p = tp[label] / (tp[label] + fp[label]) if tp[label] + fp[label] else 0.0
        r = tp[label] / (tp[label] + fn[label]) if tp[label] + fn[label] else 0.0
        precision.append(p)
        recall.append(r)
        f1.append(2 * p * r / (p + r) if p + r else 0.0)
    return {
        "micro_precision": micro_p,
        "micro_recall": micro_r,
        "micro_f1": 2 * micro_p * micro_r / (micro_p + micro_r) if micro_p + micro_r else 0.0,
        "macro_precision": float(np.mean(precision)) if precision else 0.0,
        "macro_recall": float(np.mean(recall)) if recall else 0.0,
        "macro_f1": float(np.mean(f1)) if f1 else 0.0,
    }
