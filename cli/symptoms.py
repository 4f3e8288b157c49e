"""`--symptoms` as a doctor types it: HPO ids, names or synonyms (English or Spanish, any case, accents
optional), '-' for absent, ':mild|moderate|severe' for severity."""

from __future__ import annotations

import re

from inference.evidence import SEVERITY_WEIGHT, EvidenceError
from knowledge.kb import KnowledgeBase
from knowledge.search import LANGS, normalize, phenotype_index

__all__ = ["read_symptoms"]

_LOOKS_LIKE_ID = re.compile(r"^\s*HP[:_]", re.IGNORECASE)


def read_symptoms(
    kb: KnowledgeBase, text: str
) -> tuple[list[tuple[str, str | None]], list[str], list[tuple[str, str]]]:
    """'fever:severe, tos, -HP:0002094' -> observed [(id, severity)], excluded [id], and how each name was
    read [(typed, id)]. A name must equal a label or synonym; otherwise EvidenceError with suggestions."""
    observed: list[tuple[str, str | None]] = []
    excluded: list[str] = []
    readings: list[tuple[str, str]] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        negative = item.startswith("-")
        body = item.lstrip("-").strip()
        severity = None
        head, colon, tail = body.rpartition(":")
        if colon and tail.strip().lower() in SEVERITY_WEIGHT:
            body, severity = head.strip(), tail.strip().lower()
        elif colon and not _LOOKS_LIKE_ID.match(body) and tail.strip():
            raise EvidenceError("symptoms", f"{item}: severity must be mild, moderate or severe")
        if _LOOKS_LIKE_ID.match(body):
            term = body.upper().replace("_", ":")  # make_evidence checks and resolves it
        else:
            term = term_named(kb, body)
            readings.append((body, term))
        if negative:
            excluded.append(term)
        else:
            observed.append((term, severity))
    return observed, excluded, readings


def term_named(kb: KnowledgeBase, name: str) -> str:
    """The HPO term whose label or synonym is `name` (either language); EvidenceError naming close ones."""
    index = phenotype_index(kb)
    wanted = normalize(name)
    suggestions: list[str] = []
    for lang in LANGS:
        found = index.search(name, lang, 10)
        for match in found:
            if normalize(match.matched) == wanted or normalize(match.label) == wanted:
                return match.term
        suggestions += [
            f"{m.label_en} ({m.term})" for m in found[:3] if f"{m.label_en} ({m.term})" not in suggestions
        ]
    hint = f"; did you mean {', '.join(suggestions[:4])}?" if suggestions else ""
    raise EvidenceError("symptoms", f"{name!r} is not an HPO id, label or synonym{hint}")


def risk_argument(value: str | None) -> list[str] | None:
    """'smoking,-pregnant' -> ['smoking', '-pregnant'] (validated by make_evidence)."""
    return list_argument(value)


def list_argument(value: str | None) -> list[str] | None:
    """A comma-separated option as a list (None when not given)."""
    if not value:
        return None
    return [item.strip() for item in value.split(",") if item.strip()]
