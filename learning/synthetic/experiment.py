"""The SYNTHETIC learning-gain experiment: patients of a true world (`learning.synthetic.world`) written as
phenopackets, ingested through the real store and learning code, and the literature-only and the learned
model scored on held-out patients (top-k by group, bootstrap intervals of the gain by patient)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from inference.artifact import diagnoser_from_artifact
from inference.engine import Diagnoser
from inference.evaluation import NOT_RANKED, disease_rank
from inference.params import ModelParams
from inference.phenopackets import packet_to_case
from knowledge.kb import KnowledgeBase
from learning.ingest.pipeline import ingest_phenopackets
from learning.learn import ancestor_table, fit
from learning.refine import LearningParams
from learning.store import Store
from learning.synthetic.world import (
    GROUPS,
    SyntheticEncounter,
    WorldSpec,
    build_world,
    divergence,
    literature_kb,
    sample_encounters,
    split_patients,
    to_phenopacket,
)

__all__ = ["TOP_K", "ExperimentResult", "run_experiment"]

KEY = b"synthetic-learning-gain-key"
TOP_K = (1, 3, 10)


@dataclass
class ExperimentResult:
    """The JSON-ready report plus the per-encounter ranks it was computed from."""

    report: dict
    groups: np.ndarray  # per test encounter
    literature_ranks: np.ndarray
    learned_ranks: np.ndarray
    test: list[SyntheticEncounter] = field(repr=False)


# ---- scoring -------------------------------------------------------------------------------------------
def rank(diagnoser: Diagnoser, packet: dict, disease_id: str, context: str) -> int:
    """Rank of the true disease among all diseases (NOT_RANKED when the model does not know it)."""
    case = packet_to_case(diagnoser.kb, packet, context=context)
    diagnosis = diagnoser.diagnose(case.evidence, top=1)
    position = diagnoser.kb.disease_index.get(disease_id)
    return NOT_RANKED if position is None else disease_rank(diagnoser, diagnosis.log_posterior, position)[0]


def top_k(ranks: np.ndarray) -> dict[str, float]:
    """Share of encounters whose true disease is within the first k."""
    return {f"top{k}": float((ranks <= k).mean()) if len(ranks) else float("nan") for k in TOP_K}


def bootstrap_gain(gain: np.ndarray, patients: np.ndarray, resamples: int, seed: int) -> tuple[float, float]:
    """95% percentile interval of the mean per-encounter gain, resampling patients (the split's groups)."""
    if not len(gain):
        return float("nan"), float("nan")
    _, cluster = np.unique(patients, return_inverse=True)
    sums = np.bincount(cluster, weights=gain)
    sizes = np.bincount(cluster).astype(float)
    draws = np.random.default_rng([seed, 6]).integers(0, len(sums), size=(resamples, len(sums)))
    means = sums[draws].sum(axis=1) / sizes[draws].sum(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def group_metrics(
    groups: np.ndarray,
    patients: np.ndarray,
    trained: np.ndarray,
    literature: np.ndarray,
    learned: np.ndarray,
    spec: WorldSpec,
) -> dict:
    """Top-k of both models per disease group (and overall), with the top-1 gain and its interval."""
    result = {}
    for group in (*GROUPS, "all"):
        mask = np.ones(len(groups), dtype=bool) if group == "all" else groups == group
        gain = (learned[mask] <= 1).astype(float) - (literature[mask] <= 1)
        low, high = bootstrap_gain(gain, patients[mask], spec.bootstrap, spec.seed)
        result[group] = {
            "n": int(mask.sum()),
            "patients": int(len(set(patients[mask].tolist()))),
            "disease_seen_in_training": int(trained[mask].sum()),
            "literature": top_k(literature[mask]),
            "learned": top_k(learned[mask]),
            "top1_gain": float(gain.mean()) if len(gain) else float("nan"),
            "top1_gain_ci95": [low, high],
        }
    return result


# ---- the experiment ------------------------------------------------------------------------------------
def write_packets(path: Path, packets: list[dict]) -> Path:
    """One JSONL file of phenopackets (the ingestion reads it as one source)."""
    with open(path, "w", encoding="utf-8") as handle:
        for packet in packets:
            handle.write(json.dumps(packet) + "\n")
    return path


def run_experiment(
    kb: KnowledgeBase,
    spec: WorldSpec,
    workdir: Path,
    progress: bool = True,
    log: Callable[[str], None] = lambda _: None,
) -> ExperimentResult:
    """World -> patients -> train phenopackets -> store -> fit; both models scored on the test patients."""
    world = build_world(kb, spec)
    literature = literature_kb(kb, world.hidden)
    labels = {d.disease_id: d.label for d in world.diseases}
    encounters = sample_encounters(kb, world, spec, progress)
    train, test = split_patients(encounters, spec.test_fraction, spec.seed)
    log(f"{len(encounters)} synthetic encounters: {len(train)} train, {len(test)} test")
    workdir.mkdir(parents=True, exist_ok=True)
    train_file = write_packets(
        workdir / "synthetic_train.jsonl", [to_phenopacket(e, labels[e.disease_id]) for e in train]
    )
    with Store(workdir / "synthetic_store.duckdb") as store:
        ingested = ingest_phenopackets(store, literature, KEY, [train_file], progress=progress)
        log(ingested.as_text())
        artifact = fit(
            store, literature, ModelParams(), LearningParams(), None, "synthetic", ancestor_table(literature)
        )
    learned = diagnoser_from_artifact(literature, artifact)
    packets = [to_phenopacket(e, labels[e.disease_id]) for e in test]
    lit_ranks = _score(Diagnoser(literature), packets, test, spec.context, "literature-only", progress)
    learned_ranks = _score(learned, packets, test, spec.context, "learned", progress)
    groups = np.asarray([e.group for e in test])
    patients = np.asarray([e.patient for e in test])
    seen = {e.disease_id for e in train}
    trained = np.asarray([e.disease_id in seen for e in test])
    report = {
        "synthetic": True,
        "spec": asdict(spec),
        "kb_version": kb.version,
        "literature_kb_version": literature.version,
        "world": divergence(world),
        "encounters": {"train": len(train), "test": len(test)},
        "train_by_group": {g: sum(e.group == g for e in train) for g in GROUPS},
        "ingest": {"stored": ingested.rows_stored, "quarantined": ingested.rows_quarantined},
        "learned_new_diseases": len(artifact.new_diseases),
        "groups": group_metrics(groups, patients, trained, lit_ranks, learned_ranks, spec),
    }
    return ExperimentResult(report, groups, lit_ranks, learned_ranks, test)


def _score(
    diagnoser: Diagnoser,
    packets: list[dict],
    test: list[SyntheticEncounter],
    context: str,
    desc: str,
    progress: bool,
) -> np.ndarray:
    """Rank of the true disease for every test encounter."""
    pairs = tqdm(list(zip(packets, test, strict=True)), desc=desc, unit="case", disable=not progress)
    return np.asarray([rank(diagnoser, packet, e.disease_id, context) for packet, e in pairs])
