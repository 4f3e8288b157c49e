"""The evaluation protocol of issue 4.

- A train / validation / test hold-out, grouped (by publication, or by patient) so nothing leaks, and
  stratified at the group level: each group is one sample (weighted by its cases) whose labels are its
  diseases, split with iterative stratification (Sechidis et al. 2011, `learning/stratify.py`); a repair pass
  then moves single small groups so that every disease with enough cases *and* at least as many groups as
  parts appears in every part. A disease whose cases all come from fewer groups than parts cannot be in
  all three without leaking; the split reports how many such diseases there are and how well the case
  proportions hold for the others.
- Grouped, stratified k-fold cross-validation on the training part chooses the learning hyperparameters
  (prior_pseudocount x equivalent_sample_size) by top-1.
- The learned network is refit on the training part; its top-1 probability is recalibrated on the
  validation part (the engine's Platt-style recalibration: logit of the top-1 probability and its log
  margin over the runner-up), as is the one-vs-rest baseline's (whose C is also chosen there).
  Everything is scored on the test part: top-k, MRR, precision / recall / F1 (micro and macro; the top-1
  disease is the predicted label), ECE and Brier, overall and for orphan, common and literature-absent
  diseases.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from inference.artifact import diagnoser_from_artifact
from inference.engine import Diagnoser, calibration_features
from inference.evaluation import NOT_RANKED, expected_calibration_error, fit_calibration, rank_of
from inference.evidence import SEVERITY_WEIGHT, Evidence, EvidenceError, make_evidence
from inference.params import ModelParams
from knowledge.kb import KnowledgeBase
from learning.baseline import OneVsRestBaseline, ancestor_map
from learning.learn import ancestor_table, fit
from learning.refine import LearningParams
from learning.store import Store
from learning.stratify import iterative_stratification

PARTS = ("train", "validation", "test")
TOP_K = (1, 3, 5, 10)
GROUPINGS = ("publication", "patient")


# ---- cases ---------------------------------------------------------------------------------------------
def load_cases(store: Store) -> pd.DataFrame:
    """One row per diagnosed encounter: ids, publication, age, sex, diseases (tuple), present findings as
    (term, severity) pairs and absent terms."""
    rows = store.connection.execute(
        """WITH dx AS (SELECT encounter_id, list(DISTINCT disease_id ORDER BY disease_id) AS diseases
                       FROM diagnoses GROUP BY 1),
                fx AS (SELECT encounter_id,
                              list({'term': term_id, 'severity': severity}) FILTER (WHERE status = 'present')
                                  AS present,
                              list(term_id) FILTER (WHERE status = 'absent') AS absent
                       FROM findings GROUP BY 1)
           SELECT e.encounter_id, e.patient_id, e.publication, e.age_years, p.sex, dx.diseases,
                  fx.present, fx.absent
           FROM encounters e JOIN dx USING (encounter_id)
           LEFT JOIN patients p USING (patient_id) LEFT JOIN fx USING (encounter_id)
           ORDER BY 1"""
    ).fetchall()
    columns = [
        "encounter_id",
        "patient_id",
        "publication",
        "age_years",
        "sex",
        "diseases",
        "present",
        "absent",
    ]
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    frame["diseases"] = [tuple(d) for d in frame["diseases"]]
    frame["present"] = [[(f["term"], f["severity"]) for f in p or []] for p in frame["present"]]
    frame["absent"] = [list(a or []) for a in frame["absent"]]
    return frame


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


def case_records(cases: pd.DataFrame) -> list[dict]:
    """Plain records (present, absent, age_years, sex) for the baseline."""
    return [
        {"present": r.present, "absent": r.absent, "age_years": _age(r.age_years), "sex": _sex(r.sex)}
        for r in cases.itertuples()
    ]


def _age(value: object) -> float | None:
    if isinstance(value, (int, float)) and np.isfinite(value) and 0 <= value <= 130:
        return float(value)
    return None


def _sex(value: object) -> str | None:
    return value.lower() if isinstance(value, str) and value.lower() in ("female", "male") else None


# ---- split ---------------------------------------------------------------------------------------------
@dataclass
class Split:
    """part per case (aligned with the cases frame), group per case, and how well the split holds."""

    part: np.ndarray
    group: pd.Series
    quality: dict

    def frame(self, cases: pd.DataFrame, name: str) -> pd.DataFrame:
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
    cases: pd.DataFrame,
    shares: Sequence[float] = (0.6, 0.2, 0.2),
    group_by: str = "publication",
    min_cases: int = 3,
    seed: int = 0,
) -> Split:
    """The unstratified reference: groups in random order, cut at the target case shares."""
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


# ---- metrics -------------------------------------------------------------------------------------------
def rank_summary(ranks: np.ndarray, ks: Iterable[int] = TOP_K) -> dict:
    """top-k accuracies and mean reciprocal rank (NOT_RANKED counts as a miss)."""
    ranks = np.asarray(ranks)
    if not len(ranks):
        return {"cases": 0, **{f"top{k}": float("nan") for k in ks}, "mrr": float("nan")}
    result: dict = {"cases": int(len(ranks))}
    for k in ks:
        result[f"top{k}"] = float((ranks <= k).mean())
    result["mrr"] = float(np.where(ranks < NOT_RANKED, 1.0 / np.maximum(ranks, 1), 0.0).mean())
    return result


def classification_metrics(truths: Sequence[Iterable[str]], predicted: Sequence[str]) -> dict:
    """Precision, recall and F1 with the top-1 disease as the predicted label. Micro: pooled over all
    labels (a wrong prediction is a false positive of the predicted disease and a false negative of the
    true one). Macro: the mean over the diseases that occur in the truth (scikit-learn's
    ``labels=`` convention, zero when undefined)."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    truth_labels: set[str] = set()
    for truth, guess in zip(truths, predicted, strict=True):
        truth_set = set(truth)
        truth_labels |= truth_set
        if guess and guess in truth_set:
            tp[guess] += 1
        elif guess:
            fp[guess] += 1
        for label in truth_set - {guess}:
            fn[label] += 1
    s_tp, s_fp, s_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    micro_p = s_tp / (s_tp + s_fp) if s_tp + s_fp else 0.0
    micro_r = s_tp / (s_tp + s_fn) if s_tp + s_fn else 0.0
    precision, recall, f1 = [], [], []
    for label in sorted(truth_labels):
        p = tp[label] / (tp[label] + fp[label]) if tp[label] + fp[label] else 0.0
        r = tp[label] / (tp[label] + fn[label]) if tp[label] + fn[label] else 0.0
        precision.append(p)
        recall.append(r)
        f1.append(2 * p * r / (p + r) if p + r else 0.0)
    return {
        "micro_precision": micro_p,
        "micro_recall": micro_r,
        "micro_f1": 2 * micro_p * micro_r / (micro_p + micro_r) if micro_p + micro_r else 0.0,
        "macro_precision": float(np.mean(precision)) if precision else 0.0,
        "macro_recall": float(np.mean(recall)) if recall else 0.0,
        "macro_f1": float(np.mean(f1)) if f1 else 0.0,
    }


