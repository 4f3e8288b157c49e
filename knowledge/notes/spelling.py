"""Misspelt words of a note read as the lexicon word they are one slip from: "palpitaion" ~ "palpitation",
"hematemsis" ~ "hematemesis", "amennorhea" ~ "amenorrhea" (one slip: a letter left out, added, changed or two
swapped; in a word of ten letters or more, also a doubled letter misplaced). Only rare words (not ordinary
English or Spanish, by wordfreq) of seven letters or more, with the same first letter and one candidate, are
read so: "smelling" stays "smelling", not "swelling"; "colicky" is not "cowlick". The candidates are the
note word's one-slip variants looked up in the lexicon's words (no index of variants kept: a few megabytes,
not tens)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["MIN_LENGTH", "Speller", "allowed_slips"]

MIN_LENGTH = 7  # shorter words are too close to each other to correct
COMMON_ZIPF = 2.5  # a word at least this frequent in English or Spanish is a word, not a slip
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_DOUBLED = re.compile(r"(.)\1+")


def _slips(a: str, b: str) -> int:
    """Optimal string alignment distance (a letter left out, added, changed, or two neighbours swapped)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def allowed_slips(word: str) -> int:
    """One slip in a word of up to nine letters, two in a longer one."""
    return 1 if len(word) < 10 else 2


def _one_slip(word: str) -> set[str]:
    """Every string one slip from the word (left out, swapped, changed, added)."""
    cuts = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in cuts if b}
        | {a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1}
        | {a + c + b[1:] for a, b in cuts if b for c in _LETTERS}
        | {a + c + b for a, b in cuts for c in _LETTERS}
    )


def _undoubled(word: str) -> str:
    """The word with each run of a letter written once ("amennorhea", "amenorrhea" ~ "amenorhea")."""
    return _DOUBLED.sub(r"\1", word)


@lru_cache(maxsize=65536)
def _common(word: str) -> bool:
    """Whether the word is ordinary English or Spanish (wordfreq's Zipf frequency)."""
    from wordfreq import zipf_frequency

    return max(zipf_frequency(word, "en"), zipf_frequency(word, "es")) >= COMMON_ZIPF


class Speller:
    """The lexicon's words of seven letters or more, and the long ones by their letters written once."""

    def __init__(self, words: Iterable[str]) -> None:
        self._words = frozenset(w for w in words if len(w) >= MIN_LENGTH and w.isalpha())
        self._undoubled: dict[str, set[str]] = {}  # ("papiledema": papiledema and papilledema)
        for word in self._words:
            if len(word) >= 10:
                self._undoubled.setdefault(_undoubled(word), set()).add(word)

    def correct(self, folded: str, norm: str) -> str | None:
        """The one lexicon word a rare note word (`norm`, folded as `folded`) is a slip of, else None."""
        if len(folded) < MIN_LENGTH or not folded.isalpha():
            return None
        found = _one_slip(folded) & self._words
        if len(folded) >= 10:
            single = _undoubled(folded)
            for variant in _one_slip(single) | {single}:
                found |= self._undoubled.get(variant, set())
        limit = allowed_slips(folded)
        slips = {w: _slips(folded, w) for w in found if w[0] == folded[0] and w != folded}
        slips = {w: n for w, n in slips.items() if n <= limit}
        if not slips or _common(norm):
            return None
        fewest = min(slips.values())  # the nearest word: "papilloedema" is papilledema, not papiledema
        nearest = [w for w, n in slips.items() if n == fewest]
        return nearest[0] if len(nearest) == 1 else None
