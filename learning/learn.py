"""Learn a new model from the store: refine on a grouped training split, validate, refit on all, register."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import pandas as pd

from inference.artifact import ModelArtifact, diagnoser_from_artifact
from inference.engine import Diagnoser
from inference.evaluation import IDENTITY, TOP_K, Scores, rank_summary, score_cases, top_k_of
from inference.network import compile_network
from inference.params import ModelParams
from knowledge.kb import KnowledgeBase
from learning.counts import CountSource, count_source
from learning.evaluation.cases import eval_cases, load_cases, orphan_mask
from learning.evaluation.split import holdout
from learning.fit.learned import cross_fitted_scoring
from learning.ops import registry, tracking
from learning.ops.reference import training_reference
from learning.refine import LearningParams, refine
from learning.store import Store

__all__ = ["LearnResult", "ancestor_table", "evaluate_encounters", "fit", "learn", "refit_scoring"]

MIN_CALIBRATION_CASES = 200  # below this the literature model's calibration is kept
MIN_REFIT_CASES = 500  # below this the scoring parameters are kept (not refitted on learned networks)


@dataclass
class LearnResult:
    """A learning run's model, where it was saved, whether it was promoted and why."""

    artifact: ModelArtifact
    directory: Path
    promoted: bool
    reason: str


def ancestor_table(kb: KnowledgeBase) -> pd.DataFrame:
    """Every (term_id, ancestor_id) pair of the ontology, each term its own ancestor, for the counts' SQL."""
    terms, ancestors = [], []
    for index, closure in enumerate(kb.ancestor_sets):
        terms.extend([kb.term_ids[index]] * len(closure))
        ancestors.extend(kb.term_ids[a] for a in closure)
    return pd.DataFrame({"term_id": terms, "ancestor_id": ancestors})


def disease_labels(store: Store) -> dict[str, str]:
    rows = store.connection.execute(
        "SELECT disease_id, any_value(label) FROM diagnoses GROUP BY 1"
    ).fetchall()
    return {d: label or d for d, label in rows}


def fit(
    store: Store,
    kb: KnowledgeBase,
    model_params: ModelParams,
    learning_params: LearningParams,
    encounters: list[str] | None,
    version: str,
    ancestors: pd.DataFrame,
    counts: CountSource | None = None,
) -> ModelArtifact:
    """A model learned from the store's counts: the literature network refined with the cases.

    Parameters
    ----------
    store
        The store: the counts (unless `counts` is given) and the labels of diseases new to the KB.
    kb, model_params
        The knowledge base and the scoring parameters of the network refined.
    learning_params
        The refinement's settings (prior weights, minimum cases).
    encounters
        The encounters counted (the training part); None for all.
    version
        The new model's version name.
    ancestors
        The term -> ancestor table (`ancestor_table`).
    counts
        Where the counts are computed (DuckDB by default, or Spark).

    Returns
    -------
    ModelArtifact
        Link strengths, new diseases and prevalences of diseases that are not curated.
    """
    network = compile_network(kb, model_params)
    counts = counts or store
    refinement = refine(
        network,
        counts.case_counts(encounters),
        counts.present_counts(ancestors, encounters),
        disease_labels(store),
        learning_params,
    )
    prevalence = {
        d: model_params.rare_default_prevalence * m
        for d, m in refinement.prior_multiplier.items()
        if d not in kb.disease_index or kb.disease_source[kb.disease_index[d]] != "curated"
    }
    return ModelArtifact(
        version,
        kb.version,
        model_params,
        refinement.link_disease,
        refinement.link_term,
        refinement.link_strength,
        refinement.new_diseases,
        prevalence,
        {"cases_per_disease": len(refinement.cases_per_disease)},
    )


def refit_scoring(
    store: Store,
    kb: KnowledgeBase,
    model_params: ModelParams,
    learning_params: LearningParams,
    encounters: list[str],
    ancestors: pd.DataFrame,
    counts: CountSource | None = None,
) -> tuple[ModelParams, dict]:
    """The rare-clinic scoring parameters refitted on networks learned from `encounters` by cross-fitting
    (`learning.fit.learned`), with what the refit did; unchanged when off or with too few encounters."""
    parts = learning_params.scoring_refit_parts
    if parts < 2 or len(encounters) < MIN_REFIT_CASES:
        return model_params, {"parts": 0, "cases": len(encounters)}
    params, result = cross_fitted_scoring(
        store, kb, model_params, learning_params, encounters, ancestors, fit, folds=parts, counts=counts
    )
    values = {k: float(v) for k, v in result.values.items()}
    return params, {"parts": parts, "cases": len(encounters), "loss": float(result.loss), "values": values}


def evaluate_encounters(store: Store, diagnoser: Diagnoser, labelled: pd.DataFrame) -> tuple[dict, Scores]:
    """The gate's figures on stored encounters (the one evaluation loop): top-k overall and for orphan /
    common diseases, with the per-case scores (for the recalibration fit and the monitor's reference)."""
    cases = load_cases(store, labelled["encounter_id"].tolist())
    scores = score_cases(diagnoser, eval_cases(diagnoser.kb, cases), "gate", calibration=IDENTITY)
    metrics = rank_summary(scores.ranks)
    orphan = orphan_mask(diagnoser.kb, cases)
    metrics.update(top_k_of(scores, {"orphan": orphan, "common": ~orphan}, TOP_K))
    return metrics, scores