IDENTITY = (1.0, 0.0, 0.0)  # (slope, margin, intercept): no recalibration


def calibration_of(params: ModelParams) -> tuple[float, float, float]:
    return (params.calibration_slope, params.calibration_margin, params.calibration_intercept)


def recalibrate_top1(
    top1: np.ndarray, second: np.ndarray, calibration: tuple[float, float, float]
) -> np.ndarray:
    """The engine's recalibration: p' = sigmoid(slope * logit(p1) + margin * log(p1 / p2) + intercept) for
    0 < p1 < 1 (inference/engine.py Diagnoser.recalibrate; a test checks they agree)."""
    p1 = np.asarray(top1, dtype=float)
    if tuple(calibration) == IDENTITY:
        return p1
    slope, margin, intercept = calibration
    safe = np.clip(p1, 1e-300, 1 - 1e-16)
    z = (
        slope * (np.log(safe) - np.log1p(-safe))
        + margin * (np.log(safe) - np.log(np.maximum(second, 1e-300)))
        + intercept
    )
    return np.where((p1 > 0) & (p1 < 1), 1.0 / (1.0 + np.exp(-z)), p1)


@dataclass
class Scores:
    """One model on one set of cases. Probabilities are before the top-1 recalibration, which
    ``calibrated()`` applies exactly as the engine does (the top-1 probability is Platt-rescaled, the
    others keep their proportions; ranks do not change)."""

    model: str
    encounter_ids: list[str]
    truths: list[tuple[str, ...]]
    ranks: np.ndarray  # best rank of a true disease (NOT_RANKED when the model cannot name it)
    predicted: list[str]  # the top-1 disease ("" when none)
    top1_raw: np.ndarray
    second_raw: np.ndarray  # the runner-up's probability
    true_raw: np.ndarray  # probability of the best-ranked true disease
    sumsq_raw: np.ndarray  # sum of squared probabilities over all outcomes (for the Brier score)
    calibration: tuple[float, float, float] = IDENTITY

    def calibrated(self) -> tuple[np.ndarray, np.ndarray]:
        """(top-1 probability, multi-class Brier score) per case after recalibration."""
        p = self.top1_raw
        q = recalibrate_top1(p, self.second_raw, self.calibration)
        scale = np.where(p < 1, (1 - q) / np.maximum(1 - p, 1e-300), 1.0)
        true = np.where(self.ranks == 1, q, scale * self.true_raw)
        sumsq = q**2 + scale**2 * np.maximum(self.sumsq_raw - p**2, 0.0)
        return q, sumsq + 1.0 - 2.0 * true

    def subset(self, mask: np.ndarray) -> Scores:
        index = np.flatnonzero(mask)
        return replace(
            self,
            encounter_ids=[self.encounter_ids[i] for i in index],
            truths=[self.truths[i] for i in index],
            ranks=self.ranks[index],
            predicted=[self.predicted[i] for i in index],
            top1_raw=self.top1_raw[index],
            second_raw=self.second_raw[index],
            true_raw=self.true_raw[index],
            sumsq_raw=self.sumsq_raw[index],
        )

    def fit_calibration(self) -> tuple[float, float, float]:
        """(slope, margin, intercept) fitted on these cases as the engine's recalibration (use the
        validation part)."""
        return fit_calibration(self.top1_raw, self.second_raw, self.ranks == 1)

    def summary(self) -> dict:
        if not len(self.ranks):
            return {"cases": 0}
        top1, brier = self.calibrated()
        result = rank_summary(self.ranks)
        result["diseases"] = len({d for t in self.truths for d in t})
        result.update(classification_metrics(self.truths, self.predicted))
        result["ece"] = expected_calibration_error(top1, self.ranks == 1)
        result["brier"] = float(brier.mean())
        result["mean_top1_probability"] = float(top1.mean())
        return result


