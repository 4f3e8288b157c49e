"""The note scrubber's straightforward path as it was before the de-identification speed-up (`Scrubber.spans`
at commit ac9b08f): presidio's recognizers `analyze` the whole text, every own pattern runs over the whole
text, the record's identifiers are found in per-character folded views. Frozen here so
benchmarks/notes_speed.py can time old and new de-identification in one run and
tests/test_deid_equivalence.py can check the fast path scrubs exactly the same. Not used by the product.

It shares with the product only what both must agree on: the pattern and name lists
(learning/privacy/patterns.py), the person-name recogniser and presidio's recognizers themselves.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import cached_property

from learning.ingest.values import fold
from learning.privacy.anonymize import PLACEHOLDERS, Scrubber
from learning.privacy.patterns import CAPITALISED_RUN, FIRST_NAMES, GATES, OWN_PATTERNS, PHONE_WINDOW
from learning.privacy.recognizers import presidio_recognizers


def _fold_char(char: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).lower()
    return plain[:1] if plain else char


class _TextView:
    """Accent- and case-folded views of a text, with offsets back into it, for plain substring search."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = "".join(_fold_char(c) if ord(c) > 127 else c.lower() for c in text)
        positions = [i for i, c in enumerate(self.folded) if c.isalnum()]
        self.alnum = "".join(self.folded[i] for i in positions)
        self.alnum_positions = positions

    def _free(self, start: int, end: int) -> bool:
        before = self.folded[start - 1] if start > 0 else " "
        after = self.folded[end] if end < len(self.folded) else " "
        return not before.isalnum() and not after.isalnum()

    def find(self, term: str) -> list[tuple[int, int]]:
        """Spans of a known identifier: words matched whole; id-like values with any separators."""
        plain = "".join(_fold_char(c) if ord(c) > 127 else c.lower() for c in term.strip())
        alnum = "".join(c for c in plain if c.isalnum())
        if len(alnum) < 3:
            return []
        digits = sum(c.isdigit() for c in alnum)
        spans: list[tuple[int, int]] = []
        if digits >= max(3, len(alnum) // 2):  # id-like: separators anywhere between characters
            start = self.alnum.find(alnum)
            while start >= 0:
                first = self.alnum_positions[start]
                last = self.alnum_positions[start + len(alnum) - 1] + 1
                if self._free(first, last):
                    spans.append((first, last))
                start = self.alnum.find(alnum, start + 1)
            return spans
        needle = " ".join(plain.split())
        start = self.folded.find(needle)
        while start >= 0:
            if self._free(start, start + len(needle)):
                spans.append((start, start + len(needle)))
            start = self.folded.find(needle, start + 1)
        return spans


class OldScrubber(Scrubber):
    """The scrubber with its spans found the straightforward way (presidio's `analyze` on whole texts)."""

    @cached_property
    def _recognizers(self) -> list:
        return presidio_recognizers(self.phone_regions, pieces=False)

    def spans(self, text: str, known: Iterable[str] = ()) -> list[tuple[int, int, str]]:
        """(start, end, kind) of every identifier found, overlapping spans merged."""
        found: list[tuple[int, int, str]] = []
        known = list(known)
        if known:
            view = _TextView(text)
            for term in known:
                found.extend((start, end, "KNOWN") for start, end in view.find(term))
        own: list[tuple[int, int, str]] = []
        for kind, pattern, group in OWN_PATTERNS:
            for match in pattern.finditer(text):
                if kind == "PHONE_NUMBER" and sum(c.isdigit() for c in match.group()) < 7:
                    continue
                own.append((match.start(group), match.end(group), kind))
        found.extend(own)
        for recognizer in self._recognizers:
            name = type(recognizer).__name__
            if name == "PhoneRecognizer":
                found.extend(self._phones(recognizer, text, _merge(list(found))))
                continue
            gate = GATES.get(name)
            if gate is not None and not gate(text):
                continue
            for result in recognizer.analyze(text, recognizer.supported_entities, None):
                found.append((result.start, result.end, result.entity_type))
        protected = self.names.protected if self.use_names else frozenset()
        for match in CAPITALISED_RUN.finditer(text):
            first = fold(match.group().split()[0])
            if first in FIRST_NAMES and first not in protected:  # "Rosa Flores", not "Rosa pálido"
                found.append((match.start(), match.end(), "NAME"))
        if self.use_names:
            found.extend((start, end, "NAME") for start, end in self.names.spans(text))
        return _merge(found)

    @staticmethod
    def _phones(recognizer, text: str, covered: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """presidio's phone recognizer on the digit runs not already covered (it is the slow one)."""
        spans = []
        for window in PHONE_WINDOW.finditer(text):
            if any(start <= window.start() and window.end() <= end for start, end, _ in covered):
                continue
            start = max(0, window.start() - 4)
            piece = text[start : window.end() + 1]
            for result in recognizer.analyze(piece, recognizer.supported_entities, None):
                spans.append((start + result.start, start + result.end, result.entity_type))
        return spans

    def scrub(self, text: str, known: Iterable[str] = ()) -> str:
        """The text with every identifier found replaced by its placeholder."""
        if not text:
            return text
        pieces, last = [], 0
        for start, end, kind in self.spans(text, known):
            pieces.append(text[last:start])
            pieces.append(PLACEHOLDERS.get(kind, "[REDACTED]"))
            last = end
        pieces.append(text[last:])
        return "".join(pieces)


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            previous = merged[-1]
            merged[-1] = (previous[0], max(previous[1], end), previous[2])
        else:
            merged.append((start, end, kind))
    return merged