def learn(
    store: Store,
    kb: KnowledgeBase,
    models_dir: Path,
    model_params: ModelParams | None = None,
    learning_params: LearningParams | None = None,
    tolerance: float = 0.01,
    promote: bool = True,
    engine: str = "duckdb",
) -> LearnResult:
    """Validate on a publication-grouped hold-out, refit on everything, register, promote if not worse.
    The rare-clinic scoring parameters are refitted on the training part's learned networks (`refit_scoring`)
    and kept, with the validation's calibration, for the model learned from everything.
    engine: where the sufficient statistics are counted (duckdb, or spark for data past one machine)."""
    model_params = model_params or ModelParams()
    learning_params = learning_params or LearningParams()
    labelled = store.labelled_encounters()
    if labelled.empty:
        raise ValueError("the store has no labelled encounters; run `dxgraph ingest` first")
    ancestors = ancestor_table(kb)
    fingerprint = store.fingerprint()
    settings = json.dumps(
        [kb.version, fingerprint, asdict(learning_params), model_params.as_dict()], sort_keys=True
    )
    version = time.strftime("%Y%m%d-%H%M%S-") + hashlib.sha256(settings.encode()).hexdigest()[:8]
    train, validation = holdout(labelled)
    counts = count_source(store, engine)
    uncalibrated = replace(
        model_params, calibration_slope=1.0, calibration_margin=0.0, calibration_intercept=0.0
    )
    train_ids = train["encounter_id"].tolist()
    uncalibrated, scoring_refit = refit_scoring(
        store, kb, uncalibrated, learning_params, train_ids, ancestors, counts
    )
    candidate = fit(store, kb, uncalibrated, learning_params, train_ids, "validation", ancestors, counts)
    validation_metrics, validation_scores = evaluate_encounters(
        store, diagnoser_from_artifact(kb, candidate), validation
    )
    metrics = {
        "validation": validation_metrics,
        "literature_only": evaluate_encounters(store, Diagnoser(kb, model_params), validation)[0],
    }
    predictions = [p or None for p in validation_scores.predicted]
    if len(validation_scores.ranks) >= MIN_CALIBRATION_CASES:
        slope, margin, intercept = validation_scores.fit_calibration()
        model_params = replace(
            model_params, calibration_slope=slope, calibration_margin=margin, calibration_intercept=intercept
        )
    model_params = replace(  # the scoring the validation measured (refitted or not), its calibration
        uncalibrated,
        calibration_slope=model_params.calibration_slope,
        calibration_margin=model_params.calibration_margin,
        calibration_intercept=model_params.calibration_intercept,
    )
    artifact = fit(store, kb, model_params, learning_params, None, version, ancestors, counts)
    artifact.info.update(
        {
            "scoring_refit": scoring_refit,
            "data_fingerprint": fingerprint,
            "kb_version": kb.version,
            "hpo_release": kb.release,
            "learning_params": asdict(learning_params),
            "metrics": metrics,
            "train_cases": len(train),
            "validation_cases": len(validation),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "engine": engine,
            "reference": training_reference(store, kb, predictions),
        }
    )
    directory = artifact.save(models_dir / version)
    promoted, reason = False, "promotion not requested"
    if promote:
        promoted, reason = decide(models_dir, metrics, tolerance)
        if promoted:
            registry.promote(models_dir, version, reason)
    entry = {
        "version": version,
        "kb_version": kb.version,
        "data_fingerprint": fingerprint,
        "metrics": metrics,
        "promoted": promoted,
        "reason": reason,
    }
    registry.record(models_dir, entry)
    tracking.track_model(models_dir, entry, artifact.info, directory, tolerance)
    return LearnResult(artifact, directory, promoted, reason)


def decide(models_dir: Path, metrics: dict, tolerance: float) -> tuple[bool, str]:
    """Champion/challenger: promote unless held-out top-1 or orphan top-10 is worse than the bar."""
    new = metrics["validation"]
    bar = metrics["literature_only"]
    current = registry.champion(models_dir)
    if current:
        recorded = {e["version"]: e for e in registry.entries(models_dir)}.get(current)
        if recorded:
            bar = recorded["metrics"]["validation"]
    for key in ("top1", "top10"):
        if new[key] < bar[key] - tolerance:
            return False, f"held-out {key} {new[key]:.3f} is below the bar {bar[key]:.3f} - {tolerance}"
    orphan_new, orphan_bar = new.get("orphan", {}).get("top10"), bar.get("orphan", {}).get("top10")
    if orphan_new is not None and orphan_bar is not None and orphan_new < orphan_bar - tolerance:
        return False, f"orphan-disease top-10 {orphan_new:.3f} is below {orphan_bar:.3f} - {tolerance}"
    return True, f"held-out top-1 {new['top1']:.3f} / top-10 {new['top10']:.3f} not worse than the bar"