def score_network(
    diagnoser: Diagnoser,
    cases: pd.DataFrame,
    name: str,
    sources: tuple[str, ...] | None = None,
    calibration: tuple[float, float, float] = IDENTITY,
    progress: bool = False,
) -> Scores:
    """Rank the true diseases with a Diagnoser built with identity calibration (see ``raw_params``)."""
    from tqdm import tqdm

    kb = diagnoser.kb
    index = kb.disease_index
    ranks, predicted, top1, second, true, sumsq = [], [], [], [], [], []
    for row in tqdm(list(cases.itertuples()), desc=name, unit="case", disable=not progress, leave=False):
        evidence = _evidence(kb, row)
        diagnosis = diagnoser.diagnose(evidence, top=1, sources=sources)
        log_post = diagnosis.log_posterior
        posterior = np.exp(log_post)
        best = int(np.argmax(log_post))
        has_top = bool(np.isfinite(log_post[best]))
        predicted.append(kb.disease_ids[best] if has_top else "")
        p1, p2 = calibration_features(log_post)
        top1.append(p1 if has_top else 0.0)
        second.append(p2)
        sumsq.append(float((posterior**2).sum() + diagnosis.other_probability**2))
        rank, p_true = NOT_RANKED, 0.0
        for disease in row.diseases:
            position = index.get(disease)
            if position is None or not np.isfinite(log_post[position]):
                continue
            r = rank_of(log_post, position)
            if r < rank:
                rank, p_true = r, float(posterior[position])
        ranks.append(rank)
        true.append(p_true)
    return Scores(
        name,
        cases["encounter_id"].tolist(),
        list(cases["diseases"]),
        np.asarray(ranks, dtype=int),
        predicted,
        np.asarray(top1),
        np.asarray(second),
        np.asarray(true),
        np.asarray(sumsq),
        calibration,
    )


