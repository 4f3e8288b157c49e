"""The note scrubber's straightforward path as it was before the de-identification speed-up (`Scrubber.spans`
at commit ac9b08f): presidio's recognizers `analyze` the whole text, every own pattern runs over the whole
text, the record's identifiers are found in per-character folded views. Frozen here so
benchmarks/notes_speed.py can time old and new de-identification in one run and
tests/test_deid_equivalence.py can check the fast path scrubs exactly the same. Not used by the product.

It shares with the product only what both must agree on: the pattern and name lists
(learning/privacy/patterns.py), the name lexicon and how the person-name recogniser judges a word and a
run of words, and presidio's recognizers themselves; the recogniser's reading of a text into words and
runs is frozen here too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cached_property

from learning.ingest.values import fold
from learning.privacy.anonymize import PLACEHOLDERS, Scrubber
from learning.privacy.patterns import CAPITALISED_RUN, FIRST_NAMES, GATES, OWN_PATTERNS, PHONE_WINDOW
from learning.privacy.person_names import (
    _SENTENCE_START,
    EPONYM_AFTER,
    EPONYM_BEFORE,
    PARTICLES,
    TOKEN,
    NameRecognizer,
    _Token,
)
from learning.privacy.person_names import fold as fold_name
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


class OldNameRecognizer(NameRecognizer):
    """The person-name recogniser reading a text into words and runs as it did."""

    def tokens(self, text: str) -> list[_Token]:
        """The words of a text with what the recogniser needs of each."""
        found: list[_Token] = []
        starts = {m.end() for m in _SENTENCE_START.finditer(text)}
        for match in TOKEN.finditer(text):
            word = match.group()
            kind = self._word_kind(word)
            capitalised = word[0].isupper() and (len(word) > 3 or not word.isupper())
            parts = self._parts(word)
            found.append(
                _Token(match.start(), match.end(), word, parts, capitalised, match.start() in starts, kind)
            )
        return found

    def _runs(self, text: str, tokens: list[_Token]) -> list[list[_Token]]:
        runs: list[list[_Token]] = []
        current: list[_Token] = []
        pending: list[_Token] = []  # particles waiting for a name after them
        for token in tokens:
            after_lower_name = bool(current) and not current[-1].capitalised and current[-1].kind == "strong"
            namelike = (
                token.capitalised
                or token.kind == "strong"
                or (after_lower_name and token.kind == "ambiguous")
            )
            gap = text[(pending or current)[-1].end : token.start] if (pending or current) else ""
            joined = bool(current) and re.fullmatch(r"[ \t]{1,3}|[ \t]*,?[ \t]*", gap) is not None
            if namelike and token.text.lower() not in PARTICLES:
                if current and joined:
                    current.extend(pending)
                    current.append(token)
                else:
                    if current:
                        runs.append(current)
                    current = [token]
                pending = []
            elif current and joined and token.text.lower() in PARTICLES and len(pending) < 2:
                pending.append(token)
            else:
                if current:
                    runs.append(current)
                current, pending = [], []
        if current:
            runs.append(current)
        return runs

    def _eponym(self, text: str, run: list[_Token]) -> bool:
        after = re.match(r"\s*([^\W\d_]+)", text[run[-1].end :])
        if after and fold_name(after.group(1)) in EPONYM_AFTER:
            return True
        before = fold_name(text[max(0, run[0].start - 20) : run[0].start]).strip()
        return before.endswith(EPONYM_BEFORE)


class OldScrubber(Scrubber):
    """The scrubber with its spans found the straightforward way (presidio's `analyze` on whole texts)."""

    @cached_property
    def names(self) -> OldNameRecognizer:
        """The person-name recogniser as it was."""
        protected = self._protected() if callable(self._protected) else self._protected
        return OldNameRecognizer(protected)

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
