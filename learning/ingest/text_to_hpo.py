"""Local symptom names and free-text notes -> HPO terms.

`SymptomMapper.map_name` resolves a column header or a long-format symptom cell ("Fiebre", "dolor de
cabeza", "HP:0001945", "vómitos", a one-letter typo of a label) to one live HPO id; anything else is
unknown (the caller quarantines it). `extract_findings` reads a note with the one note extractor of the
project (knowledge.notes, also behind the site's note box and /api/v1/extract; measured in docs/notes.md):
current findings present or absent, vital signs in the text binned as the engine bins them, and nothing
from past or family history or hypothetical mentions.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from inference.vitals import bin_vitals
from knowledge.kb import KnowledgeBase
from knowledge.notes import note_extractor
from knowledge.search import PhenotypeIndex, normalize, phenotype_index

__all__ = ["LOCAL_NAMES", "NoteFinding", "SymptomMapper", "extract_findings"]

# clinic words that are not HPO labels or synonyms but name one term unambiguously
LOCAL_NAMES = {
    "embarazo": "HP:6000485",  # positive pregnancy test (elevated beta-hCG)
    "embarazada": "HP:6000485",
    "gestacion": "HP:6000485",
    "pregnant": "HP:6000485",
    "pregnancy": "HP:6000485",
    "prueba de embarazo positiva": "HP:6000485",
    "positive pregnancy test": "HP:6000485",
    "fiebre alta": "HP:0001945",
    "high fever": "HP:0001945",
    "mocos": "HP:0031417",  # rhinorrhea
    "rinorrea": "HP:0031417",
    "dolor de pecho": "HP:0100749",
    "falta de aire": "HP:0002094",
    "ahogo": "HP:0002094",
    "shortness of breath": "HP:0002094",
    "convulsiones": "HP:0001250",
    "crisis convulsivas": "HP:0001250",
    "sudoracion": "HP:0000975",
    "sudores": "HP:0000975",
    "diaphoresis": "HP:0000975",
    "dolor de oido": "HP:0030766",  # ear pain
    "dolor de espalda": "HP:0003418",
    "dolor lumbar": "HP:0003419",
    "picor": "HP:0000989",
    "prurito": "HP:0000989",
    "tos seca": "HP:0031246",
    "tos productiva": "HP:0031245",
    "expectoracion": "HP:0031245",
}


@dataclass(frozen=True)
class NoteFinding:
    """One finding mapped from text: HPO term, present or absent, severity."""

    term: str
    present: bool
    severity: str | None


class SymptomMapper:
    """Local symptom name -> HPO id (exact label/synonym in either language, plural fold, small typos)."""

    def __init__(self, kb: KnowledgeBase, index: PhenotypeIndex | None = None) -> None:
        self.kb = kb
        self.index = index or phenotype_index(kb)
        self._cache: dict[str, str | None] = {}
        self._local = {normalize(k): v for k, v in LOCAL_NAMES.items() if kb.resolve_term(v)[0]}

    def map_name(self, name: str) -> str | None:
        """A live HPO id or None when the name is unknown."""
        key = normalize(str(name))
        if key not in self._cache:
            self._cache[key] = self._map(str(name), key)
        return self._cache[key]

    def _map(self, raw: str, key: str) -> str | None:
        if not key:
            return None
        compact = raw.strip().upper().replace("_", ":")
        if compact.startswith("HP:") or (compact.startswith("HP") and compact[2:].isdigit()):
            digits = compact[3:] if compact.startswith("HP:") else compact[2:]
            return self.kb.resolve_term(f"HP:{digits.zfill(7)}")[0] if digits.isdigit() else None
        if key in self._local:
            return self.kb.resolve_term(self._local[key])[0]
        for candidate in (key, _singular(key)):
            found = self._exact(candidate)
            if found:
                return found
        return self._fuzzy(key)

    def _exact(self, key: str) -> str | None:
        for lang in ("es", "en"):
            for match in self.index.search(key, lang=lang, limit=10):
                if normalize(match.matched) == key or normalize(match.label) == key:
                    return match.term
        return None

    def _fuzzy(self, key: str) -> str | None:
        """One or two wrong letters in a name of 6+ letters ("fibre", "diarea", "vomitoss")."""
        if len(key) < 6:
            return None
        words = key.split()
        prefix = " ".join(w[:3] for w in words)
        best, best_ratio = None, 0.0
        matcher = difflib.SequenceMatcher(None, "", key)
        seen: set[str] = set()
        for query in dict.fromkeys((prefix, words[0][:3])):
            for match in self.index.search(query, lang="es", limit=80):
                for text in (match.matched, match.label, match.label_en):
                    candidate = normalize(text)
                    if candidate in seen:
                        continue
                    seen.add(candidate)
                    matcher.set_seq1(candidate)
                    if matcher.real_quick_ratio() < 0.88 or matcher.quick_ratio() < 0.88:
                        continue
                    ratio = matcher.ratio()
                    if ratio > best_ratio:
                        best, best_ratio = match.term, ratio
        return best if best_ratio >= 0.88 else None


def _singular(key: str) -> str:
    words = [w[:-2] if w.endswith("es") and len(w) > 5 else w for w in key.split()]
    return " ".join(w[:-1] if w.endswith("s") else w for w in words)


def extract_findings(kb: KnowledgeBase, text: str, lang: str) -> list[NoteFinding]:
    """Current HPO findings of a note (negated ones absent) and those of the vital signs it states; a term the
    note names both ways keeps its first mention's state."""
    result = note_extractor(kb).extract(text, lang)
    observed, excluded, _ = result.evidence()
    found = [NoteFinding(t, True, severity) for t, severity in observed]
    found += [NoteFinding(t, False, None) for t in excluded]
    named = {f.term for f in found}
    try:
        age = result.age.value if result.age else None
        vitals = bin_vitals(age_years=age, **result.vitals) if result.vitals else []
    except ValueError:
        vitals = []
    found += [
        NoteFinding(v.term, v.present, None)
        for v in vitals
        if v.term not in named and v.term in kb.term_index
    ]
    return found