def _evidence(kb: KnowledgeBase, row: Any) -> Evidence:
    """The engine's evidence for a stored case (unknown terms dropped; a term both present and absent
    after alt-id resolution counts as present)."""
    present = [(t, s if s in SEVERITY_WEIGHT else None) for t, s in row.present]
    observed = {t for t, _ in present}
    absent = [t for t in row.absent if t not in observed]
    options = {
        "age_years": _age(row.age_years),
        "sex": _sex(row.sex),
        "context": "rare-disease-clinic",
        "strict": False,
    }
    try:
        return make_evidence(kb, present, absent, **options)
    except EvidenceError:
        resolved = {kb.resolve_term(t)[0] for t in observed}
        return make_evidence(
            kb, present, [t for t in absent if kb.resolve_term(t)[0] not in resolved], **options
        )


def score_baseline(
    model: OneVsRestBaseline,
    cases: pd.DataFrame,
    name: str,
    calibration: tuple[float, float, float] = IDENTITY,
) -> Scores:
    """Rank with the baseline's one-vs-rest probabilities, normalised to sum to 1 over its classes."""
    proba = model.predict_proba(case_records(cases)) if len(cases) else np.zeros((0, len(model.classes_)))
    totals = proba.sum(axis=1, keepdims=True)
    proba = np.where(totals > 0, proba / np.where(totals > 0, totals, 1), 1.0 / max(proba.shape[1], 1))
    column = {d: i for i, d in enumerate(model.classes_)}
    best = np.argmax(proba, axis=1) if len(proba) else np.zeros(0, dtype=int)
    ranks, true = [], []
    for row, labels in enumerate(cases["diseases"]):
        rank, p_true = NOT_RANKED, 0.0
        for disease in labels:
            if disease in column:
                p = proba[row, column[disease]]
                r = rank_of(proba[row], column[disease])
                if r < rank:
                    rank, p_true = r, float(p)
        ranks.append(rank)
        true.append(p_true)
    return Scores(
        name,
        cases["encounter_id"].tolist(),
        list(cases["diseases"]),
        np.asarray(ranks, dtype=int),
        [str(model.classes_[b]) for b in best],
        proba[np.arange(len(proba)), best] if len(proba) else np.zeros(0),
        np.sort(proba, axis=1)[:, -2] if proba.shape[1] >= 2 else np.zeros(len(proba)),
        np.asarray(true),
        (proba**2).sum(axis=1),
        calibration,
    )


# ---- hyperparameters -------------------------------------------------------------------------------------
def raw_params(params: ModelParams) -> ModelParams:
    """The same model without the top-1 recalibration (applied afterwards by Scores)."""
    slope, margin, intercept = IDENTITY
    return replace(
        params, calibration_slope=slope, calibration_margin=margin, calibration_intercept=intercept
    )


def learning_grid(
    prior_pseudocount: Sequence[float] = (1.0, 3.0, 10.0, 50.0, 200.0),
    equivalent_sample_size: Sequence[float] = (2.0, 10.0),
) -> list[LearningParams]:
    """The default CV grid (equivalent_sample_size between 2 and 10 barely moved top-1 on the dev cases;
    prior_pseudocount did)."""
    return [
        LearningParams(prior_pseudocount=a, equivalent_sample_size=e)
        for a in prior_pseudocount
        for e in equivalent_sample_size
    ]


