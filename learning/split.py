"""Hold-out splits grouped by publication (or patient) so no group leaks between train and test."""

from __future__ import annotations

import hashlib

import pandas as pd


def group_of(row: pd.Series) -> str:
    return (
        row["publication"]
        if isinstance(row["publication"], str) and row["publication"]
        else row["patient_id"]
    )


def grouped_fold(groups: pd.Series, folds: int, salt: str = "dxgraph") -> pd.Series:
    """A stable fold number per group from a hash: the same publication always lands in the same fold."""
    return groups.map(lambda g: int(hashlib.sha256(f"{salt}:{g}".encode()).hexdigest(), 16) % folds)


def holdout(
    labelled: pd.DataFrame, validation_share: float = 0.2, salt: str = "dxgraph"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    folds = max(int(round(1 / validation_share)), 2)
    fold = grouped_fold(labelled.apply(group_of, axis=1), folds, salt)
    return labelled[fold != 0], labelled[fold == 0]
