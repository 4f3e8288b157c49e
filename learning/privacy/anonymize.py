"""De-identification before storage: free-text scrubbing, patient-id normalisation, quasi-identifier
generalisation.

Free text is scrubbed of (1) the record's own identifiers (its name, phone, e-mail, national id, record
number, address, city, birth date: matched case-, accent- and separator-insensitively, names also word by
word), (2) presidio's pattern recognizers run offline without any NLP model (e-mail with the bundled
public-suffix snapshot instead of a download, phone numbers, Spanish NIF and NIE, dates, URLs, IBAN) and
(3) our own patterns: labelled record numbers (NHC, MRN, CIP...), long digit runs, whole phone numbers
(international ones included: never "+44 7700 [NUMBER]"), street addresses, spelled-out dates, names
after a title or a cue word ("Dr. Jean-Baptiste", "dr. belmonte-ugarte", "paciente: Ana", "su madre
Carmen") or starting with a common first name, and (4) person names without any cue, recognised from a
census name lexicon (learning/privacy/person_names.py: "Wenceslao Iturriaga", "belmonte-ugarte").

The patterns of (3) and the first names are in learning/privacy/patterns.py.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cached_property
from itertools import compress

from learning.ingest.values import fold
from learning.privacy.patterns import (
    CAPITALISED_RUN,
    FIRST_NAMES,
    GATES,
    GUARDED_PATTERNS,
    NAME_STOPWORDS,
    PHONE_WINDOW,
)
from learning.privacy.recognizers import PieceRecognizer

__all__ = [
    "Scrubber",
    "age_at",
    "generalise_date",
    "identifier_terms",
    "normalise_patient_id",
    "postal_prefix",
]

PLACEHOLDERS = {
    "EMAIL_ADDRESS": "[EMAIL]",
    "PHONE_NUMBER": "[PHONE]",
    "ES_NIF": "[ID]",
    "ES_NIE": "[ID]",
    "DATE_TIME": "[DATE]",
    "URL": "[URL]",
    "IBAN_CODE": "[ID]",
    "ID": "[ID]",
    "RECORD": "[RECORD]",
    "NAME": "[NAME]",
    "ADDRESS": "[ADDRESS]",
    "NUMBER": "[NUMBER]",
    "KNOWN": "[REDACTED]",
}
PHONE_REGIONS = ("ES", "US")


def _fold_char(char: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).lower()
    return plain[:1] if plain else char


class _FoldTable(dict):
    """A str.translate table, filled as characters are met: ASCII lower-cased, any other character folded
    to one (accents dropped, lower case)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = _fold_char(char) if code > 127 else char.lower()
        if len(self) < 100_000:
            self[code] = folded
        return folded


_FOLD = _FoldTable()


def _fold_text(text: str) -> str:
    """The text accent- and case-folded one character for one (offsets unchanged)."""
    return text.lower() if text.isascii() else text.translate(_FOLD)


