"""A learned model on disk: hyperparameters, data-refined link strengths, new diseases, priors, metrics.

Learning writes it; inference reads it. Literature-only inference needs no artifact.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from inference.engine import Diagnoser
from inference.network import compile_network
from inference.params import ModelParams
from knowledge.jsonio import read_json
from knowledge.kb import KnowledgeBase
from knowledge.staging import new_staging

__all__ = ["ModelArtifact", "diagnoser_from_artifact"]


@dataclass
class ModelArtifact:
    """Everything needed to rebuild a Diagnoser on top of the knowledge base it was learned from."""

    version: str
    kb_version: str
    params: ModelParams
    link_disease: list[str] = field(default_factory=list)  # data-refined links: they replace literature ones
    link_term: list[str] = field(default_factory=list)
    link_strength: list[float] = field(default_factory=list)
    new_diseases: dict[str, str] = field(default_factory=dict)  # id -> label, diseases only the data knows
    prevalence: dict[str, float] = field(default_factory=dict)  # data-updated priors (per disease id)
    info: dict = field(default_factory=dict)  # data fingerprint, hyperparameters, metrics, timestamps

    def save(self, directory: Path) -> Path:
        """Write the model (model.json and links.npz) to directory atomically: written in a staging directory,
        then renamed into place.

        Returns
        -------
        Path
            directory.
        """
        staging = new_staging(directory.parent)  # (removes what a killed run left behind)
        np.savez_compressed(
            staging / "links.npz",
            disease=np.asarray(self.link_disease, dtype=str),
            term=np.asarray(self.link_term, dtype=str),
            strength=np.asarray(self.link_strength, dtype=np.float64),
        )
        meta = {
            "version": self.version,
            "kb_version": self.kb_version,
            "params": self.params.as_dict(),
            "new_diseases": self.new_diseases,
            "prevalence": self.prevalence,
            "info": self.info,
        }
        (staging / "model.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False), encoding="utf-8")
        os.replace(staging, directory)
        return directory

    @classmethod
    def load(cls, directory: Path) -> ModelArtifact:
        """Read a model written by `save`."""
        meta = read_json(directory / "model.json")
        with np.load(directory / "links.npz") as arrays:
            disease, term, strength = arrays["disease"].tolist(), arrays["term"].tolist(), arrays["strength"]
        return cls(
            meta["version"],
            meta["kb_version"],
            ModelParams.from_dict(meta["params"]),
            disease,
            term,
            strength.tolist(),
            meta["new_diseases"],
            meta["prevalence"],
            meta["info"],
        )


def extend_kb(kb: KnowledgeBase, new_diseases: dict[str, str]) -> KnowledgeBase:
    """A copy of the knowledge base with data-only diseases appended (no literature links)."""
    fresh = [d for d in new_diseases if d not in kb.disease_index]
    if not fresh:
        return kb
    return replace(
        kb,
        disease_ids=kb.disease_ids + fresh,
        disease_names=kb.disease_names + [new_diseases[d] for d in fresh],
        disease_source=kb.disease_source + [d.split(":")[0] if ":" in d else "data" for d in fresh],
        disease_prevalence=np.concatenate([kb.disease_prevalence, np.full(len(fresh), np.nan)]),
        disease_orphan=np.concatenate([kb.disease_orphan, np.ones(len(fresh), dtype=bool)]),
        disease_info=kb.disease_info
        + [{"inheritance": [], "onset": [], "xrefs": [], "data_only": True} for _ in fresh],
        _cache={},
    )


def diagnoser_from_artifact(kb: KnowledgeBase, artifact: ModelArtifact) -> Diagnoser:
    """The Diagnoser of a learned model over the knowledge base it was learned on.

    Parameters
    ----------
    kb
        The loaded knowledge base; its version must be the artifact's `kb_version` (ValueError otherwise).
    artifact
        The learned model: parameters, new diseases, extra link strengths and prevalences.

    Returns
    -------
    Diagnoser
        Over the KB extended with the model's new diseases, with its links (those whose disease and term
        exist) and prevalences applied, and `model_version` set.
    """
    if artifact.kb_version != kb.version:
        raise ValueError(
            f"model {artifact.version} was learned on knowledge base {artifact.kb_version}, "
            f"but {kb.version} is loaded; re-run `dxgraph learn`"
        )
    extended = extend_kb(kb, artifact.new_diseases)
    index = extended.disease_index
    terms = extended.term_index
    keep = [
        i
        for i, (d, t) in enumerate(zip(artifact.link_disease, artifact.link_term, strict=True))
        if d in index and t in terms
    ]
    extra = (
        np.asarray([index[artifact.link_disease[i]] for i in keep], dtype=np.int64),
        np.asarray([terms[artifact.link_term[i]] for i in keep], dtype=np.int64),
        np.asarray([artifact.link_strength[i] for i in keep], dtype=np.float64),
    )
    network = compile_network(extended, artifact.params, extra_links=extra)
    diagnoser = Diagnoser(extended, artifact.params, network=network)
    for disease, value in artifact.prevalence.items():
        if disease in index:
            diagnoser.prevalence[index[disease]] = value
    diagnoser.model_version = artifact.version
    return diagnoser
