"""Iterative stratification for multi-label data (Sechidis, Tsoumakas & Vlahavas, ECML PKDD 2011), with
sample weights, so that groups of cases (publications) can be stratified by the cases they hold.

A small own implementation rather than the `iterative-stratification` package: that wheel (0.1.9) also
installs a top-level `tests` package into site-packages, which shadows this project's `tests` directory
(`from tests.toy import ...` then fails for the whole test suite).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["iterative_stratification"]


def iterative_stratification(
    labels: np.ndarray,
    shares: Sequence[float],
    weights: np.ndarray | None = None,
    seed: int | np.random.RandomState = 0,
) -> np.ndarray:
    """Part index (0..len(shares)-1) of every sample.

    labels: (samples, labels) booleans. weights: how much each sample counts (e.g. its number of cases;
    default 1). Rarest label first (fewest unassigned samples); its samples, heaviest first, go to the
    part that still wants most of that label (ties: the part that wants most overall, then at random).
    Samples without labels then fill the parts toward their shares, heaviest first.
    """
    labels = np.asarray(labels, dtype=bool)
    n, n_labels = labels.shape
    weights = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    rng = seed if isinstance(seed, np.random.RandomState) else np.random.RandomState(seed)
    shares_array = np.asarray(shares, dtype=float)
    wanted = shares_array * weights.sum()
    wanted_label = np.outer(shares_array, (labels * weights[:, None]).sum(axis=0))
    part = np.full(n, -1)
    remaining = labels.copy()
    while n_labels and remaining.any():
        counts = remaining.sum(axis=0)
        candidates = np.flatnonzero(counts == counts[counts > 0].min())
        label = int(rng.choice(candidates))
        samples = rng.permutation(np.flatnonzero(remaining[:, label]))
        for sample in samples[np.argsort(-weights[samples], kind="stable")]:
            choice = _best(wanted_label[:, label], wanted, rng)
            part[sample] = choice
            wanted[choice] -= weights[sample]
            wanted_label[choice] -= labels[sample] * weights[sample]
            remaining[sample] = False
    rest = rng.permutation(np.flatnonzero(part < 0))
    target = np.maximum(shares_array * weights.sum(), 1e-12)
    for sample in rest[np.argsort(-weights[rest], kind="stable")]:
        choice = _best(wanted / target, wanted, rng)
        part[sample] = choice
        wanted[choice] -= weights[sample]
    return part


def _best(primary: np.ndarray, secondary: np.ndarray, rng: np.random.RandomState) -> int:
    tied = np.flatnonzero(np.isclose(primary, primary.max()))
    if len(tied) > 1:
        tied = tied[np.isclose(secondary[tied], secondary[tied].max())]
    return int(tied[0] if len(tied) == 1 else rng.choice(tied))
