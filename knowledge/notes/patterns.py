"""Findings described rather than named: a head phrase ("short of breath") with a qualifying phrase near it
in the same sentence ("when lying flat") names a more specific finding (orthopnea); the reviewed table is
ontologies/curation/note_patterns.tsv, compiled into the knowledge base."""

from __future__ import annotations

from knowledge.kb import KnowledgeBase
from knowledge.notes.matching import PhraseMatch
from knowledge.notes.text import fold, normalize, words

__all__ = ["SentencePatterns"]

WINDOW = 10  # tokens between the head and its qualifier, either side
_DENIALS = frozenset(fold(w) for w in ("not", "no", "never", "non", "nor", "ni", "sin", "nunca"))
_COPULAS = frozenset(fold(w) for w in words("is are was were looks feels esta estan estaba estaban parece"))
_MOVES = frozenset(
    fold(w)
    for w in words("go goes went spread spreads radiate radiates move moves travel travels irradia baja va")
)
_AUXILIARIES = frozenset(fold(w) for w in words("doesn don didn isn wasn hasn won"))


def _denied(folded: list[str], opens: int, position: int) -> bool:
    """A denial right before a described finding's word, or before its linking or moving verb ("no está
    enrojecida", "doesn't go down the legs", "no se irradia a la pierna"), after the described words open."""
    before = position - 1
    if before > opens and (folded[before] in _COPULAS or folded[before] in _MOVES):
        before -= 1
        if before > opens and folded[before] == "se":  # "no se irradia"
            before -= 1
    if before > opens and folded[before] == "t" and folded[before - 1] in _AUXILIARIES:
        return True  # "doesn't go", "didn't spread" ("doesn t" in the note's words)
    return opens < position and before >= opens and folded[before] in _DENIALS


HEAD, QUALIFIER = 0, 1


class SentencePatterns:
    """The compiled note patterns of one knowledge base, indexed by their first folded word."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._index: dict[str, list[tuple[tuple[str, ...], int, int]]] = {}
        self._terms: list[int] = []
        for term, _, heads, qualifiers in kb.term_info.get("note_patterns", []):
            if term not in kb.term_index:
                continue
            number = len(self._terms)
            self._terms.append(kb.term_index[term])
            for role, phrases in ((HEAD, heads), (QUALIFIER, qualifiers)):
                for phrase in phrases:
                    key = tuple(fold(word) for word in normalize(phrase).split())
                    if not key:
                        continue
                    entries = self._index.setdefault(key[0], [])
                    if (key, number, role) not in entries:  # ("period" and "periods" fold alike)
                        entries.append((key, number, role))

    def match(self, tokens, skip: set[int]) -> tuple[list[PhraseMatch], set[int]]:
        """A match on each head phrase that has a qualifier within WINDOW tokens in its sentence, and the
        qualifiers' token positions ("when coughing" qualifies the leak: it is not a cough)."""
        if not self._index:
            return [], set()
        folded = [fold(word) for word in tokens.norm]
        hits: dict[int, tuple[list[tuple[int, int]], list[tuple[int, int]]]] = {}
        for position, word in enumerate(folded):
            for key, number, role in self._index.get(word, ()):
                end = position + len(key)
                if tuple(folded[position:end]) != key or any(p in skip for p in range(position, end)):
                    continue
                heads, qualifiers = hits.setdefault(number, ([], []))
                if role == HEAD:
                    heads.append((position, end - 1))
                else:
                    qualifiers.append((position, end - 1))
        matches, used = [], set()
        for number, (heads, qualifiers) in hits.items():
            for first, last in heads:
                near = [
                    (q_first, q_last)
                    for q_first, q_last in qualifiers
                    if tokens.sentence[q_first] == tokens.sentence[first]
                    and (first - WINDOW <= q_first < first or last < q_first <= last + WINDOW)
                ]
                if near:
                    opens = min(first, *(q_first for q_first, _ in near))
                    # "the skin is not red": a negation inside the described words, right before the head
                    # or a qualifier after the opening, denies it (the reader looks before the opening only)
                    denied = any(_denied(folded, opens, p) for p in [first, *(q for q, _ in near)])
                    matches.append(PhraseMatch(first, last, self._terms[number], denied, True, opens))
                    used.update(p for q_first, q_last in near for p in range(q_first, q_last + 1))
        return matches, used
