"""Misspelt words of a note read as the lexicon word they are one slip from: "amennorhea" ~ "amenorrhea",
"palpitaion" ~ "palpitation", "hematemsis" ~ "hematemesis" (one slip: a letter left out, added, changed or
two swapped; two in a word of ten letters or more). Only rare words (not ordinary English or Spanish, by
wordfreq) of seven letters or more, with the same first letter and one candidate, are read so: "smelling"
stays "smelling", not "swelling"; "colicky" is not "cowlick"."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

__all__ = ["MIN_LENGTH", "Speller", "allowed_slips"]

MIN_LENGTH = 7  # shorter words are too close to each other to correct
COMMON_ZIPF = 2.5  # a word at least this frequent in English or Spanish is a word, not a slip


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


def _deletes(word: str) -> set[str]:
    """The word with one letter left out, each way."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@lru_cache(maxsize=65536)
def _common(word: str) -> bool:
    """Whether the word is ordinary English or Spanish (wordfreq's Zipf frequency)."""
    from wordfreq import zipf_frequency

    return max(zipf_frequency(word, "en"), zipf_frequency(word, "es")) >= COMMON_ZIPF


class Speller:
    """The lexicon's words indexed by their one-letter deletions (symmetric delete), for one-slip lookups."""

    def __init__(self, words: Iterable[str]) -> None:
        self._index: dict[str, set[str]] = {}
        for word in words:
            if len(word) >= MIN_LENGTH and word.isalpha():
                for variant in _deletes(word) | {word}:
                    self._index.setdefault(variant, set()).add(word)

    def correct(self, folded: str, norm: str) -> str | None:
        """The one lexicon word a rare note word (`norm`, folded as `folded`) is a slip of, else None."""
        if len(folded) < MIN_LENGTH or not folded.isalpha():
            return None
        found: set[str] = set()
        for variant in _deletes(folded) | {folded}:
            found |= self._index.get(variant, set())
        limit = allowed_slips(folded)
        found = {w for w in found if w[0] == folded[0] and w != folded and _slips(folded, w) <= limit}
        if len(found) != 1 or _common(norm):
            return None
        return found.pop()