def cross_validate(
    store: Store,
    kb: KnowledgeBase,
    train: pd.DataFrame,
    grid: Sequence[LearningParams],
    folds: int = 3,
    group_by: str = "publication",
    seed: int = 0,
    model_params: ModelParams | None = None,
    sources: tuple[str, ...] | None = None,
    ancestors: pd.DataFrame | None = None,
    log: Callable[[str], None] | None = None,
) -> tuple[LearningParams, list[dict]]:
    """Grouped stratified k-fold CV on the training part; returns the best params (top-1, then MRR)."""
    model_params = raw_params(model_params or ModelParams())
    ancestors = ancestor_table(kb) if ancestors is None else ancestors
    fold = stratified_group_folds(train, folds, group_by, seed + 1)
    table = []
    for params in grid:
        started = time.perf_counter()
        ranks = np.full(len(train), NOT_RANKED)
        per_fold = []
        for f in range(folds):
            held = fold == f
            artifact = fit(
                store, kb, model_params, params, train["encounter_id"][~held].tolist(), f"cv-{f}", ancestors
            )
            scores = score_network(diagnoser_from_artifact(kb, artifact), train[held], "cv", sources)
            ranks[held] = scores.ranks
            per_fold.append(float((scores.ranks == 1).mean()) if held.any() else float("nan"))
        row = {**asdict(params), **rank_summary(ranks), "top1_per_fold": per_fold}
        row["seconds"] = time.perf_counter() - started
        table.append(row)
        if log:
            log(
                f"CV prior_pseudocount={params.prior_pseudocount:g} "
                f"equivalent_sample_size={params.equivalent_sample_size:g}: top-1 {row['top1']:.3f} "
                f"MRR {row['mrr']:.3f} ({row['seconds']:.0f} s)"
            )
    best = max(range(len(grid)), key=lambda i: (table[i]["top1"], table[i]["mrr"]))
    return grid[best], table


# ---- the whole protocol --------------------------------------------------------------------------------
@dataclass
class ProtocolConfig:
    shares: tuple[float, float, float] = (0.6, 0.2, 0.2)
    group_by: str = "publication"
    min_cases: int = 3
    folds: int = 3
    grid: list[LearningParams] = field(default_factory=learning_grid)
    baseline_c: tuple[float, ...] = (0.1, 1.0, 10.0)
    baseline_min_cases: int = 2
    baseline_jobs: int | None = None  # joblib workers for the one-vs-rest fits
    seed: int = 0
    sources: tuple[str, ...] | None = None  # candidate sources; None: the sources the labels are coded in
    model_params: ModelParams = field(default_factory=ModelParams)


@dataclass
class ProtocolResult:
    config: dict
    split: dict
    alternative_split: dict  # the same split grouped the other way, for comparison
    random_split: dict  # an unstratified grouped split, for comparison
    cv: list[dict]
    chosen: dict
    validation: dict  # model -> summary on the validation part
    test: dict  # slice -> model -> summary on the test part
    per_disease: list[dict]  # rare (orphan) diseases of the test part, one row each
    test_scores: dict[str, Scores]  # model -> per-case scores on the test part (for plots)
    timings: dict
    notes: list[str]


def case_slices(kb: KnowledgeBase, cases: pd.DataFrame, trained: set[str]) -> dict[str, np.ndarray]:
    """Masks over cases by their (first) true disease: orphan / common / absent from the literature..."""
    index = kb.disease_index
    first = [labels[0] if labels else "" for labels in cases["diseases"]]
    in_kb = np.asarray([d in index for d in first])
    orphan = np.asarray([d not in index or bool(kb.disease_orphan[index[d]]) for d in first])
    references: dict[int, set[str]] = {}
    for disease, refs in zip(kb.link_disease.tolist(), kb.link_refs, strict=True):
        references.setdefault(disease, set()).update(refs.split(";"))
    publication = cases["publication"].fillna("").astype(str).tolist()
    cited = np.asarray(
        [
            bool(p) and p in references.get(index.get(d, -1), ())
            for d, p in zip(first, publication, strict=True)
        ]
    )
    seen = np.asarray([d in trained for d in first])
    return {
        "all": np.ones(len(cases), dtype=bool),
        "orphan": orphan,
        "common": ~orphan,
        "in_literature": in_kb,
        "absent_from_literature": ~in_kb,
        "absent_from_literature_seen_in_training": ~in_kb & seen,
        "seen_in_training": seen,
        "unseen_in_training": ~seen,
        "publication_cited_by_hpo": cited,
        "publication_not_cited": ~cited,
    }


