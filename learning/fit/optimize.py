"""Maximise the mean log posterior of the true disease over the free scoring parameters (L-BFGS-B)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from learning.fit.dataset import FitData
from learning.fit.model import NAMES, Objective, bounds, defaults, from_theta_partial, to_theta_partial

__all__ = ["FitResult", "fit_parameters"]


@dataclass
class FitResult:
    """The fitted parameter values, which were free, and the loss before and after."""

    values: dict[str, float]  # every parameter (free ones fitted, the others as given)
    free: tuple[str, ...]
    loss: float  # mean negative log posterior of the truth on the fitting cases
    start_loss: float
    iterations: int


def fit_parameters(
    data: FitData,
    free: tuple[str, ...] = NAMES,
    start: dict[str, float] | None = None,
    maxiter: int = 150,
    objective: Objective | None = None,
    ridge: float = 1e-3,
) -> FitResult:
    """Fit the free parameters from `start` (default: the literature defaults), with a small ridge penalty
    toward the start (on the optimisation scale) so directions the cases do not inform stay put."""
    objective = objective or Objective(data)
    base = dict(defaults())
    base.update(start or {})
    theta0 = to_theta_partial(base, free)

    def loss_and_grad(theta: np.ndarray) -> tuple[float, np.ndarray]:
        loss, grad, _ = objective.evaluate(theta, free, base)
        step = theta - theta0
        return loss + ridge * float(step @ step), grad + 2 * ridge * step

    start_loss = loss_and_grad(theta0)[0]
    result = minimize(
        loss_and_grad,
        theta0,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds(free),
        options={"maxiter": maxiter},
    )
    values = dict(base)
    values.update(from_theta_partial(result.x, free))
    return FitResult(values, free, float(result.fun), float(start_loss), int(result.nit))
