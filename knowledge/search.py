"""Phenotype search (autocomplete), English and Spanish.

One `PhenotypeIndex` is built per knowledge base (`phenotype_index(kb)` caches it by KB version) over the
labels and synonyms (layperson ones included) of the phenotypic-abnormality terms, in English and
Spanish. Matching is accent- and case-insensitive; every query word may be a prefix ("dol cab" finds
"Dolor de cabeza"). Free-text notes are read by knowledge.notes, not here.
"""

from __future__ import annotations

import bisect
import heapq
import math
import re
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from knowledge.kb import KnowledgeBase

__all__ = ["LABEL", "LANGS", "OTHER_SYNONYM", "PhenotypeIndex", "normalize", "phenotype_index"]

PHENOTYPIC_ABNORMALITY = "HP:0000118"
LANGS = ("en", "es")
_WORD = re.compile(r"[^\W_]+")
_ID_QUERY = re.compile(r"^\s*(?:hp\s*[:_]?\s*)?(\d{7})\s*$", re.IGNORECASE)

# entry kinds, best first
LABEL, EXACT_SYNONYM, OTHER_SYNONYM = 0, 1, 2


def normalize(text: str) -> str:
    """Lower case, accents removed, punctuation collapsed to single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(_WORD.findall(plain))


def _fold(token: str) -> str:
    """A crude plural fold for note matching ("seizures" ~ "seizure", "fiebres" ~ "fiebre")."""
    return token[:-1] if len(token) > 4 and token.endswith("s") and not token.endswith("ss") else token


@dataclass(frozen=True)
class Match:
    """One autocomplete result."""

    term: str
    label: str  # in the requested language (English when there is no translation)
    label_en: str
    matched: str  # the label or synonym that matched, as written in the source
    kind: str  # label | synonym | id
    lang: str  # language of `matched`
    layperson: bool

    def as_dict(self) -> dict:
        return {
            "id": self.term,
            "label": self.label,
            "label_en": self.label_en,
            "matched": self.matched,
            "match": self.kind,
            "match_lang": self.lang,
            "layperson": self.layperson,
        }


class PhenotypeIndex:
    """Prefix-friendly inverted index over labels + synonyms."""

    def __init__(self, kb: KnowledgeBase, root: str = PHENOTYPIC_ABNORMALITY) -> None:
        self.kb = kb
        if root in kb.term_index:
            allowed = sorted(kb.descendants(kb.term_index[root]) - {kb.term_index[root]})
        else:  # a tiny test ontology without the usual root
            allowed = [i for i in range(len(kb.term_ids)) if len(kb.parents(i))]
        self._allowed = frozenset(allowed)
        counts = np.bincount(kb.link_term, minlength=len(kb.term_ids)) if len(kb.link_term) else None
        self.entry_term: list[int] = []
        self.entry_text: list[str] = []
        self.entry_norm: list[str] = []
        self.entry_lang: list[str] = []
        self.entry_kind: list[int] = []
        self.entry_layperson: list[bool] = []
        self.entry_abbreviation: list[bool] = []
        self._static: list[float] = []  # query-independent part of the rank score
        info = kb.term_info
        for t in allowed:
            term_id = kb.term_ids[t]
            popularity = math.log10(1 + (int(counts[t]) if counts is not None else 0))
            self._add(t, kb.term_names[t], "en", LABEL, False, popularity)
            for text, scope, kind in info["synonyms"].get(term_id, []):
                rank = EXACT_SYNONYM if scope == "EXACT" else OTHER_SYNONYM
                self._add(
                    t, text, "en", rank, kind == "layperson", popularity, abbreviation=kind == "abbreviation"
                )
            if term_id in info["labels_es"]:
                self._add(t, info["labels_es"][term_id], "es", LABEL, False, popularity)
            for text in info["synonyms_es"].get(term_id, []):
                self._add(t, text, "es", EXACT_SYNONYM, True, popularity)
        postings: dict[str, list[int]] = defaultdict(list)
        for entry, norm in enumerate(self.entry_norm):
            for token in set(norm.split()):
                postings[token].append(entry)
        self._vocab = sorted(postings)
        self._postings = [postings[token] for token in self._vocab]

    def _add(
        self,
        t: int,
        text: str,
        lang: str,
        kind: int,
        layperson: bool,
        popularity: float,
        abbreviation: bool = False,
    ) -> None:
        norm = normalize(text)
        if not norm:
            return
        self.entry_term.append(t)
        self.entry_text.append(text)
        self.entry_norm.append(norm)
        self.entry_lang.append(lang)
        self.entry_kind.append(kind)
        self.entry_layperson.append(layperson)
        self.entry_abbreviation.append(abbreviation)
        self._static.append(1.2 * kind + (1.0 if abbreviation else 0.0) - 1.5 * popularity + len(norm) / 30)

    # ---- autocomplete --------------------------------------------------------------------------
    def _prefix_entries(self, prefix: str) -> set[int]:
        found: set[int] = set()
        start = bisect.bisect_left(self._vocab, prefix)
        for position in range(start, len(self._vocab)):
            if not self._vocab[position].startswith(prefix):
                break
            found.update(self._postings[position])
        return found

    def _word_entries(self, word: str) -> set[int]:
        """Entries holding `word` as a whole word (or as its plural in -s, as `_fold` reads plurals)."""
        found: set[int] = set()
        forms = (word, word + "s") if _fold(word + "s") == word else (word,)
        for form in forms:
            position = bisect.bisect_left(self._vocab, form)
            if position < len(self._vocab) and self._vocab[position] == form:
                found.update(self._postings[position])
        return found

    def search(self, query: str, lang: str = "en", limit: int = 10) -> list[Match]:
        """Terms whose label or synonym contains every query word as a word prefix, best first.

        Whole-word matches rank first; when some label or synonym has every query word as a whole word
        (or its plural), entries matching only inside a later word's prefix are left out."""
        lang = lang if lang in LANGS else "en"
        by_id = _ID_QUERY.match(query or "")
        if by_id:
            term, _ = self.kb.resolve_term(f"HP:{by_id.group(1)}")
            if term is None or self.kb.term_index[term] not in self._allowed:
                return []
            label = self.kb.label(term, lang)
            return [Match(term, label, self.kb.label(term), term, "id", lang, False)]
        norm = normalize(query or "")
        tokens = norm.split()
        if not tokens or limit <= 0:
            return []
        sets = sorted((self._prefix_entries(token) for token in dict.fromkeys(tokens)), key=len)
        candidates = sets[0].intersection(*sets[1:]) if sets else set()
        best: dict[int, tuple[float, int]] = {}
        first = tokens[0]
        whole_sets = sorted((self._word_entries(token) for token in dict.fromkeys(tokens)), key=len)
        whole_entries = whole_sets[0].intersection(*whole_sets[1:])
        any_whole = bool(whole_entries)
        scored: list[tuple[float, int, bool, int]] = []
        for entry in candidates:
            text = self.entry_norm[entry]
            if text == norm:
                tier = 0
            elif text.startswith(norm):
                tier = 1
            elif text.startswith(first):
                tier = 2
            else:
                tier = 3
            whole = entry in whole_entries
            score = 4.0 * tier + self._static[entry] + (0.0 if self.entry_lang[entry] == lang else 1.5)
            scored.append((score + (0.0 if whole else 2.0), entry, whole, tier))
        for score, entry, whole, tier in scored:
            if any_whole and not whole and tier == 3:
                continue  # "tos" is a whole word: "Rasgos faciales toscos" is not what was meant
            term = self.entry_term[entry]
            if term not in best or score < best[term][0]:
                best[term] = (score, entry)
        top = heapq.nsmallest(limit, best.values())
        results = []
        for _, entry in top:
            term_id = self.kb.term_ids[self.entry_term[entry]]
            label = self.kb.label(term_id, lang)
            kind = "label" if self.entry_kind[entry] == LABEL else "synonym"
            results.append(
                Match(
                    term_id,
                    label,
                    self.kb.label(term_id),
                    self.entry_text[entry],
                    kind,
                    self.entry_lang[entry],
                    self.entry_layperson[entry],
                )
            )
        return results


_CACHE: dict[tuple[str, int], PhenotypeIndex] = {}
_CACHE_LOCK = threading.Lock()


def phenotype_index(kb: KnowledgeBase) -> PhenotypeIndex:
    """The index for this KB build (built once, kept for the two most recent builds)."""
    key = (kb.version, len(kb.term_ids))
    with _CACHE_LOCK:
        index = _CACHE.get(key)
        if index is None:
            index = PhenotypeIndex(kb)
            _CACHE[key] = index
            while len(_CACHE) > 2:
                _CACHE.pop(next(iter(_CACHE)))
        return index
