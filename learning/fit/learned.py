"""The scoring parameters of a learned model, fitted on cases its counts never saw (cross-fitting).

The training encounters are split in two by publication; a model learned from each half scores the other
half, and the scoring parameters are fitted on both halves' scores at once. The model learned from all the
training encounters then uses those parameters, so no case informs both its frequencies and their weights.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from inference.artifact import diagnoser_from_artifact
from inference.params import ModelParams
from knowledge.kb import KnowledgeBase
from learning.evaluation.cases import eval_cases, load_cases
from learning.evaluation.split import group_keys, grouped_fold
from learning.fit.crossval import fitted_params
from learning.fit.dataset import build_dataset, concat
from learning.fit.model import FREE, Objective, from_model_params
from learning.fit.optimize import FitResult, fit_parameters
from learning.learn import fit
from learning.refine import LearningParams
from learning.store import Store

__all__ = ["cross_fitted_scoring"]


def cross_fitted_scoring(
    store: Store,
    kb: KnowledgeBase,
    params: ModelParams,
    learning: LearningParams,
    encounters: list[str],
    ancestors: pd.DataFrame,
    floor: float = 0.01,
    sources: tuple[str, ...] | None = ("OMIM",),
) -> tuple[ModelParams, FitResult]:
    """Scoring parameters for a model learned from `encounters`, fitted on publication-grouped halves of
    them (each scored by the model learned from the other half), starting from `params`' values."""
    labelled = store.labelled_encounters()
    labelled = labelled[labelled["encounter_id"].isin(set(encounters))]
    half = grouped_fold(group_keys(labelled), 2, salt="scoring-refit").to_numpy()
    parts = []
    for held in (0, 1):
        learn_from = labelled["encounter_id"][half != held].tolist()
        scored = labelled["encounter_id"][half == held].tolist()
        plain = replace(params, fitted_contexts=())  # the dataset reads the network's plain likelihood
        artifact = fit(store, kb, plain, learning, learn_from, f"scoring-half-{held}", ancestors)
        diagnoser = diagnoser_from_artifact(kb, artifact)
        cases = eval_cases(diagnoser.kb, load_cases(store, scored))
        parts.append(build_dataset(diagnoser, cases, sources))
    data = concat(parts)
    result = fit_parameters(data, FREE, start=from_model_params(params), objective=Objective(data, floor))
    return fitted_params(params, result.values), result
