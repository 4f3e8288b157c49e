"""Parse the HPO ontology file (hp.obo) into plain data: terms, typed synonyms, is_a, obsoletes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["OboError", "Ontology", "Term", "parse_obo"]

_SYNONYM = re.compile(r'^"((?:[^"\\]|\\.)*)"\s+(EXACT|BROAD|NARROW|RELATED)\s*([A-Za-z_:0-9]*)\s*\[')
_RELEASE = re.compile(r"releases/(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class Synonym:
    text: str
    scope: str  # EXACT, BROAD, NARROW, RELATED
    kind: str  # "", layperson, abbreviation, plural_form, uk_spelling, obsolete_synonym...


@dataclass
class Term:
    """One HPO term as read from hp.obo."""

    id: str
    name: str = ""
    definition: str = ""
    synonyms: list[Synonym] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    alt_ids: list[str] = field(default_factory=list)
    xrefs: list[str] = field(default_factory=list)
    obsolete: bool = False
    replaced_by: str | None = None
    consider: list[str] = field(default_factory=list)


@dataclass
class Ontology:
    """A parsed hp.obo: release, live terms, obsolete terms and alternative ids."""

    release: str
    terms: dict[str, Term]  # live terms only
    obsolete: dict[str, Term]  # obsolete terms, with replaced_by / consider
    alt_ids: dict[str, str]  # alternative id -> primary live id


class OboError(ValueError):
    """A malformed hp.obo, with the line at fault."""


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\\\", "\\")


def parse_obo(path: Path) -> Ontology:
    """Read hp.obo; the release date comes from its data-version header."""
    release = ""
    terms: dict[str, Term] = {}
    obsolete: dict[str, Term] = {}
    current: Term | None = None
    in_term = False

    def flush() -> None:
        if current is not None and current.id:
            (obsolete if current.obsolete else terms)[current.id] = current

    with open(path, encoding="utf-8") as handle:
        for lineno, raw in enumerate(handle, start=1):
            line = raw.rstrip("\n")
            if line.startswith("["):
                flush()
                in_term = line == "[Term]"
                current = Term(id="") if in_term else None
                continue
            if not line or ":" not in line:
                continue
            tag, _, value = line.partition(":")
            value = value.strip()
            if current is None:
                if tag == "data-version":
                    match = _RELEASE.search(value) or re.search(r"(\d{4}-\d{2}-\d{2})", value)
                    release = match.group(1) if match else value
                continue
            if tag == "id":
                current.id = value
            elif tag == "name":
                current.name = value
            elif tag == "def":
                current.definition = _unescape(value.split('" [')[0].strip('"'))
            elif tag == "synonym":
                match = _SYNONYM.match(value)
                if not match:
                    raise OboError(f"{path}:{lineno}: malformed synonym: {value}")
                current.synonyms.append(Synonym(_unescape(match.group(1)), match.group(2), match.group(3)))
            elif tag == "is_a":
                current.parents.append(value.split("!")[0].strip())
            elif tag == "alt_id":
                current.alt_ids.append(value)
            elif tag == "xref":
                current.xrefs.append(value.split(" ")[0])
            elif tag == "is_obsolete":
                current.obsolete = value == "true"
            elif tag == "replaced_by":
                current.replaced_by = value
            elif tag == "consider":
                current.consider.append(value)
    flush()
    if not release:
        raise OboError(f"{path}: no data-version header; cannot tell the HPO release")
    alt_ids = {alt: term.id for term in terms.values() for alt in term.alt_ids}
    return Ontology(release=release, terms=terms, obsolete=obsolete, alt_ids=alt_ids)
