"""How the complaint started as evidence: suddenly (seconds to minutes) or gradually. Each curated disease
states the share of its patients whose complaint began suddenly (`dx:suddenShare`,
ontologies/onset_speed.ttl); against the share among consulting patients it gives the likelihood ratio of a
sudden or a gradual start.
A disease that states none (an HPO disease, or one that starts either way) is neutral."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ONSETS", "SUDDEN_IN_CONSULTATIONS", "OnsetTable", "complaint_onset_ratios"]

ONSETS = ("sudden", "gradual")
# the share of primary-care and emergency complaints that began within seconds to minutes (the curators'
# estimate; the ratios below are relative to it)
SUDDEN_IN_CONSULTATIONS = 0.15


def complaint_onset_ratios(
    sudden_share: float, baseline: float = SUDDEN_IN_CONSULTATIONS
) -> tuple[float, float]:
    """(sudden, gradual): P(this start | disease) / P(this start) for a disease whose complaint begins
    suddenly in `sudden_share` of its patients."""
    return sudden_share / baseline, (1.0 - sudden_share) / (1.0 - baseline)


@dataclass(frozen=True)
class OnsetTable:
    """log likelihood ratios per disease of a sudden and a gradual start (0 where none is stated)."""

    log_ratios: np.ndarray  # diseases x ONSETS

    @classmethod
    def from_info(cls, disease_info: list[dict]) -> OnsetTable:
        """The table of every curated disease's stated start (`dx:complaintOnset`, `dx:suddenShare`)."""
        table = np.zeros((len(disease_info), len(ONSETS)), dtype=np.float32)
        for row, info in enumerate(disease_info):
            share = info.get("sudden_share")
            if share is not None and info.get("complaint_onset") in ONSETS:
                table[row] = np.log(complaint_onset_ratios(float(share)))
        return cls(table)

    def log_ratio(self, onset: str | None) -> np.ndarray:
        """Each disease's log likelihood ratio for the complaint's start (0 for all when not stated)."""
        if onset not in ONSETS:
            return np.zeros(len(self.log_ratios))
        return self.log_ratios[:, ONSETS.index(onset)].astype(np.float64)
