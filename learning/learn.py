"""Learn a new model from the store: refine on a grouped training split, validate, refit on all, register."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from inference.artifact import ModelArtifact, diagnoser_from_artifact
from inference.engine import Diagnoser, calibration_features
from inference.evaluation import NOT_RANKED, fit_calibration, rank_metrics, rank_of
from inference.evidence import make_evidence
from inference.network import compile_network
from inference.params import ModelParams
from knowledge.kb import KnowledgeBase
from learning import registry, tracking
from learning.counts import CountSource, count_source
from learning.reference import training_reference
from learning.refine import LearningParams, refine
from learning.split import holdout
from learning.store import Store, encounter_evidence

MIN_CALIBRATION_CASES = 200  # below this the literature model's calibration is kept


@dataclass
class LearnResult:
    artifact: ModelArtifact
    directory: Path
    promoted: bool
    reason: str


def ancestor_table(kb: KnowledgeBase) -> pd.DataFrame:
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


def evaluate_encounters(
    store: Store,
    diagnoser: Diagnoser,
    labelled: pd.DataFrame,
    calibration: list | None = None,
    top1: list | None = None,
) -> dict:
    """Top-k on stored encounters, overall and for orphan / common diseases. When `calibration` is a list,
    (top-1 probability, runner-up probability, correct) triples are appended to it; when `top1` is, the
    top-1 predicted disease ids (the monitor's reference)."""
    evidence_rows = encounter_evidence(store, labelled["encounter_id"].tolist()).set_index("encounter_id")
    index = diagnoser.kb.disease_index
    ranks, orphan = [], []
    for row in labelled.itertuples():
        data = evidence_rows.loc[row.encounter_id]
        present, absent = _as_list(data["present"]), _as_list(data["absent"])
        age = None if pd.isna(data["age_years"]) else float(data["age_years"])
        sex = data["sex"] if isinstance(data["sex"], str) else None
        evidence = make_evidence(
            diagnoser.kb, present, absent, age_years=age, sex=sex, context="rare-disease-clinic", strict=False
        )
        diagnosis = diagnoser.diagnose(evidence, top=1)
        position = index.get(row.disease_id)
        rank = NOT_RANKED if position is None else rank_of(diagnosis.log_posterior, position)
        ranks.append(rank)
        orphan.append(True if position is None else bool(diagnoser.kb.disease_orphan[position]))
        if top1 is not None:
            top1.append(diagnosis.ranking[0].disease_id if diagnosis.ranking else None)
        if calibration is not None:
            top, second = calibration_features(diagnosis.log_posterior)
            calibration.append((top, second, rank == 1))
    ranks_array, orphan_array = np.asarray(ranks), np.asarray(orphan, dtype=bool)
    metrics = rank_metrics(ranks_array)
    for name, mask in (("orphan", orphan_array), ("common", ~orphan_array)):
        if mask.any():
            metrics[name] = rank_metrics(ranks_array[mask])
    return metrics


def _as_list(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, (list, tuple, np.ndarray)) else []


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
    candidate = fit(store, kb, uncalibrated, learning_params, train_ids, "validation", ancestors, counts)
    calibration: list = []
    predictions: list = []
    metrics = {
        "validation": evaluate_encounters(
            store, diagnoser_from_artifact(kb, candidate), validation, calibration, predictions
        ),
        "literature_only": evaluate_encounters(store, Diagnoser(kb, model_params), validation),
    }
    if len(calibration) >= MIN_CALIBRATION_CASES:
        top, second, correct = (np.asarray(column) for column in zip(*calibration, strict=True))
        slope, margin, intercept = fit_calibration(top, second, correct)
        model_params = replace(
            model_params, calibration_slope=slope, calibration_margin=margin, calibration_intercept=intercept
        )
    artifact = fit(store, kb, model_params, learning_params, None, version, ancestors, counts)
    artifact.info.update(
        {
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
