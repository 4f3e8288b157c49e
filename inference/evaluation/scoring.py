"""Score a diagnoser on cases with known diagnoses: one loop that the promotion gate, `dxgraph evaluate`,
the evaluation protocol, learning and every benchmark share."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from inference.calibration import IDENTITY, calibration_features, fit_calibration, recalibrate_top1
from inference.engine import Diagnoser
from inference.evaluation.metrics import (
    NOT_RANKED,
    classification_metrics,
    expected_calibration_error,
    rank_of,
    rank_summary,
)
from inference.evidence import Evidence

__all__ = ["EvalCase", "Scores", "score_cases", "top_k_of"]


@dataclass(frozen=True)
class EvalCase:
    """One case to score: its id, the engine's evidence and the true diagnoses (any of them counts)."""

    case_id: str
    evidence: Evidence
    truths: tuple[str, ...]


@dataclass
class Scores:
    """One model on one set of cases. Probabilities are before the top-1 recalibration, which
    ``calibrated()`` applies exactly as the engine does (ranks do not change)."""

    model: str
    case_ids: list[str]
    truths: list[tuple[str, ...]]
    ranks: np.ndarray  # best rank of a true disease (NOT_RANKED when the model cannot name it)
    predicted: list[str]  # the top-1 disease ("" when none)
    top1_raw: np.ndarray
    second_raw: np.ndarray  # the runner-up's probability
    true_raw: np.ndarray  # probability of the best-ranked true disease
    sumsq_raw: np.ndarray  # sum of squared probabilities over all outcomes (for the Brier score)
    seconds: np.ndarray  # engine time per case
    calibration: tuple[float, float, float] = IDENTITY

    def calibrated(self) -> tuple[np.ndarray, np.ndarray]:
        """(top-1 probability, multi-class Brier score) per case after recalibration: the top-1 is
        Platt-rescaled, the others keep their proportions."""
        p = self.top1_raw
        q = recalibrate_top1(p, self.second_raw, self.calibration)
        scale = np.where(p < 1, (1 - q) / np.maximum(1 - p, 1e-300), 1.0)
        true = np.where(self.ranks == 1, q, scale * self.true_raw)
        sumsq = q**2 + scale**2 * np.maximum(self.sumsq_raw - p**2, 0.0)
        return q, sumsq + 1.0 - 2.0 * true

    def subset(self, mask: np.ndarray) -> Scores:
        """The scores of the cases where `mask` is true."""
        index = np.flatnonzero(mask)
        return replace(
            self,
            case_ids=[self.case_ids[i] for i in index],
            truths=[self.truths[i] for i in index],
            ranks=self.ranks[index],
            predicted=[self.predicted[i] for i in index],
            top1_raw=self.top1_raw[index],
            second_raw=self.second_raw[index],
            true_raw=self.true_raw[index],
            sumsq_raw=self.sumsq_raw[index],
            seconds=self.seconds[index],
        )

    def fit_calibration(self) -> tuple[float, float, float]:
        """(slope, margin, intercept) fitted on these cases (use the validation part)."""
        return fit_calibration(self.top1_raw, self.second_raw, self.ranks == 1)

    def summary(self) -> dict:
        """Top-k, MRR, precision/recall/F1 of the top-1, ECE and Brier of the recalibrated top-1."""
        if not len(self.ranks):
            return {"cases": 0}
        top1, brier = self.calibrated()
        result = rank_summary(self.ranks)
        result["diseases"] = len({d for t in self.truths for d in t})
        result.update(classification_metrics(self.truths, self.predicted))
        result["ece"] = expected_calibration_error(top1, self.ranks == 1)
        result["brier"] = float(brier.mean())
        result["mean_top1_probability"] = float(top1.mean())
        return result


def score_cases(
    diagnoser: Diagnoser,
    cases: Iterable[EvalCase],
    name: str = "model",
    sources: tuple[str, ...] | None = None,
    calibration: tuple[float, float, float] | None = None,
    progress: bool = False,
) -> Scores:
    """Rank each case's true diseases with the diagnoser's raw posterior.

    Args:
        diagnoser: the engine; its own top-1 recalibration is bypassed (scores keep raw probabilities).
        cases: the cases; a case whose truths the knowledge base lacks gets NOT_RANKED.
        name: a label for progress and reports.
        sources: candidate sources (e.g. ("OMIM",)); None ranks every disease.
        calibration: the recalibration that ``Scores.calibrated`` applies; default the diagnoser's own.
        progress: show a progress bar.
    Returns:
        The per-case Scores.
    """
    from tqdm import tqdm

    cases = list(cases)
    kb = diagnoser.kb
    index = kb.disease_index
    if calibration is None:
        calibration = engine_calibration(diagnoser, {c.evidence.context for c in cases})
    ranks, predicted, top1, second, true, sumsq, seconds = [], [], [], [], [], [], []
    for case in tqdm(cases, desc=name, unit="case", disable=not progress, leave=False):
        started = time.perf_counter()
        diagnosis = diagnoser.diagnose(case.evidence, top=1, sources=sources, recalibrate=False)
        seconds.append(time.perf_counter() - started)
        log_post = diagnosis.log_posterior
        posterior = np.exp(log_post)
        best = int(np.argmax(log_post))
        has_top = bool(np.isfinite(log_post[best]))
        predicted.append(kb.disease_ids[best] if has_top else "")
        p1, p2 = calibration_features(log_post)
        top1.append(p1 if has_top else 0.0)
        second.append(p2)
        sumsq.append(float((posterior**2).sum() + diagnosis.other_probability**2))
        rank, p_true = NOT_RANKED, 0.0
        for disease in case.truths:
            position = index.get(disease)
            if position is None:
                continue
            r, entry = disease_rank(diagnoser, log_post, position)
            if r < rank:
                rank, p_true = r, float(posterior[entry])
        ranks.append(rank)
        true.append(p_true)
    return Scores(
        name,
        [c.case_id for c in cases],
        [tuple(c.truths) for c in cases],
        np.asarray(ranks, dtype=int),
        predicted,
        np.asarray(top1, dtype=float),
        np.asarray(second, dtype=float),
        np.asarray(true, dtype=float),
        np.asarray(sumsq, dtype=float),
        np.asarray(seconds, dtype=float),
        tuple(calibration),
    )


def disease_rank(diagnoser: Diagnoser, log_post: np.ndarray, position: int) -> tuple[int, int]:
    """(rank, entry) of a disease: where its merged entry is when it is described more than once (Marfan
    syndrome, OMIM:154700, is shown as the curated DXG:marfan_syndrome holding the three descriptions)."""
    merged = diagnoser.twins.others(position) if diagnoser.params.merge_twins else []
    best = (NOT_RANKED, position)
    for entry in [position, *merged]:
        best = min(best, (rank_of(log_post, entry), entry))
    return best


def engine_calibration(diagnoser: Diagnoser, contexts: set[str]) -> tuple[float, float, float]:
    """The recalibration the engine applies to cases of these contexts (identity when they differ)."""
    calibrations = {tuple(diagnoser.params.calibration_for(context)) for context in contexts}
    return calibrations.pop() if len(calibrations) == 1 else IDENTITY


def top_k_of(scores: Scores, masks: dict[str, np.ndarray], ks: Sequence[int] = (1, 3, 10)) -> dict:
    """rank_summary for named subsets of the cases (e.g. orphan / common, cited / independent)."""
    return {name: rank_summary(scores.ranks[mask], ks) for name, mask in masks.items() if mask.any()}
