"""Phenotype search (autocomplete) and a small free-text symptom extractor, English and Spanish.

One `PhenotypeIndex` is built per knowledge base (`phenotype_index(kb)` caches it by KB version) over the
labels and synonyms (layperson ones included) of the phenotypic-abnormality terms, in English and
Spanish. Matching is accent- and case-insensitive; every query word may be a prefix ("dol cab" finds
"Dolor de cabeza"). `extract` finds terms named in a clinical note and marks negated ones ("no X",
"sin X", "niega X", "denies X", "X ausente") as absent, with a severity when one is stated nearby.
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

PHENOTYPIC_ABNORMALITY = "HP:0000118"
LANGS = ("en", "es")
_WORD = re.compile(r"[^\W_]+")
_ID_QUERY = re.compile(r"^\s*(?:hp\s*[:_]?\s*)?(\d{7})\s*$", re.IGNORECASE)

# extraction vocabulary (normalized: lower case, no accents)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


NEGATION_CUES = _words(
    "no not denies denied deny denying without nor never absence "
    "sin niega nego niegan negando ni nunca ausencia descarta descartado descartada"
)
NEGATION_NEEDS_NEXT = {"negative": {"for"}, "negativo": {"para", "a"}, "negativa": {"para", "a"}}
NEGATION_AFTER = _words(
    "absent negative denied excluded ausente ausentes negativo negativa negado negada descartado descartada"
)
SCOPE_END = _words(
    "but however although though except yet with has have reports complains presents "
    "pero aunque sino excepto salvo con refiere tiene presento"
)
SEVERITY_WORDS = {
    **dict.fromkeys(_words("mild slight light leve leves ligero ligera"), "mild"),
    **dict.fromkeys(_words("moderate moderado moderada"), "moderate"),
    **dict.fromkeys(_words("severe intense marked serious severo severa intenso intensa grave"), "severe"),
}
_SENTENCE_END = re.compile(r"[.;:!?\n\r]+")
_GENERIC = frozenset(
    ["all", "abnormal", "abnormality", "normal", "increased", "decreased", "other", "unknown", "anomalia"]
)

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


@dataclass(frozen=True)
class Mention:
    """A term found in free text, for the doctor to confirm."""

    term: str
    label: str
    present: bool
    severity: str | None
    text: str  # the words of the note that matched
    start: int  # character offsets in the note
    end: int

    def as_dict(self) -> dict:
        return {
            "id": self.term,
            "label": self.label,
            "present": self.present,
            "severity": self.severity,
            "text": self.text,
            "start": self.start,
            "end": self.end,
        }


class PhenotypeIndex:
    """Prefix-friendly inverted index over labels + synonyms, and a phrase table for notes."""

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
        self._phrases = self._phrase_table()
        self._max_phrase = max((len(p) for p in self._phrases), default=0)

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

    # ---- free text -----------------------------------------------------------------------------
    def _phrase_table(self) -> dict[tuple[str, ...], tuple[int, bool]]:
        """Folded token tuple -> (best term, abbreviation?) over labels and exact/layperson synonyms."""
        table: dict[tuple[str, ...], tuple[float, int, bool]] = {}
        for entry, norm in enumerate(self.entry_norm):
            if self.entry_kind[entry] == OTHER_SYNONYM and not self.entry_layperson[entry]:
                continue
            abbreviation = self.entry_abbreviation[entry]
            if len(norm) < 3 or norm in _GENERIC:
                continue
            key = tuple(_fold(t) for t in norm.split())
            score = self._static[entry]
            if key not in table or score < table[key][0]:
                table[key] = (score, self.entry_term[entry], abbreviation)
        return {key: (term, abbreviation) for key, (_, term, abbreviation) in table.items()}

    def extract(self, text: str, lang: str = "en", limit: int = 50) -> list[Mention]:
        """Terms named in a note, each marked present or absent (negation) with an optional severity."""
        mentions: list[Mention] = []
        seen: set[int] = set()
        for sentence_start, sentence in _sentences(text or ""):
            words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(sentence)]
            tokens = [normalize(w) for _, _, w in words]
            folded = [_fold(t) for t in tokens]
            negated_from: int | None = None
            position = 0
            while position < len(tokens):
                token = tokens[position]
                if token in SCOPE_END:
                    negated_from = None
                if token in NEGATION_CUES or (
                    token in NEGATION_NEEDS_NEXT
                    and position + 1 < len(tokens)
                    and tokens[position + 1] in NEGATION_NEEDS_NEXT[token]
                ):
                    negated_from = position
                found = self._longest_at(folded, words, position)
                if found is None:
                    position += 1
                    continue
                term, length = found
                end = position + length
                if term not in seen and len(mentions) < limit:
                    seen.add(term)
                    after = tokens[end : end + 3]
                    absent = negated_from is not None or any(t in NEGATION_AFTER for t in after[:2])
                    severity = next(
                        (
                            SEVERITY_WORDS[t]
                            for t in tokens[max(0, position - 2) : position] + after[:2]
                            if t in SEVERITY_WORDS
                        ),
                        None,
                    )
                    start_char, end_char = words[position][0], words[end - 1][1]
                    term_id = self.kb.term_ids[term]
                    mentions.append(
                        Mention(
                            term_id,
                            self.kb.label(term_id, lang),
                            not absent,
                            severity,
                            sentence[start_char:end_char],
                            sentence_start + start_char,
                            sentence_start + end_char,
                        )
                    )
                position = end
        return mentions

    def _longest_at(
        self, folded: list[str], words: list[tuple[int, int, str]], position: int
    ) -> tuple[int, int] | None:
        for length in range(min(self._max_phrase, len(folded) - position), 0, -1):
            hit = self._phrases.get(tuple(folded[position : position + length]))
            if hit is None:
                continue
            term, abbreviation = hit
            if abbreviation and not all(w.isupper() for _, _, w in words[position : position + length]):
                continue
            return term, length
        return None


def _sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pieces split at sentence punctuation and line breaks."""
    pieces = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        pieces.append((start, text[start : match.start()]))
        start = match.end()
    pieces.append((start, text[start:]))
    return [(offset, piece) for offset, piece in pieces if piece.strip()]


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
