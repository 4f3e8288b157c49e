"""The reviewed lay vocabulary (ontologies/curation/lay_vocabulary.tsv: everyday English and Spanish phrases
-> HPO terms) and the note phrases (ontologies/curation/note_phrases.tsv: how clinical notes name findings,
"JVD", "normal power", "pérdida de apetito"), compiled into the knowledge base so that the note extractor
reads one table of each."""

from __future__ import annotations

import csv
from pathlib import Path

__all__ = [
    "LayVocabularyError",
    "lay_vocabulary_path",
    "note_phrases_path",
    "read_lay_vocabulary",
    "read_note_phrases",
]

LAY_VOCABULARY = Path("curation") / "lay_vocabulary.tsv"
NOTE_PHRASES = Path("curation") / "note_phrases.tsv"
STATUSES = ("reviewed", "unverified")
MEANINGS = ("present", "absent")


class LayVocabularyError(ValueError):
    """A malformed row, named with file and line."""


def lay_vocabulary_path(ontologies_dir: Path) -> Path:
    """The reviewed lay vocabulary file under ontologies_dir."""
    return ontologies_dir / LAY_VOCABULARY


def note_phrases_path(ontologies_dir: Path) -> Path:
    """The reviewed note phrases file under ontologies_dir."""
    return ontologies_dir / NOTE_PHRASES


def read_lay_vocabulary(ontologies_dir: Path, known_terms: set[str] | None = None) -> dict[str, list[list]]:
    """HPO id -> [[phrase, lang, reviewed?], ...]; empty when the file is absent (a test ontology directory).

    Phrases reviewed as having no HPO term are kept under "" (a note matcher reads them as "not a finding"
    rather than matching a shorter phrase inside them). Rows whose term is not in `known_terms` (obsolete in
    this HPO release) are left out."""
    phrases: dict[str, list[list]] = {}
    for phrase, lang, term, status, _ in _rows(lay_vocabulary_path(ontologies_dir), known_terms):
        entry = [phrase, lang, status == "reviewed"]
        if entry not in phrases.setdefault(term, []):
            phrases[term].append(entry)
    return phrases


def read_note_phrases(ontologies_dir: Path, known_terms: set[str] | None = None) -> dict[str, list[list]]:
    """HPO id -> [[phrase, lang, absent?], ...]; a phrase may state its finding absent ("normal power"), and
    phrases without a term ("fell asleep") are kept under "" as blockers, as in the lay vocabulary."""
    phrases: dict[str, list[list]] = {}
    for phrase, lang, term, _, meaning in _rows(note_phrases_path(ontologies_dir), known_terms):
        phrases.setdefault(term, []).append([phrase, lang, meaning == "absent"])
    return phrases


def _rows(path: Path, known_terms: set[str] | None):
    """(phrase, lang, HPO id or "", status, meaning) of each row; a bad row raises LayVocabularyError."""
    if not path.exists():
        return
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        missing = [c for c in ("phrase", "lang", "hpo_id", "status") if c not in (reader.fieldnames or ())]
        if missing:
            raise LayVocabularyError(f"{path}:1: missing column(s) {', '.join(missing)}")
        for number, row in enumerate(reader, start=2):
            phrase, lang = (row["phrase"] or "").strip(), (row["lang"] or "").strip()
            term, status = (row["hpo_id"] or "").strip(), (row["status"] or "").strip()
            meaning = (row.get("meaning") or "present").strip()
            if (
                not phrase
                or lang not in ("en", "es")
                or status not in STATUSES
                or meaning not in MEANINGS
                or (term and not term.startswith("HP:"))
            ):
                raise LayVocabularyError(
                    f"{path}:{number}: expected a phrase, lang en|es, an HP id, a status "
                    f"({'|'.join(STATUSES)}) and a meaning ({'|'.join(MEANINGS)})"
                )
            if term and known_terms is not None and term not in known_terms:
                continue
            yield phrase, lang, term, status, meaning