def run_protocol(
    store: Store,
    kb: KnowledgeBase,
    config: ProtocolConfig | None = None,
    log: Callable[[str], None] | None = None,
    progress: bool = False,
) -> ProtocolResult:
    """Split, cross-validate, fit, calibrate on validation, score all models on the test part."""
    config = config or ProtocolConfig()
    say = log or (lambda message: None)
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    cases = load_cases(store)
    if cases.empty:
        raise ValueError("the store has no diagnosed encounters; ingest cases first")
    split = stratified_group_split(cases, config.shares, config.group_by, config.min_cases, config.seed)
    other = GROUPINGS[1 - GROUPINGS.index(config.group_by)]
    alternative = stratified_group_split(cases, config.shares, other, config.min_cases, config.seed).quality
    alternative["group_by"] = other
    unstratified = random_group_split(cases, config.shares, config.group_by, config.min_cases, config.seed)
    train, validation, test = (split.frame(cases, name) for name in PARTS)
    sources = config.sources or tuple(
        sorted({d.split(":")[0] for labels in cases["diseases"] for d in labels if ":" in d})
    )
    quality = split.quality
    say(
        f"{len(cases)} cases, {split.group.nunique()} {config.group_by} groups: train {len(train)}, "
        f"validation {len(validation)}, test {len(test)}; {quality['feasible_in_all_parts']}/"
        f"{quality['diseases_min_cases_feasible']} stratifiable diseases in all parts "
        f"({quality['infeasible_too_few_groups']} with >= {config.min_cases} cases but too few groups)"
    )
    timings["split_s"] = time.perf_counter() - clock

    clock = time.perf_counter()
    ancestors = ancestor_table(kb)
    chosen, cv_table = cross_validate(
        store,
        kb,
        train,
        config.grid,
        config.folds,
        config.group_by,
        config.seed,
        config.model_params,
        sources,
        ancestors,
        say,
    )
    timings["cross_validation_s"] = time.perf_counter() - clock

    clock = time.perf_counter()
    params = raw_params(config.model_params)
    artifact = fit(store, kb, params, chosen, train["encounter_id"].tolist(), "protocol", ancestors)
    learned = diagnoser_from_artifact(kb, artifact)
    learned_val = score_network(learned, validation, "learned network", sources, progress=progress)
    learned_cal = learned_val.fit_calibration()
    learned_val.calibration = learned_cal
    literature = Diagnoser(kb, params)
    literature_cal = calibration_of(config.model_params)
    literature_val = score_network(literature, validation, "literature", sources, literature_cal, progress)
    test_scores = {
        "literature-only network": score_network(
            literature, test, "literature", sources, literature_cal, progress
        ),
        "learned network": score_network(learned, test, "learned network", sources, learned_cal, progress),
    }
    timings["networks_s"] = time.perf_counter() - clock

    clock = time.perf_counter()
    ancestors_map = ancestor_map(kb)
    train_records, train_labels = case_records(train), list(train["diseases"])
    best_baseline, best_val, baseline_rows = None, None, []
    for c in config.baseline_c:
        started = time.perf_counter()
        model = OneVsRestBaseline(
            ancestors_map,
            C=c,
            min_cases=config.baseline_min_cases,
            n_jobs=config.baseline_jobs,
            random_state=config.seed,
        ).fit(train_records, train_labels)
        scores = score_baseline(model, validation, "baseline")
        row = {
            "C": c,
            "validation_top1": float((scores.ranks == 1).mean()),
            "fit_s": time.perf_counter() - started,
        }
        baseline_rows.append(row)
        say(f"baseline C={c:g}: validation top-1 {row['validation_top1']:.3f} ({row['fit_s']:.0f} s)")
        if best_val is None or row["validation_top1"] > (best_val.ranks == 1).mean():
            best_baseline, best_val = model, scores
    assert best_baseline is not None and best_val is not None
    baseline_cal = best_val.fit_calibration()
    best_val.calibration = baseline_cal
    test_scores["baseline (one-vs-rest LR)"] = score_baseline(best_baseline, test, "baseline", baseline_cal)
    timings["baseline_s"] = time.perf_counter() - clock

    trained = {d for labels in train["diseases"] for d in labels}
    slices = case_slices(kb, test, trained)
    summaries = {
        name: {model: s.subset(mask).summary() for model, s in test_scores.items()}
        for name, mask in slices.items()
    }
    validation_summaries = {
        "literature-only network": literature_val.summary(),
        "learned network": learned_val.summary(),
        "baseline (one-vs-rest LR)": best_val.summary(),
    }
    per_disease = per_disease_table(kb, cases, split, test_scores, store)
    notes = [
        f"candidates restricted to the sources the labels are coded in: {', '.join(sources)}",
        f"baseline classes: the {len(best_baseline.classes_)} diseases with >= {config.baseline_min_cases} "
        f"training cases; test cases of other diseases count as misses for it",
        "literature-only network: its shipped top-1 recalibration (ModelParams, fitted earlier on grouped "
        "folds of the dev cases); learned network and baseline: the same recalibration (logit of the top-1 "
        "probability and log margin over the runner-up) fitted on the validation part",
        "macro precision / recall / F1: mean over the diseases occurring in the part's truth",
    ]
    if not slices["common"].any():
        notes.append("no test case has a common (non-orphan) disease: the 'common' figures are empty")
    config_dict = {
        **{k: v for k, v in asdict(config).items() if k not in ("grid", "model_params")},
        "grid": [asdict(g) for g in config.grid],
        "sources": list(sources),
    }
    return ProtocolResult(
        config_dict,
        quality,
        alternative,
        unstratified.quality,
        cv_table,
        {
            "learning_params": asdict(chosen),
            "baseline": baseline_rows,
            "learned_calibration": learned_cal,
            "baseline_calibration": baseline_cal,
            "literature_calibration": literature_cal,
            "baseline_classes": len(best_baseline.classes_),
            "baseline_training_rows": best_baseline.training_rows_,
        },
        validation_summaries,
        summaries,
        per_disease,
        test_scores,
        timings,
        notes,
    )


