"""Hold-out splits grouped by publication (or patient) so no group leaks between train and test.

The gate's hold-out hashes each group to a fold. The protocol's train / validation / test split is also
stratified at the group level: each group is one sample (weighted by its cases) whose labels are its
diseases, split with iterative stratification (Sechidis et al. 2011, `learning/evaluation/stratify.py`);
a repair pass then moves single small groups so that every disease with enough cases *and* at least as
many groups as parts appears in every part. A disease whose cases all come from fewer groups than parts
cannot be in all three without leaking; the split reports how many such diseases there are and how well
the case proportions hold for the others.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from learning.evaluation.stratify import iterative_stratification

__all__ = [
    "GROUPINGS",
    "PARTS",
    "Split",
    "group_keys",
    "grouped_fold",
    "holdout",
    "random_group_split",
    "stratified_group_folds",
    "stratified_group_split",
]

GROUPINGS = ("publication", "patient")
PARTS = ("train", "validation", "test")


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
    """The promotion gate's grouped hold-out: about validation_share of the groups (publications or patients)
    chosen by hash, so the split is the same on every run.

    Returns
    -------
    tuple
        (training part, validation part) of labelled.
    """
    folds = max(int(round(1 / validation_share)), 2)
    # hashed on the bare publication / patient id, as the gate always has (its split stays the same)
    fold = grouped_fold(group_keys(labelled).str.split(":", n=1).str[1], folds, salt)
    return labelled[fold != 0], labelled[fold == 0]


@dataclass
class Split:
    """part per case (aligned with the cases frame), group per case, and how well the split holds."""

    part: np.ndarray
    group: pd.Series
    quality: dict

    def frame(self, cases: pd.DataFrame, name: str) -> pd.DataFrame:
        """The rows of cases in one part of the split (one of PARTS)."""
        return cases[self.part == PARTS.index(name)]


def _assign_groups(
    diseases: Sequence[tuple[str, ...]],
    groups: pd.Series,
    shares: Sequence[float],
    min_cases: int,
    seed: int,
) -> np.ndarray:
    """Returns the part of every case. Groups are the samples, weighted by their cases; their labels are
    the diseases with >= min_cases cases in >= 2 groups (a disease of a single group has nothing to
    spread); groups without such a disease fill the parts toward the target case shares. Then the repair
    pass."""
    group_ids, case_group = np.unique(groups.to_numpy(dtype=str), return_inverse=True)
    cases_per_disease = Counter(d for labels in diseases for d in labels)
    groups_per_disease: dict[str, set[int]] = defaultdict(set)
    for g, case_labels in zip(case_group, diseases, strict=True):
        for d in case_labels:
            groups_per_disease[d].add(int(g))
    eligible = sorted(
        d for d, n in cases_per_disease.items() if n >= min_cases and len(groups_per_disease[d]) >= 2
    )
    labels = np.zeros((len(group_ids), len(eligible)), dtype=bool)
    for column, d in enumerate(eligible):
        labels[list(groups_per_disease[d]), column] = True
    sizes = np.bincount(case_group, minlength=len(group_ids))
    assignment = iterative_stratification(labels, shares, sizes, seed)
    _repair(assignment, labels, sizes, len(shares))
    return assignment[case_group]


def _repair(assignment: np.ndarray, labels: np.ndarray, sizes: np.ndarray, parts: int) -> int:
    """Move single groups (the smallest safe one) into parts that miss a disease that has at least
    `parts` groups; a move never empties another such disease from the part it leaves. Returns moves."""
    feasible = labels.sum(axis=0) >= parts
    counts = np.stack([labels[assignment == p].sum(axis=0) for p in range(parts)]).astype(int)
    moves = 0
    for _ in range(5):
        changed = False
        for label in np.flatnonzero(feasible)[np.argsort(labels.sum(axis=0)[feasible], kind="stable")]:
            for part in range(parts):
                if counts[part, label] > 0:
                    continue
                best = None
                for g in np.flatnonzero(labels[:, label]):
                    source = assignment[g]
                    if counts[source, label] < 2:
                        continue
                    others = np.flatnonzero(labels[g] & feasible)
                    if (counts[source, others] < 2).any():
                        continue
                    if best is None or sizes[g] < sizes[best]:
                        best = g
                if best is None:
                    continue
                counts[assignment[best]] -= labels[best]
                assignment[best] = part
                counts[part] += labels[best]
                moves += 1
                changed = True
        if not changed:
            break
    return moves


def stratified_group_split(
    cases: pd.DataFrame,
    shares: Sequence[float] = (0.6, 0.2, 0.2),
    group_by: str = "publication",
    min_cases: int = 3,
    seed: int = 0,
) -> Split:
    """Train / validation / test, grouped and stratified (see the module docstring)."""
    if len(shares) != len(PARTS) or abs(sum(shares) - 1) > 1e-9:
        raise ValueError("shares must be three fractions summing to 1")
    groups = group_keys(cases, group_by)
    part = _assign_groups(list(cases["diseases"]), groups, shares, min_cases, seed)
    quality = split_quality(cases, part, groups, shares, min_cases)
    quality["group_by"] = group_by
    return Split(part, groups, quality)


def random_group_split(
    cases: pd.DataFrame, shares: Sequence[float], group_by: str, min_cases: int, seed: int
) -> Split:
    """The unstratified reference the protocol compares the split with (same settings, passed by the
    protocol): groups in random order, cut at the target case shares."""
    groups = group_keys(cases, group_by)
    group_ids, case_group = np.unique(groups.to_numpy(dtype=str), return_inverse=True)
    sizes = np.bincount(case_group, minlength=len(group_ids))
    order = np.random.RandomState(seed).permutation(len(group_ids))
    cumulative = np.cumsum(sizes[order]) / sizes.sum()
    assignment = np.empty(len(group_ids), dtype=int)
    assignment[order] = np.searchsorted(np.cumsum(shares)[:-1], cumulative - 1e-12, side="right")
    part = assignment[case_group]
    quality = split_quality(cases, part, groups, shares, min_cases)
    quality["group_by"] = f"{group_by}, random (not stratified)"
    return Split(part, groups, quality)


def stratified_group_folds(
    cases: pd.DataFrame, folds: int = 3, group_by: str = "publication", seed: int = 0
) -> np.ndarray:
    """A fold number per case for grouped cross-validation, stratified like the split."""
    groups = group_keys(cases, group_by)
    return _assign_groups(list(cases["diseases"]), groups, [1 / folds] * folds, 2, seed)


def split_quality(
    cases: pd.DataFrame, part: np.ndarray, groups: pd.Series, shares: Sequence[float], min_cases: int = 3
) -> dict:
    """Sizes, leakage checks, coverage of diseases with >= min_cases cases, and case-proportion errors."""
    n_parts = len(shares)
    parts: dict[str, dict] = {}
    for p, name in enumerate(PARTS[:n_parts]):
        members = part == p
        parts[name] = {
            "cases": int(members.sum()),
            "groups": int(groups[members].nunique()),
            "share": float(members.mean()) if len(part) else 0.0,
        }
    publication = cases["publication"].fillna("").astype(str).to_numpy()
    leaks = {
        name: _keys_in_several_parts(keys, part, mask)
        for name, keys, mask in (
            ("groups", groups.to_numpy(dtype=str), None),
            ("patients", cases["patient_id"].astype(str).to_numpy(), None),
            ("publications", publication, publication != ""),
        )
    }
    per_disease_cases: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(n_parts, dtype=int))
    per_disease_groups: dict[str, set] = defaultdict(set)
    for labels, p, g in zip(cases["diseases"], part, groups, strict=True):
        for d in labels:
            per_disease_cases[d][p] += 1
            per_disease_groups[d].add(g)
    eligible = [d for d, c in per_disease_cases.items() if c.sum() >= min_cases]
    feasible = [d for d in eligible if len(per_disease_groups[d]) >= n_parts]
    in_all = [d for d in eligible if (per_disease_cases[d] > 0).all()]
    target = np.asarray(shares, dtype=float)
    deviation = (
        np.asarray([np.abs(per_disease_cases[d] / per_disease_cases[d].sum() - target) for d in feasible])
        if feasible
        else np.zeros((0, n_parts))
    )
    train_share = np.asarray([per_disease_cases[d][0] / per_disease_cases[d].sum() for d in feasible])
    return {
        "shares_target": list(map(float, shares)),
        "parts": parts,
        "leaks": leaks,
        "min_cases": min_cases,
        "diseases": len(per_disease_cases),
        "diseases_min_cases": len(eligible),
        "diseases_min_cases_feasible": len(feasible),
        "diseases_min_cases_in_all_parts": len(in_all),
        "feasible_in_all_parts": sum(1 for d in feasible if (per_disease_cases[d] > 0).all()),
        "infeasible_too_few_groups": len(eligible) - len(feasible),
        "mean_abs_share_error": {
            name: float(deviation[:, p].mean()) if len(deviation) else 0.0
            for p, name in enumerate(PARTS[:n_parts])
        },
        "feasible_case_shares": [
            [round(float(x), 4) for x in per_disease_cases[d] / per_disease_cases[d].sum()] for d in feasible
        ],
        "train_share_quartiles": (
            [float(q) for q in np.quantile(train_share, [0.25, 0.5, 0.75])] if len(train_share) else []
        ),
    }


def _keys_in_several_parts(keys: np.ndarray, part: np.ndarray, mask: np.ndarray | None) -> int:
    frame = pd.DataFrame({"key": keys, "part": part})
    if mask is not None:
        frame = frame[mask]
    return int((frame.groupby("key")["part"].nunique() > 1).sum())
