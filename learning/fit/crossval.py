"""Publication-grouped cross-validation of the fitted likelihood: fit on one fold (real cases or simulated
patients whose settings that fold chose), score the other through the one evaluation (inference.evaluation).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from inference.engine import Diagnoser
from inference.params import ModelParams
from learning.fit.dataset import FitData, build_dataset
from learning.fit.model import FREE, Objective, as_model_params, to_theta
from learning.fit.optimize import FitResult, fit_parameters
from learning.fit.simulate import Simulator, SimulatorSettings

__all__ = ["SimulatedFit", "choose_for_fold", "fit_by_fold", "fitted_params", "simulated_fits"]

RARE_CLINIC = "rare-disease-clinic"


def fitted_params(base: ModelParams, values: dict[str, float]) -> ModelParams:
    """The engine's parameters with a fit in place for the rare-disease clinic."""
    return replace(base, fitted_contexts=(RARE_CLINIC,), **as_model_params(values))


def fit_by_fold(
    data: FitData, folds: np.ndarray, floor: float, free: tuple[str, ...] = FREE, **options
) -> dict[int, FitResult]:
    """Per held-out fold k: the fit on the cases of the other folds."""
    return {
        int(k): fit_parameters(
            data.subset(folds != k), free, objective=Objective(data.subset(folds != k), floor), **options
        )
        for k in np.unique(folds)
    }


def real_loss(data: FitData, values: dict[str, float], floor: float) -> float:
    """The fitting objective of given values on real cases (the simulator's selection criterion)."""
    return Objective(data, floor).evaluate(to_theta(values))[0]


@dataclass
class SimulatedFit:
    """One simulator setting's fit and its loss on each fold's real cases."""

    settings: SimulatorSettings
    fit: FitResult
    real_loss: dict[int, float]  # per fold: the objective on that fold's real cases


def simulated_fits(
    diagnoser: Diagnoser,
    grid: Sequence[SimulatorSettings],
    real: FitData,
    folds: np.ndarray,
    floor: float,
    patients: int,
    log: Callable[[str], None] = lambda _: None,
    **options,
) -> list[SimulatedFit]:
    """Fit on simulated patients for each setting; score each fit on every real fold (for selection)."""
    objectives = {int(k): Objective(real.subset(folds == k), floor) for k in np.unique(folds)}
    results = []
    for settings in grid:
        cases = Simulator(diagnoser.network, settings).cases(patients)
        data = build_dataset(diagnoser, cases)
        fit = fit_parameters(data, FREE, objective=Objective(data, floor), **options)
        losses = {k: objective.evaluate(to_theta(fit.values))[0] for k, objective in objectives.items()}
        log(f"{settings}: simulated loss {fit.loss:.4f}, real fold losses {losses}")
        results.append(SimulatedFit(settings, fit, losses))
    return results


def choose_for_fold(results: list[SimulatedFit], held_out: int) -> SimulatedFit:
    """The setting whose fit does best on the real cases outside the held-out fold."""
    return min(results, key=lambda r: np.mean([loss for k, loss in r.real_loss.items() if k != held_out]))
