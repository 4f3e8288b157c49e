"""Clinical notes as evidence: one extractor for the site's note box, the API's /extract, `dxgraph diagnose
--note/--notes` and the ingestion of notes (see docs/notes.md)."""

from __future__ import annotations

import threading

from knowledge.kb import KnowledgeBase
from knowledge.notes.extractor import NoteExtractor
from knowledge.notes.results import ABSENT, PRESENT, Extraction, Finding, Mention

__all__ = ["ABSENT", "PRESENT", "Extraction", "Finding", "Mention", "NoteExtractor", "note_extractor"]

_CACHE: dict[tuple[str, int], NoteExtractor] = {}
_LOCK = threading.Lock()


def note_extractor(kb: KnowledgeBase) -> NoteExtractor:
    """The extractor for this KB build (built once, about a second; kept for the two most recent builds)."""
    key = (kb.version, len(kb.term_ids))
    with _LOCK:
        extractor = _CACHE.get(key)
        if extractor is None or extractor.kb is not kb and extractor.kb.version != kb.version:
            extractor = NoteExtractor(kb)
            _CACHE[key] = extractor
            while len(_CACHE) > 2:
                _CACHE.pop(next(iter(_CACHE)))
        return extractor
