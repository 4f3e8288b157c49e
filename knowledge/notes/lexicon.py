"""The phrase table of the note extractor: HPO labels and synonyms, the official Spanish labels, curated
Spanish synonyms, the reviewed lay vocabulary and the note phrases, keyed by folded content words.

When one phrase names several terms the best source wins (note phrase, label, reviewed lay phrase, exact or
layperson synonym, unverified lay phrase), then the term with more disease annotations. Lay phrases
reviewed as having no HPO term are kept as blockers: they are read and name nothing, so a shorter phrase
inside them is not matched either.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from knowledge.kb import KnowledgeBase
from knowledge.notes.forms import FORMS, NEGATED_FORMS
from knowledge.notes.spelling import Speller
from knowledge.notes.text import fold, phrase_key

__all__ = ["BLOCKER", "GENERIC", "PHENOTYPIC_ABNORMALITY", "Lexicon", "PhraseMatch"]

PHENOTYPIC_ABNORMALITY = "HP:0000118"
BLOCKER = -1
NOTE, LABEL, LAY, SYNONYM, UNVERIFIED = -1, 0, 1, 2, 3
# phrases too vague to be a finding on their own
_GENERIC = (
    "all|abnormal|abnormality|normal|increased|decreased|other|unknown|anomalia|anormal|elevated|"
    "reduced|high|low|positive|negative|present|absent|death|mass|lesion|disease|symptom|symptoms|"
    "sign|finding|syndrome|change|changes|problem|disorder|onset|progressive|episodic|recurrent|"
    "chronic|acute|severe|mild|moderate|feeling|feelings|general|generalized|generalizado|sintoma|"
    "sintomas|cambio|enfermedad|trastorno|aguda|agudo|cronico|cronica|intenso|intensa|leve|grave|"
    "course|variable|history|family history|stress|fit|fits|cold|spell|spells|attack|attacks|crisis|"
    "shock|stroke|tone|mole|moles|spot|spots|pigment|pigmentation|lump|lumps|bump|bumps|edad|age|"
    "weight|peso|size|tamano|color|colour|vision|visions|pain|pains|dolor|dolores|ache|aches|"
    "discharge|secrecion|hp|ta|fc|fr|t|p|pa|bp|hr|rr"
)
GENERIC = frozenset(phrase_key(p) for p in _GENERIC.split(sep="|"))

# words that are not abbreviations although short
_SHORT_WORDS = frozenset(["tos", "ira", "flu", "gas", "tic", "tics", "mal", "ojo", "pus"])
# interchangeable quantity words at the start of a phrase
_SYNONYM_STARTS = (
    ("decreased", "reduced", "diminished", "low", "lower"),
    ("increased", "elevated", "raised", "high"),
    ("disminucion", "descenso", "reduccion"),
    ("aumento", "elevacion", "incremento"),
    ("recurrent", "repeated", "frequent", "recurring", "repetitive"),  # "frequent chest infections"
)


@dataclass
class PhraseMatch:
    """One phrase of the lexicon found in the note: its first and last token, the term and whether the
    phrase is the term's negated form."""

    first: int  # token positions, inclusive
    last: int
    term: int
    negated_form: bool
    described: bool = False  # a note pattern's head: "burning when urinating" is dysuria, not a trigger
    opens: int = -1  # a described finding: where its words begin, its qualifiers included ("burning")
    narrows: bool = False  # a coordinated phrase's kind replacing the match alone ("discharge or itching")


def _short(key: tuple[str, ...]) -> bool:
    """A one-word phrase of three letters or fewer ("DOE", "SOB", "LAD") is matched only in capitals."""
    return len(key) == 1 and len(key[0]) <= 3 and key[0] not in _SHORT_WORDS


def _split_compound(key: tuple[str, ...]) -> list[tuple[str, ...]]:
    """A one-word phrase written as two words: "head ache" ~ "headache", "nose bleed" ~ "nosebleed", "heart
    burn" ~ "heartburn" (each part at least four letters, folded as a note's words are)."""
    if len(key) != 1 or len(key[0]) < 8 or not key[0].isalpha():
        return []
    word = key[0]
    return [(fold(word[:cut]), fold(word[cut:])) for cut in range(4, len(word) - 3)]


def _variants(key: tuple[str, ...]) -> list[tuple[str, ...]]:
    for group in _SYNONYM_STARTS:
        folded = [fold(w) for w in group]
        if len(key) > 1 and key[0] in folded:
            return [(other,) + key[1:] for other in folded if other != key[0]]
    return []


