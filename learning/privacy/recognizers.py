"""presidio's pattern recognizers, offline, run only on the pieces of a text that could hold a match.

presidio runs each of its patterns over the whole text and builds result objects for every match; the
URL pattern alone (a long alternation of top-level domains, tried at every letter) cost half a
millisecond a note. Here the e-mail, URL, Spanish NIF and NIE and date recognizers run their own
patterns, with their own flags, validation and scores, only on the whitespace-delimited pieces of the
text that hold what every match of theirs must hold (an "@", a dot before a letter, seven digits, a digit
next to a date separator), and the results are the same spans presidio's `analyze` gives:

- none of those patterns can match across a space, tab or line break (their characters are word
  characters, digits and punctuation), so every match lies inside one piece;
- their only context is a word boundary (no anchors, no lookarounds), and a piece is bounded by
  whitespace or the ends of the text, so a piece matches the same alone as in the text;
- the pieces are joined by single spaces and searched once per pattern, the spans mapped back.

presidio's removal of duplicates is left out: it drops only a result inside another of the same entity,
which covers nothing more once the spans are merged. The IBAN recognizer (its numbers may hold spaces)
and the phone recognizer (learning/privacy/anonymize.py runs it on digit runs) keep presidio's `analyze`.
tests/test_deid_equivalence.py checks the spans against presidio's own path, and that presidio's patterns
are the ones the triggers below were written for.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from learning.privacy.patterns import GATES

if TYPE_CHECKING:
    from presidio_analyzer import EntityRecognizer, PatternRecognizer

__all__ = ["PieceRecognizer", "TRIGGERS", "presidio_recognizers"]

log = logging.getLogger(__name__)

_NEXT_WHITESPACE = re.compile(r"[ \t\n\r\f\v]")  # no match of the recognizers below holds one of these
# an ASCII digit, or any non-ASCII character (it may be a digit to the regex module's newer Unicode table)
_DIGIT_OR_NON_ASCII = r"[^\x00-\x2f\x3a-\x7f]"
# what every match of a recognizer holds (a necessary condition, never a sufficient one), each written to
# start with a character or a set of them, which the regular expression engine looks for quickly
TRIGGERS: dict[str, str] = {
    "OfflineEmailRecognizer": "@",
    "UrlRecognizer": r"\.[^\W\d_]",  # a dot before the top-level domain, which starts with a letter
    "EsNifRecognizer": "[0-9][0-9]{6}",
    "EsNieRecognizer": "[0-9][0-9]{6}",
    # every date pattern has a digit next to one of its separators: "03/07/2023", "12-JAN", "JAN-2024"
    "DateRecognizer": rf"[/.\-](?<={_DIGIT_OR_NON_ASCII}.)|[/.\-]{_DIGIT_OR_NON_ASCII}",
}
LONG_TEXT = 1000  # pieces longer than this together are searched with presidio's time limit


def _pieces(text: str, trigger: re.Pattern[str]) -> list[tuple[int, int]]:
    """(start, end) of the whitespace-delimited pieces of a text that hold a match of `trigger`."""
    found: list[tuple[int, int]] = []
    end = -1
    for match in trigger.finditer(text):
        if match.start() < end:  # in the piece found last
            continue
        start = text.rfind(" ", 0, match.start()) + 1
        for space in "\t\n\r\f\v":  # a nearer other whitespace
            before = text.rfind(space, start, match.start())
            if before >= 0:
                start = before + 1
        after = _NEXT_WHITESPACE.search(text, match.end())
        end = after.start() if after else len(text)
        found.append((start, end))
    return found


class PieceRecognizer:
    """One presidio pattern recognizer, run with its own patterns, flags, validation and scores on the
    pieces of a text that hold its trigger; `gate`, when given, must hold for the text as a whole."""

    def __init__(
        self, recognizer: PatternRecognizer, trigger: str, gate: Callable[[str], object] | None = None
    ) -> None:
        import regex
        from presidio_analyzer import EntityRecognizer
        from presidio_analyzer.pattern_recognizer import REGEX_TIMEOUT_SECONDS

        self.recognizer = recognizer
        self.name = type(recognizer).__name__
        self.entity = recognizer.supported_entities[0]
        self.gate = gate
        self.trigger = re.compile(trigger)
        self.timeout = REGEX_TIMEOUT_SECONDS
        self.min_score, self.max_score = EntityRecognizer.MIN_SCORE, EntityRecognizer.MAX_SCORE
        flags = recognizer.global_regex_flags
        self.patterns = [(regex.compile(p.regex, flags=flags), p.score) for p in recognizer.patterns]

    def spans(
        self, text: str, pieces: dict[re.Pattern[str], list[tuple[int, int]]] | None = None
    ) -> list[tuple[int, int, str]]:
        """(start, end, entity) of what presidio's `analyze` of the recognizer finds in the whole text;
        `pieces` keeps the pieces found for each trigger, for other recognizers of the same text."""
        if self.gate is not None and not self.gate(text):
            return []
        found = pieces.get(self.trigger) if pieces is not None else None
        if found is None:
            found = _pieces(text, self.trigger)
            if pieces is not None:
                pieces[self.trigger] = found
        if not found:
            return []
        starts, offset = [], 0  # where each piece starts in the joined text
        for start, end in found:
            starts.append(offset)
            offset += end - start + 1
        joined = " ".join(text[start:end] for start, end in found)
        spans = []
        timeout = self.timeout if len(joined) > LONG_TEXT else None  # short: no time limit to set up
        for compiled, score in self.patterns:
            try:
                for match in compiled.finditer(joined, timeout=timeout):
                    start, end = match.span()
                    if start < end and self._kept(match.group(), score):
                        piece = bisect.bisect_right(starts, start) - 1
                        shift = found[piece][0] - starts[piece]
                        spans.append((start + shift, end + shift, self.entity))
            except TimeoutError:  # presidio would skip the pattern: scrub every piece instead
                log.warning("%s: a pattern timed out; every candidate piece is scrubbed", self.name)
                spans.extend((start, end, self.entity) for start, end in found)
        return spans

    def _kept(self, matched: str, score: float) -> bool:
        """presidio's scoring of a match: validation sets the maximum or the minimum score, invalidation the
        minimum, and only a match above the minimum is a result."""
        validation = self.recognizer.validate_result(matched)
        if validation is not None:
            score = self.max_score if validation else self.min_score
        if self.recognizer.invalidate_result(matched):
            score = self.min_score
        return score > self.min_score


def presidio_recognizers(
    phone_regions: tuple[str, ...], pieces: bool = True
) -> list[PieceRecognizer | EntityRecognizer]:
    """presidio's recognizers for e-mail (with the bundled public-suffix snapshot instead of a download),
    URL, Spanish NIF and NIE, date, IBAN and phone, in the scrubber's order; with `pieces`, those with a
    trigger as PieceRecognizer (the rest as presidio's own objects)."""
    import tldextract
    from presidio_analyzer.predefined_recognizers import (
        DateRecognizer,
        EmailRecognizer,
        EsNieRecognizer,
        EsNifRecognizer,
        IbanRecognizer,
        PhoneRecognizer,
        UrlRecognizer,
    )

    offline = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    class OfflineEmailRecognizer(EmailRecognizer):
        """presidio's e-mail recognizer without the public-suffix-list download."""

        def validate_result(self, pattern_text: str) -> bool:
            return offline(pattern_text.split("@")[-1]).fqdn != ""

    recognizers = [
        OfflineEmailRecognizer(),
        UrlRecognizer(),
        EsNifRecognizer(),
        EsNieRecognizer(),
        DateRecognizer(),
        IbanRecognizer(),
        PhoneRecognizer(supported_regions=phone_regions),
    ]
    if not pieces:
        return recognizers
    return [
        PieceRecognizer(r, TRIGGERS[type(r).__name__], GATES.get(type(r).__name__))
        if type(r).__name__ in TRIGGERS
        else r
        for r in recognizers
    ]
