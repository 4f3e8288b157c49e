"""How long the complaint has lasted as evidence: each curated disease's typical duration at diagnosis
(hours, days, weeks, months) against the patient's. Like an age outside a disease's range, a duration
outside its typical bins is penalised (a neighbouring bin less so); a typical one, or a disease whose
course is not stated, is neutral."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["BINS", "BIN_DAYS", "CourseTable", "duration_bin", "duration_bin_weights"]

BINS = ("hours", "days", "weeks", "months")
BOUNDS_DAYS = (1.0, 7.0, 42.0)  # hours < 1 day <= days < 7 days <= weeks < 6 weeks <= months
BLUR = 0.25  # a duration within 25% (in log days) of a bound counts half for each neighbouring bin
BIN_DAYS = {"hours": 0.25, "days": 3.0, "weeks": 21.0, "months": 120.0}  # a bin as one duration (the form)


def duration_bin(days: float) -> str:
    """The bin a duration falls in (no blur): 'hours', 'days', 'weeks' or 'months'."""
    return BINS[int(np.searchsorted(BOUNDS_DAYS, days, side="right"))]


def duration_bin_weights(days: float) -> np.ndarray:
    """The patient's duration as weights over BINS: one bin, or two halves near a bound (7 days is as
    much 'days' as 'weeks')."""
    weights = np.zeros(len(BINS))
    weights[BINS.index(duration_bin(days))] = 1.0
    for b, bound in enumerate(BOUNDS_DAYS):
        if days > 0 and abs(np.log(days / bound)) <= np.log(1 + BLUR):
            weights[:] = 0.0
            weights[b], weights[b + 1] = 0.5, 0.5
    return weights


def course_factors(typical: list[str], mismatch: float) -> np.ndarray:
    """The likelihood factor of each bin for a disease with these typical bins: 1 in them, `mismatch`
    far from them, its square root next to one."""
    chosen = np.asarray([b in typical for b in BINS])
    near = np.zeros(len(BINS), bool)
    for i in np.flatnonzero(chosen):
        near[max(i - 1, 0) : i + 2] = True
    return np.where(chosen, 1.0, np.where(near, np.sqrt(mismatch), mismatch))


@dataclass(frozen=True)
class CourseTable:
    """The duration likelihood factor per disease and bin (rows of 1 where no course is stated)."""

    factors: np.ndarray  # diseases x BINS

    @classmethod
    def from_info(cls, disease_info: list[dict], mismatch: float) -> CourseTable:
        """The factors of every disease from its stated course (`dx:typicalDuration`), if any."""
        table = np.ones((len(disease_info), len(BINS)))
        for row, info in enumerate(disease_info):
            typical = [b for b in info.get("course", []) if b in BINS]
            if typical:
                table[row] = course_factors(typical, mismatch)
        return cls(table)

    def log_ratio(self, days: float | None) -> np.ndarray:
        """log of each disease's factor for a complaint that has lasted `days` (0 for all when unknown)."""
        if days is None:
            return np.zeros(len(self.factors))
        return np.log(self.factors @ duration_bin_weights(days))
