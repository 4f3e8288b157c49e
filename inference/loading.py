"""Pick the Diagnoser to serve: literature-only, a given model directory, or the promoted ('latest') model.

`models/production` names the promoted model (one line: its version). A pointer that does not name a
model directory with a `model.json` (overwritten with garbage, truncated, pointing outside) is never
followed: the newest valid entry of the promotion history is served instead (the same answer in every
process), or `PointerError` says what to do when there is none.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from inference.artifact import ModelArtifact, diagnoser_from_artifact
from inference.engine import Diagnoser
from knowledge.jsonio import read_json_lines
from knowledge.kb import KnowledgeBase

__all__ = [
    "PRODUCTION_HISTORY",
    "PROMOTED_POINTER",
    "PointerError",
    "is_model_dir",
    "load_diagnoser",
    "promoted_model_dir",
    "served_version",
]

log = logging.getLogger(__name__)

PROMOTED_POINTER = "production"
PRODUCTION_HISTORY = "production_history.jsonl"
VERSION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")  # a plain directory name, no path


class PointerError(ValueError):
    """models/production does not name a usable model."""


def is_model_dir(models_dir: Path, version: str) -> bool:
    """Whether version is a plain directory name holding a model (model.json) under models_dir."""
    return bool(VERSION_NAME.fullmatch(version)) and (models_dir / version / "model.json").is_file()


def read_pointer(models_dir: Path) -> str | None:
    """The version models/production names; None when nothing is promoted; PointerError when it is invalid."""
    pointer = models_dir / PROMOTED_POINTER
    try:
        raw = pointer.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise PointerError(f"{pointer} cannot be read ({error.strerror})") from None
    try:
        version = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise PointerError(f"{pointer} is not text (damaged?)") from None
    if not VERSION_NAME.fullmatch(version):
        raise PointerError(f"{pointer} does not name a model version ({version[:40]!r})")
    if not (models_dir / version / "model.json").is_file():
        raise PointerError(f"{pointer} names {version}, which is not a model in {models_dir}")
    return version


def last_valid_promotion(models_dir: Path) -> str | None:
    """The newest version in the promotion history that is still a valid model directory."""
    try:
        lines = list(read_json_lines(models_dir / PRODUCTION_HISTORY, errors="replace"))
    except OSError:
        return None
    for line in reversed(lines):
        version = line.value.get("version") if isinstance(line.value, dict) else None
        if isinstance(version, str) and is_model_dir(models_dir, version):
            return version
    return None


def served_version(models_dir: Path) -> str | None:
    """The version to serve (None: literature-only); a damaged pointer falls back to the promotion history."""
    try:
        return read_pointer(models_dir)
    except PointerError as error:
        fallback = last_valid_promotion(models_dir)
        if fallback is None:
            raise PointerError(
                f"{error}; there is no earlier promoted model to fall back to: "
                "run `dxgraph models promote VERSION` (see `dxgraph models list`)"
            ) from None
        log.error("%s; serving %s, the newest valid promoted model", error, fallback)
        return fallback


def promoted_model_dir(models_dir: Path) -> Path | None:
    """The directory of the model in production; None when no model has been promoted."""
    version = served_version(models_dir)
    return None if version is None else models_dir / version


def load_diagnoser(kb: KnowledgeBase, models_dir: Path, model: str | None = "latest") -> Diagnoser:
    """model: None / 'literature' for literature-only, 'latest' for the promoted model (literature-only
    when none is promoted or it was learned on another KB build), or a model directory."""
    if model in (None, "literature", "none"):
        return Diagnoser(kb)
    if model == "latest":
        directory = promoted_model_dir(models_dir)
        if directory is None:
            return Diagnoser(kb)
        try:
            artifact = ModelArtifact.load(directory)
        except ValueError as error:
            log.error("model %s cannot be loaded (%s); serving literature-only", directory.name, error)
            return Diagnoser(kb)
        if artifact.kb_version != kb.version:
            log.warning(
                "promoted model %s was learned on knowledge base %s, not %s; serving literature-only",
                directory.name,
                artifact.kb_version,
                kb.version,
            )
            return Diagnoser(kb)
        return diagnoser_from_artifact(kb, artifact)
    directory = Path(model)
    if not (directory / "model.json").exists():
        directory = models_dir / model
    if not (directory / "model.json").exists():
        raise FileNotFoundError(f"no model at {model} (nor {models_dir / model})")
    return diagnoser_from_artifact(kb, ModelArtifact.load(directory))