def per_disease_table(
    kb: KnowledgeBase, cases: pd.DataFrame, split: Split, test_scores: dict[str, Scores], store: Store
) -> list[dict]:
    """One row per orphan (or literature-absent) disease of the test part: cases per part, top-1/top-10."""
    index = kb.disease_index
    labels = dict(
        store.connection.execute("SELECT disease_id, any_value(label) FROM diagnoses GROUP BY 1").fetchall()
    )
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for diseases, p in zip(cases["diseases"], split.part, strict=True):
        for d in diseases:
            counts[d][p] += 1
    by_disease: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for model, scores in test_scores.items():
        for truth, rank in zip(scores.truths, scores.ranks.tolist(), strict=True):
            if truth:
                by_disease[truth[0]][model].append(rank)
    rows = []
    for disease, models in by_disease.items():
        position = index.get(disease)
        if position is not None and not kb.disease_orphan[position]:
            continue
        row = {
            "disease_id": disease,
            "label": labels.get(disease) or (kb.disease_names[position] if position is not None else disease),
            "in_literature": position is not None,
            "train_cases": counts[disease][0],
            "validation_cases": counts[disease][1],
            "test_cases": counts[disease][2],
        }
        for model, ranks in models.items():
            r = np.asarray(ranks)
            row[f"{model} top1"] = float((r <= 1).mean())
            row[f"{model} top10"] = float((r <= 10).mean())
        rows.append(row)
    return sorted(rows, key=lambda r: (-r["test_cases"], r["disease_id"]))
