"""The learning hyperparameters chosen by grouped, stratified k-fold cross-validation on the training part
(prior_pseudocount x equivalent_sample_size, by top-1 then MRR)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace

import numpy as np
import pandas as pd

from inference.artifact import diagnoser_from_artifact
from inference.evaluation import IDENTITY, NOT_RANKED, rank_summary
from inference.params import ModelParams
from knowledge.kb import KnowledgeBase
from learning.evaluation.scoring import score_network
from learning.evaluation.split import stratified_group_folds
from learning.learn import ancestor_table, fit
from learning.refine import LearningParams
from learning.store import Store

__all__ = ["cross_validate", "learning_grid", "raw_params"]


def raw_params(params: ModelParams) -> ModelParams:
    """The same model without the top-1 recalibration (applied afterwards by Scores)."""
    slope, margin, intercept = IDENTITY
    return replace(
        params, calibration_slope=slope, calibration_margin=margin, calibration_intercept=intercept
    )


def learning_grid(
    prior_pseudocount: Sequence[float] = (1.0, 3.0, 10.0, 50.0, 200.0),
    equivalent_sample_size: Sequence[float] = (2.0, 10.0),
) -> list[LearningParams]:
    """The default CV grid (equivalent_sample_size between 2 and 10 barely moved top-1 on the dev cases;
    prior_pseudocount did)."""
    return [
        LearningParams(prior_pseudocount=a, equivalent_sample_size=e)
        for a in prior_pseudocount
        for e in equivalent_sample_size
    ]


def cross_validate(
    store: Store,
    kb: KnowledgeBase,
    train: pd.DataFrame,
    grid: Sequence[LearningParams],
    folds: int = 3,
    group_by: str = "publication",
    seed: int = 0,
    model_params: ModelParams | None = None,
    sources: tuple[str, ...] | None = None,
    ancestors: pd.DataFrame | None = None,
    log: Callable[[str], None] | None = None,
) -> tuple[LearningParams, list[dict]]:
    """Grouped stratified k-fold CV on the training part; returns the best params (top-1, then MRR)."""
    model_params = raw_params(model_params or ModelParams())
    ancestors = ancestor_table(kb) if ancestors is None else ancestors
    fold = stratified_group_folds(train, folds, group_by, seed + 1)
    table = []
    for params in grid:
        started = time.perf_counter()
        ranks = np.full(len(train), NOT_RANKED)
        per_fold = []
        for f in range(folds):
            held = fold == f
            artifact = fit(
                store, kb, model_params, params, train["encounter_id"][~held].tolist(), f"cv-{f}", ancestors
            )
            scores = score_network(diagnoser_from_artifact(kb, artifact), train[held], "cv", sources)
            ranks[held] = scores.ranks
            per_fold.append(float((scores.ranks == 1).mean()) if held.any() else float("nan"))
        row = {**asdict(params), **rank_summary(ranks), "top1_per_fold": per_fold}
        row["seconds"] = time.perf_counter() - started
        table.append(row)
        if log:
            log(
                f"CV prior_pseudocount={params.prior_pseudocount:g} "
                f"equivalent_sample_size={params.equivalent_sample_size:g}: top-1 {row['top1']:.3f} "
                f"MRR {row['mrr']:.3f} ({row['seconds']:.0f} s)"
            )
    best = max(range(len(grid)), key=lambda i: (table[i]["top1"], table[i]["mrr"]))
    return grid[best], table
