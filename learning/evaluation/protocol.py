"""The evaluation protocol of issue 4.

- A train / validation / test hold-out, grouped (by publication, or by patient) so nothing leaks, and
  stratified at the group level (`learning/evaluation/split.py`).
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
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from inference.artifact import diagnoser_from_artifact
from inference.engine import Diagnoser
from inference.evaluation import Scores
from inference.params import ModelParams
from knowledge.kb import KnowledgeBase
from learning.evaluation.baseline import OneVsRestBaseline, ancestor_map
from learning.evaluation.cases import case_records, load_cases
from learning.evaluation.scoring import calibration_of, score_baseline, score_network
from learning.evaluation.split import GROUPINGS, PARTS, Split, random_group_split, stratified_group_split
from learning.evaluation.tuning import cross_validate, learning_grid, raw_params
from learning.learn import ancestor_table, fit
from learning.refine import LearningParams
from learning.store import Store

__all__ = ["ProtocolConfig", "ProtocolResult", "run_protocol"]


# ---- the whole protocol --------------------------------------------------------------------------------
@dataclass
class ProtocolConfig:
    """The settings of the evaluation protocol: split shares and grouping, cross-validation, grids and
    seed."""

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
    """Everything the protocol measured: the splits, cross-validation, the choices made, validation and test
    summaries and the per-disease table; what its report is written from."""

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
