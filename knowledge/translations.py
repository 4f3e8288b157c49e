"""Read the committed official HPO Spanish labels (ontologies/translations/hp-es.tsv)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["TranslationError", "official_es_path", "read_official_es"]

OFFICIAL_ES = Path("translations") / "hp-es.tsv"


class TranslationError(ValueError):
    """A malformed line in a translation file, named with file and line."""


def official_es_path(ontologies_dir: Path) -> Path:
    """The official Spanish HPO labels file under ontologies_dir."""
    return ontologies_dir / OFFICIAL_ES


def read_official_es(ontologies_dir: Path) -> dict[str, str]:
    """HPO id -> official Spanish label; empty when the file is absent (e.g. a test ontology directory)."""
    path = official_es_path(ontologies_dir)
    if not path.exists():
        return {}
    labels: dict[str, str] = {}
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.rstrip("\n")
            if not line or line.startswith("#") or line == "hpo_id\tlabel_es":
                continue
            parts = line.split("\t")
            if len(parts) != 2 or not parts[0].startswith("HP:") or not parts[1].strip():
                raise TranslationError(f"{path}:{number}: expected 'HP:nnnnnnn<TAB>label', got {line[:60]!r}")
            labels[parts[0]] = parts[1].strip()
    return labels
