"""The reviewed note patterns (ontologies/curation/note_patterns.tsv): findings a doctor describes rather
than names, "short of breath when lying flat" (orthopnea), "pain before each menstrual period"
(dysmenorrhea), read as a head phrase and a qualifying phrase near it in one sentence; compiled into the
knowledge base so that the note extractor reads one table."""

from __future__ import annotations

import csv
from pathlib import Path

__all__ = ["NotePatternError", "note_patterns_path", "read_note_patterns"]

NOTE_PATTERNS = Path("curation") / "note_patterns.tsv"
COLUMNS = ("hpo_id", "lang", "head", "with", "status")


class NotePatternError(ValueError):
    """A malformed row, named with file and line."""


def note_patterns_path(ontologies_dir: Path) -> Path:
    """The reviewed note patterns file under ontologies_dir."""
    return ontologies_dir / NOTE_PATTERNS


def read_note_patterns(ontologies_dir: Path, known_terms: set[str] | None = None) -> list[list]:
    """[[HPO id, lang, head alternatives, qualifier alternatives], ...]; empty when the file is absent.
    Rows whose term is not in `known_terms` (obsolete in this HPO release) are left out."""
    path = note_patterns_path(ontologies_dir)
    if not path.exists():
        return []
    patterns: list[list] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise NotePatternError(f"{path}:1: missing column(s) {', '.join(missing)}")
        for number, row in enumerate(reader, start=2):
            term, lang, status = (row[c].strip() if row[c] else "" for c in ("hpo_id", "lang", "status"))
            heads = [a.strip() for a in (row["head"] or "").split("|") if a.strip()]
            qualifiers = [a.strip() for a in (row["with"] or "").split("|") if a.strip()]
            if not term.startswith("HP:") or lang not in ("en", "es") or status != "reviewed":
                raise NotePatternError(f"{path}:{number}: expected an HP id, lang en|es and status reviewed")
            if not heads or not qualifiers:
                raise NotePatternError(
                    f"{path}:{number}: a pattern needs head and with phrases (|-separated)"
                )
            if known_terms is not None and term not in known_terms:
                continue
            patterns.append([term, lang, heads, qualifiers])
    return patterns
