"""Hold-out splits grouped by publication (or patient) so no group leaks between train and test."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

GROUPINGS = ("publication", "patient")


def group_keys(cases: pd.DataFrame, group_by: str = "publication") -> pd.Series:
    """The leakage unit of each case: its publication (patient when it has none), or its patient."""
    if group_by not in GROUPINGS:
        raise ValueError(f"group_by must be one of {', '.join(GROUPINGS)}, not {group_by!r}")
    patients = cases["patient_id"].astype(str)
    if group_by == "patient":
        return "patient:" + patients
    publication = cases["publication"]
    has = publication.map(lambda p: isinstance(p, str) and bool(p))
    return pd.Series(
        np.where(has, "publication:" + publication.astype(str), "patient:" + patients), index=cases.index
    )


def grouped_fold(groups: pd.Series, folds: int, salt: str = "dxgraph") -> pd.Series:
    """A stable fold number per group from a hash: the same publication always lands in the same fold."""
    return groups.map(lambda g: int(hashlib.sha256(f"{salt}:{g}".encode()).hexdigest(), 16) % folds)


def holdout(
    labelled: pd.DataFrame, validation_share: float = 0.2, salt: str = "dxgraph"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    folds = max(int(round(1 / validation_share)), 2)
    # hashed on the bare publication / patient id, as the gate always has (its split stays the same)
    fold = grouped_fold(group_keys(labelled).str.split(":", n=1).str[1], folds, salt)
    return labelled[fold != 0], labelled[fold == 0]
