"""Drift statistics between a reference and a recent window: PSI, chi-square and KS (scipy only)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["Categorical", "TermDrift", "categorical", "chi_square", "ks_from_counts", "psi", "term_drift"]

EPSILON = 1e-4  # floor of a share in PSI, so a category absent on one side stays finite


def shares(counts: Mapping[str, float], keys: list[str]) -> np.ndarray:
    values = np.asarray([float(counts.get(k, 0.0)) for k in keys])
    total = values.sum()
    return values / total if total > 0 else values


def psi(reference: Mapping[str, float], actual: Mapping[str, float]) -> float:
    """Population stability index: sum over categories of (a - r) * ln(a / r), shares floored at EPSILON."""
    keys = sorted(set(reference) | set(actual))
    if not keys:
        return 0.0
    r = np.maximum(shares(reference, keys), EPSILON)
    a = np.maximum(shares(actual, keys), EPSILON)
    r, a = r / r.sum(), a / a.sum()
    return float(np.sum((a - r) * np.log(a / r)))


def chi_square(reference: Mapping[str, float], actual: Mapping[str, float]) -> tuple[float, float]:
    """Chi-square test of homogeneity on the 2 x K table of counts; (statistic, p-value)."""
    keys = [k for k in sorted(set(reference) | set(actual)) if reference.get(k, 0) + actual.get(k, 0) > 0]
    if len(keys) < 2 or not sum(reference.values()) or not sum(actual.values()):
        return 0.0, 1.0
    table = np.asarray([[reference.get(k, 0.0) for k in keys], [actual.get(k, 0.0) for k in keys]])
    statistic, p_value, _, _ = stats.chi2_contingency(table, correction=False)
    return float(statistic), float(p_value)


@dataclass
class Categorical:
    """Drift of one categorical variable."""

    psi: float
    chi2: float
    p_value: float
    reference: dict[str, float]
    window: dict[str, float]

    def drifted(self, psi_threshold: float, alpha: float) -> bool:
        """Whether the distribution drifted: PSI at or above its threshold and the chi-square test
        significant."""
        return self.psi >= psi_threshold and self.p_value < alpha

    def as_dict(self) -> dict:
        """The comparison as JSON, shares and statistics rounded."""
        return {
            "psi": round(self.psi, 4),
            "chi2": round(self.chi2, 3),
            "p_value": self.p_value,
            "reference_share": _rounded_shares(self.reference),
            "window_share": _rounded_shares(self.window),
        }


def _rounded_shares(counts: Mapping[str, float]) -> dict[str, float]:
    total = sum(counts.values())
    return {k: round(v / total, 4) for k, v in sorted(counts.items())} if total else {}


def categorical(reference: Mapping[str, float], window: Mapping[str, float]) -> Categorical:
    """Compare two distributions of one categorical variable (PSI and chi-square)."""
    statistic, p_value = chi_square(reference, window)
    return Categorical(psi(reference, window), statistic, p_value, dict(reference), dict(window))


@dataclass
class TermDrift:
    """One term whose share of requests changed: shares, PSI, chi-square and Bonferroni-adjusted p-value."""

    term: str
    reference_share: float
    window_share: float
    psi: float
    chi2: float
    p_value: float  # Bonferroni-adjusted over the terms tested

    def as_dict(self) -> dict:
        """The term's drift as JSON, rounded."""
        return {
            "term": self.term,
            "reference_share": round(self.reference_share, 4),
            "window_share": round(self.window_share, 4),
            "psi": round(self.psi, 4),
            "chi2": round(self.chi2, 3),
            "p_value": self.p_value,
        }


def binary_psi(p: float, q: float) -> float:
    """PSI of a yes/no variable whose share moves from p (reference) to q (window)."""
    p, q = min(max(p, EPSILON), 1 - EPSILON), min(max(q, EPSILON), 1 - EPSILON)
    return float((q - p) * np.log(q / p) + (p - q) * np.log((1 - q) / (1 - p)))


def term_drift(
    reference: Mapping[str, int], reference_n: int, window: Mapping[str, int], window_n: int, min_count: int
) -> list[TermDrift]:
    """Per-term 2 x 2 chi-square (Yates) and PSI for terms seen at least min_count times on either side,
    p-values Bonferroni-adjusted; sorted by PSI, largest first."""
    if reference_n <= 0 or window_n <= 0:
        return []
    terms = [
        t for t in set(reference) | set(window) if max(reference.get(t, 0), window.get(t, 0)) >= min_count
    ]
    results = []
    for term in terms:
        r, w = int(reference.get(term, 0)), int(window.get(term, 0))
        table = np.asarray([[r, reference_n - r], [w, window_n - w]])
        statistic, p_value, _, _ = stats.chi2_contingency(table, correction=True)
        results.append(
            TermDrift(
                term,
                r / reference_n,
                w / window_n,
                binary_psi(r / reference_n, w / window_n),
                float(statistic),
                min(1.0, float(p_value) * len(terms)),
            )
        )
    return sorted(results, key=lambda d: (-d.psi, d.term))


def ks_from_counts(reference: Mapping[str, int], window: Mapping[str, int]) -> tuple[float, float] | None:
    """Two-sample Kolmogorov-Smirnov on integer histograms ({value: count}); None if a side is empty."""

    def sample(counts: Mapping[str, int]) -> np.ndarray:
        values = [(float(k), int(n)) for k, n in counts.items() if _is_number(k)]
        if not values:
            return np.asarray([])
        return np.repeat([v for v, _ in values], [n for _, n in values])

    a, b = sample(reference), sample(window)
    if not len(a) or not len(b):
        return None
    result = stats.ks_2samp(a, b, method="asymp")
    return float(result.statistic), float(result.pvalue)


def _is_number(value: object) -> bool:
    try:
        float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True
