"""The evaluation protocol of issue 4.

- A train / validation / test hold-out, grouped (by publication, or by patient) so nothing leaks, and
  stratified at the group level: each group is one sample (weighted by its cases) whose labels are its
  diseases, split with iterative stratification (Sechidis et al. 2011,
  `learning/evaluation/stratify.py`); a repair pass then moves single small groups so that every disease
  with enough cases *and* at least as many groups as parts appears in every part. A disease whose cases
  all come from fewer groups than parts cannot be in all three without leaking; the split reports how many
  such diseases there are and how well the case proportions hold for the others.
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
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace

import numpy as np
import pandas as pd

from inference.artifact import diagnoser_from_artifact
from inference.engine import Diagnoser
from inference.evaluation import (
    IDENTITY,
    NOT_RANKED,
    Scores,
    rank_of,
    rank_summary,
    score_cases,
)
from inference.params import ModelParams
from knowledge.kb import KnowledgeBase
from learning.evaluation.baseline import OneVsRestBaseline, ancestor_map
from learning.evaluation.cases import case_records, eval_cases, load_cases
from learning.evaluation.split import GROUPINGS, group_keys
from learning.evaluation.stratify import iterative_stratification
from learning.learn import ancestor_table, fit
from learning.refine import LearningParams
from learning.store import Store

PARTS = ("train", "validation", "test")


# ---- cases ---------------------------------------------------------------------------------------------
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
def calibration_of(params: ModelParams) -> tuple[float, float, float]:
    return (params.calibration_slope, params.calibration_margin, params.calibration_intercept)


def score_network(
    diagnoser: Diagnoser,
    cases: pd.DataFrame,
    name: str,
    sources: tuple[str, ...] | None = None,
    calibration: tuple[float, float, float] = IDENTITY,
    progress: bool = False,
) -> Scores:
    """Rank the true diseases of stored cases (the one evaluation loop, inference.evaluation.score_cases)."""
    return score_cases(diagnoser, eval_cases(diagnoser.kb, cases), name, sources, calibration, progress)


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
        np.zeros(len(cases)),
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