def _needle(term: str) -> tuple[bool, str] | None:
    """How a known identifier is looked for: (id-like, its folded letters and digits) or (word-like, its
    folded words joined by single spaces); None when it has fewer than 3 letters and digits. Not cached:
    a record's identifiers are kept no longer than its scrubbing."""
    plain = _fold_text(term.strip())
    alnum = "".join(filter(str.isalnum, plain))
    if len(alnum) < 3:
        return None
    digits = sum(map(str.isdigit, alnum))
    if digits >= max(3, len(alnum) // 2):  # id-like: separators anywhere between characters
        return True, alnum
    return False, " ".join(plain.split())


class _TextView:
    """Accent- and case-folded views of a text, with offsets back into it, for plain substring search."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = _fold_text(text)

    @cached_property
    def _alnum(self) -> tuple[str, list[int]]:
        """The folded text's letters and digits alone, and where each of them is in the text."""
        kept = list(map(str.isalnum, self.folded))
        return "".join(compress(self.folded, kept)), list(compress(range(len(self.folded)), kept))

    def _free(self, start: int, end: int) -> bool:
        before = self.folded[start - 1] if start > 0 else " "
        after = self.folded[end] if end < len(self.folded) else " "
        return not before.isalnum() and not after.isalnum()

    def find(self, term: str) -> list[tuple[int, int]]:
        """Spans of a known identifier: words matched whole; id-like values with any separators."""
        needle = _needle(term)
        if needle is None:
            return []
        id_like, wanted = needle
        spans: list[tuple[int, int]] = []
        if id_like:
            alnum, positions = self._alnum
            start = alnum.find(wanted)
            while start >= 0:
                first = positions[start]
                last = positions[start + len(wanted) - 1] + 1
                if self._free(first, last):
                    spans.append((first, last))
                start = alnum.find(wanted, start + 1)
            return spans
        start = self.folded.find(wanted)
        while start >= 0:
            if self._free(start, start + len(wanted)):
                spans.append((start, start + len(wanted)))
            start = self.folded.find(wanted, start + 1)
        return spans


def identifier_terms(values: Iterable[str], names: Iterable[str] = ()) -> list[str]:
    """The strings to scrub for a record: each identifier whole, and each word (3+ letters) of each name."""
    terms: set[str] = set()
    for value in values:
        text = str(value).strip()
        if text:
            terms.add(text)
    for name in names:
        for word in re.findall(r"[^\W\d_]+", str(name)):
            if len(word) >= 3 and fold(word) not in NAME_STOPWORDS:
                terms.add(word)
    return sorted(terms, key=len, reverse=True)


class Scrubber:
    """Replaces identifiers in free text by placeholders ([NAME], [PHONE], [EMAIL], [ID], [DATE]...).
    `protected`: words never taken for a name on their own (the clinical vocabulary), or a function
    giving them when first needed."""

    def __init__(
        self,
        phone_regions: tuple[str, ...] = PHONE_REGIONS,
        protected: Iterable[str] | Callable[[], Iterable[str]] = (),
        names: bool = True,
    ) -> None:
        self.phone_regions = phone_regions
        self._protected = protected
        self.use_names = names

    @cached_property
    def names(self):
        """The person-name recogniser, built on first use, that never takes a protected word for a name on its
        own."""
        from learning.privacy.person_names import NameRecognizer

        protected = self._protected() if callable(self._protected) else self._protected
        return NameRecognizer(protected)

    def scrub_file_name(self, name: str) -> str:
        """A file name for the console: words kept only when ordinary vocabulary and not a person's name,
        the rest (a surname, an unknown word) shown as "x"."""
        stem, dot, suffix = name.rpartition(".")
        stem = stem if dot else name
        recognizer = self.names

        def mask(match: re.Match[str]) -> str:
            word = match.group()
            if word.isdigit():  # a year or a counter stays; a long number may be a phone or an id
                return word if len(word) <= 4 else "x"
            folded = fold(word).replace(" ", "")
            if len(folded) < 3 and not any(c.isdigit() for c in word):
                return word
            kind = recognizer._kind(folded)
            ordinary = recognizer.vocab.common(folded) and kind not in ("strong", "ambiguous")
            return word if ordinary else "x"

        shown = re.sub(r"[^\W_]+", mask, stem)
        return f"{shown}.{suffix[:8]}" if dot else shown

    @cached_property
    def _recognizers(self) -> list:
        from learning.privacy.recognizers import presidio_recognizers

        return presidio_recognizers(self.phone_regions)

    def spans(self, text: str, known: Iterable[str] = ()) -> list[tuple[int, int, str]]:
        """(start, end, kind) of every identifier found, overlapping spans merged."""
        found: list[tuple[int, int, str]] = []
        known = list(known)
        if known:
            view = _TextView(text)
            for term in known:
                found.extend((start, end, "KNOWN") for start, end in view.find(term))
        own: list[tuple[int, int, str]] = []
        for kind, pattern, group in GUARDED_PATTERNS:
            for match in pattern.finditer(text):
                if kind == "PHONE_NUMBER" and sum(c.isdigit() for c in match.group()) < 7:
                    continue
                own.append((match.start(group), match.end(group), kind))
        found.extend(own)
        pieces: dict[re.Pattern[str], list[tuple[int, int]]] = {}
        for recognizer in self._recognizers:
            if isinstance(recognizer, PieceRecognizer):
                found.extend(recognizer.spans(text, pieces))
                continue
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
        """The text with every identifier found replaced by its placeholder (e.g. [NAME]); known holds the
        record's own identifiers, which are always removed."""
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


# ---- identifiers and quasi-identifiers -----------------------------------------------------------------
def normalise_patient_id(raw: object) -> str:
    """'PAC-000123', 'pac 123' and 'Pac_0123' -> 'pac123': the same patient gets one pseudonym everywhere."""
    text = fold(str(raw)).replace(" ", "")
    return re.sub(r"\d+", lambda m: str(int(m.group())), text)


def generalise_date(value: dt.date | None) -> int | None:
    """Dates are kept as the year only."""
    return value.year if value else None


def postal_prefix(value: object) -> str | None:
    """Postal codes truncated to their first 3 digits (never stored whole)."""
    digits = re.sub(r"\D", "", str(value or ""))
    return digits[:3] if len(digits) >= 3 else None


def age_at(birth: dt.date, when: dt.date) -> float:
    """The age in years on a date."""
    return (when - birth).days / 365.25