class Lexicon:
    """Folded phrase key -> (term index or BLOCKER, abbreviation?, negated?), with the lengths to try."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        info = kb.term_info
        if PHENOTYPIC_ABNORMALITY in kb.term_index:
            allowed = kb.descendants(kb.term_index[PHENOTYPIC_ABNORMALITY]) - {
                kb.term_index[PHENOTYPIC_ABNORMALITY]
            }
        else:  # a tiny test ontology without the usual root
            allowed = {i for i in range(len(kb.term_ids)) if len(kb.parents(i))}
        counts = np.bincount(kb.link_term, minlength=len(kb.term_ids)) if len(kb.link_term) else None
        best: dict[tuple[str, ...], tuple[int, float, int, bool, bool]] = {}

        def add(
            key: tuple[str, ...], term: int, rank: int, abbreviation: bool = False, negated: bool = False
        ) -> None:
            if not key or key in GENERIC or (len(key) == 1 and len(key[0]) < 3 and not abbreviation):
                return
            popularity = -float(counts[term]) if counts is not None and term >= 0 else 0.0
            candidate = (rank, popularity, term, abbreviation, negated)
            if key not in best or candidate < best[key]:
                best[key] = candidate

        for t in sorted(allowed):
            term_id = kb.term_ids[t]
            add(phrase_key(kb.term_names[t]), t, LABEL)
            for text, scope, kind in info["synonyms"].get(term_id, []):
                if scope == "EXACT" or kind == "layperson":
                    add(phrase_key(text), t, SYNONYM, abbreviation=kind == "abbreviation")
            if term_id in info["labels_es"]:
                add(phrase_key(info["labels_es"][term_id]), t, LABEL)
            for text in info["synonyms_es"].get(term_id, []):
                add(phrase_key(text), t, SYNONYM)
        for term_id, phrases in info.get("lay_phrases", {}).items():
            t = kb.term_index.get(term_id, BLOCKER) if term_id else BLOCKER
            for phrase, _lang, reviewed in phrases:
                rank = (LAY if reviewed else UNVERIFIED) if t != BLOCKER else UNVERIFIED + 1
                add(phrase_key(phrase), t, rank)
        for term_id, phrases in info.get("note_phrases", {}).items():
            t = kb.term_index.get(term_id, BLOCKER) if term_id else BLOCKER
            for phrase, _lang, absent in phrases:  # one written in capitals is an abbreviation ("CP", "HA")
                add(phrase_key(phrase), t, NOTE, abbreviation=phrase.isupper(), negated=absent)
        for key, (rank, popularity, term, abbreviation, negated) in list(best.items()):
            for variant in _variants(key) + _split_compound(key):  # "reduced libido", "head ache"
                if variant not in best:
                    best[variant] = (rank + 0.5, popularity, term, abbreviation, negated)
        self.table: dict[tuple[str, ...], tuple[int, bool, bool]] = {
            key: (term, abbreviation or _short(key), negated)
            for key, (_, _, term, abbreviation, negated) in best.items()
        }
        self.words = frozenset(word for key in self.table for word in key)
        self.forms = {variant: fold(target) for variant, target in FORMS.items()}
        for variant, target in NEGATED_FORMS.items():
            hit = self.table.get((fold(target),))
            if hit and hit[0] != BLOCKER:
                self.table[(fold(variant),)] = (hit[0], False, True)
        self.words = frozenset(word for key in self.table for word in key)
        lengths: dict[str, set[int]] = {}
        for key in self.table:
            lengths.setdefault(key[0], set()).add(len(key))
        self.lengths = {first: tuple(sorted(found, reverse=True)) for first, found in lengths.items()}
        self._speller = Speller(self.words)
        self._keys: dict[str, str] = {}

    def key_of(self, norm: str) -> str:
        """The folded lookup word of a normalized note token (an inflected form or a slip: its word)."""
        key = self._keys.get(norm)
        if key is None:
            folded = fold(norm)
            if folded not in self.words:  # an inflected form ("vomited"), else a slip ("amennorhea")
                folded = self.forms.get(norm) or self._speller.correct(folded, norm) or folded
            key = folded
            if len(self._keys) < 200_000:  # a cache of the words notes use; bounded for long-lived servers
                self._keys[norm] = key
        return key
