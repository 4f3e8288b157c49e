"""The scoring parameters of a learned model, fitted on cases its counts never saw (cross-fitting).

The training encounters are split into `folds` parts by publication; a model learned from all but one part
scores that part, and the scoring parameters are fitted on every part's scores at once. The model learned
from all the training encounters then uses those parameters, so no case informs both its frequencies and
their weights.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pandas as pd

from inference.artifact import ModelArtifact, diagnoser_from_artifact
from inference.params import ModelParams
from knowledge.kb import KnowledgeBase
from learning.counts import CountSource
from learning.evaluation.cases import eval_cases, load_cases
from learning.evaluation.split import group_keys, grouped_fold
from learning.fit.crossval import fitted_params
from learning.fit.dataset import build_dataset, concat
from learning.fit.model import FREE, Objective, defaults, from_model_params
from learning.fit.optimize import FitResult, fit_parameters
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
    learner: Callable[..., ModelArtifact],
    floor: float = 0.01,
    sources: tuple[str, ...] | None = ("OMIM",),
    folds: int = 2,
    from_literature: bool = True,
    counts: CountSource | None = None,
) -> tuple[ModelParams, FitResult]:
    """Scoring parameters for a model learned from `encounters`, fitted on `folds` publication-grouped parts
    of them (each scored by the model learned from the others, `learner` being `learning.learn.fit`, passed in
    so this module does not import the learn job that calls it), started from the literature values (or
    from `params`' own when `from_literature` is False)."""
    labelled = store.labelled_encounters()
    labelled = labelled[labelled["encounter_id"].isin(set(encounters))]
    part = grouped_fold(group_keys(labelled), folds, salt="scoring-refit").to_numpy()
    plain = replace(params, fitted_contexts=())  # the dataset reads the network's plain likelihood
    parts = []
    for held in range(folds):
        learn_from = labelled["encounter_id"][part != held].tolist()
        scored = labelled["encounter_id"][part == held].tolist()
        artifact = learner(store, kb, plain, learning, learn_from, f"scoring-part-{held}", ancestors, counts)
        diagnoser = diagnoser_from_artifact(kb, artifact)
        cases = eval_cases(diagnoser.kb, load_cases(store, scored))
        parts.append(build_dataset(diagnoser, cases, sources))
    data = concat(parts)
    start = defaults() if from_literature else from_model_params(params)
    result = fit_parameters(data, FREE, start=start, objective=Objective(data, floor))
    return fitted_params(params, result.values), result
