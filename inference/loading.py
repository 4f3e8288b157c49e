"""Pick the Diagnoser to serve: literature-only, a given model directory, or the promoted ('latest') model."""

from __future__ import annotations

from pathlib import Path

from inference.artifact import ModelArtifact, diagnoser_from_artifact
from inference.engine import Diagnoser
from knowledge.kb import KnowledgeBase

PROMOTED_POINTER = "production"


def promoted_model_dir(models_dir: Path) -> Path | None:
    pointer = models_dir / PROMOTED_POINTER
    if not pointer.exists():
        return None
    return models_dir / pointer.read_text(encoding="utf-8").strip()


def load_diagnoser(kb: KnowledgeBase, models_dir: Path, model: str | None = "latest") -> Diagnoser:
    """model: None / 'literature' for literature-only, 'latest' for the promoted model (literature-only
    when none is promoted or it was learned on another KB build), or a model directory."""
    if model in (None, "literature", "none"):
        return Diagnoser(kb)
    if model == "latest":
        directory = promoted_model_dir(models_dir)
        if directory is None:
            return Diagnoser(kb)
        artifact = ModelArtifact.load(directory)
        if artifact.kb_version != kb.version:
            return Diagnoser(kb)
        return diagnoser_from_artifact(kb, artifact)
    directory = Path(model)
    if not (directory / "model.json").exists():
        directory = models_dir / model
    if not (directory / "model.json").exists():
        raise FileNotFoundError(f"no model at {model} (nor {models_dir / model})")
    return diagnoser_from_artifact(kb, ModelArtifact.load(directory))
