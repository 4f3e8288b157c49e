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
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cached_property

from learning.ingest.values import fold

__all__ = [
    "FIRST_NAMES_EN",
    "FIRST_NAMES_ES",
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

_UPPER = "A-ZÁÉÍÓÚÜÑÀÈÌÒÙÇ"
_LOWER = "a-záéíóúüñàèìòùç"
_NAME_WORD = rf"[{_UPPER}][{_LOWER}]+(?:['’-][{_UPPER}]?[{_LOWER}]+)*"  # "Jean-Baptiste", "O'Brien"
_NOT_PARTICLE = r"(?!(?:de|del|la|el|los|las|y|en|que|con|guardia|turno|duty)\b)"
_NAME = rf"{_NAME_WORD}(?:\s+(?:de\s+(?:la\s+|los\s+)?|del\s+|van\s+|von\s+)?{_NAME_WORD}){{0,3}}"
_MONTHS_ES = "enero|febrero|marzo|abril|mayo|junio|julio|agosto|sep?tiembre|octubre|noviembre|diciembre"
_MONTHS_EN = "january|february|march|april|may|june|july|august|september|october|november|december"
_MON = "ene|feb|mar|abr|may|jun|jul|ago|sep|sept|oct|nov|dic|jan|apr|aug|dec"
_OWN_PATTERNS: list[tuple[str, re.Pattern[str], int]] = [
    (
        "RECORD",
        re.compile(
            r"(?i)\b(?:NHC|N\.\s?H\.\s?C\.?|MRN|historia\s+cl[ií]nica|hist\.\s*cl[ií]n\.?|expediente|"
            r"medical\s+record(?:\s+number)?|record\s+(?:no\.?|number|#)|CIP|NUSS|SSN|tarjeta\s+sanitaria|"
            r"pasaporte|passport|DNI|NIE|NIF|n[ºo°]\s*(?:de\s+)?(?:historia|afiliaci[oó]n))"
            r"\s*(?:n[ºo°.]\s*)?[:#.]?\s*([A-Z0-9][A-Z0-9\-/.]{2,}[A-Z0-9])"
        ),
        1,
    ),
    (
        "DATE_TIME",
        re.compile(
            rf"(?i)\b\d{{1,2}}\s+(?:de\s+)?(?:{_MONTHS_ES}|{_MONTHS_EN}|{_MON})\.?,?\s+(?:de(?:l)?\s+)?\d{{2,4}}\b"
            rf"|\b(?:{_MONTHS_ES}|{_MONTHS_EN}|{_MON})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b"
            r"|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b\d{4}[/.-]\d{1,2}[/.-]\d{1,2}\b"
            rf"|\b\d{{1,2}}[-/ ](?:{_MON})[a-z]*[-/ ]\d{{2,4}}\b"
        ),
        0,
    ),
    (
        "ADDRESS",
        re.compile(
            r"(?i)(?:\bc/\s*|\b(?:calle|avda\.?|avenida|av\.|plaza|pza\.?|paseo|p[º°]\.?|camino|carretera|"
            r"ctra\.?|ronda|traves[ií]a|urbanizaci[oó]n|urb\.)\s+)[^\n,;:()]{1,40}?\s*,?\s*(?:n[º°]\s*)?\d+"
            r"(?:\s*[,-]?\s*\d+[º°ª]?\s*[A-Z]?\b)?"
            rf"|\b\d{{1,5}}\s+(?:{_NAME_WORD}\s+){{1,3}}(?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Lane|Ln\.?|"
            r"Drive|Dr\.?|Boulevard|Blvd\.?|Way|Court|Ct\.?)(?=\W|$)"
        ),
        0,
    ),
    (  # a postal code with its town: "28013 Madrid", "Riverside 92894"
        "ADDRESS",
        re.compile(
            rf"\b\d{{5}}\s+{_NAME_WORD}(?:\s+{_NAME_WORD})?"
            rf"|{_NAME_WORD},?\s+(?:[A-Z]{{2}}\s+)?\d{{5}}(?=\s*(?:[.;,)\n]|$))"
        ),
        0,
    ),
    (
        "NAME",
        re.compile(
            rf"\b(?:Dr|Dra|Sr|Sra|Srta|Mr|Mrs|Ms|Miss|Dña|Dª|Don|Doña|Doctor|Doctora|Prof)\.?\s+({_NAME})"
        ),
        1,
    ),
    (  # a title in any case before a lower-case name: "dr. belmonte-ugarte", "sra. iturriaga"
        "NAME",
        re.compile(
            rf"(?i:\b(?:dr|dra|sr|sra|srta|mr|mrs|ms|dña|doctor|doctora|prof)\.\s*)"
            rf"({_NOT_PARTICLE}[{_LOWER}]{{3,}}(?:['’-][{_LOWER}]+)*)"
        ),
        1,
    ),
    (
        "NAME",
        re.compile(
            r"(?:(?i:paciente|patient|nombre|name|se\s+llama|me\s+llamo|llamad[oa]|named|madre|padre|"
            r"esposa|esposo|marido|mujer|hij[oa]|herman[oa]|mother|father|wife|husband|son|daughter|"
            r"brother|sister|acompañad[oa]\s+(?:por|de)|accompanied\s+by|firmado|signed)\s*[:,]?\s+)"
            rf"({_NAME})"
        ),
        1,
    ),
    (  # an international number whole: "+44 7700 900123", "+34 612 345 678", "+44 (0)20 7946 0958"
        "PHONE_NUMBER",
        re.compile(r"(?<![\w/+])\+\d{1,3}(?:[\s.\-]?(?:\(\d{1,5}\)|\d{1,6})){2,6}(?![\w/])"),
        0,
    ),
    ("NUMBER", re.compile(r"\b\d{5,}\b|\b\d{2,6}(?:[ .-]\d{2,6}){2,}\b"), 0),
    (
        "PHONE_NUMBER",
        re.compile(
            r"(?<![\w/])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)\s?)?\d{2,4}(?:[\s.-]\d{2,4}){1,3}(?![\w/])"
        ),
        0,
    ),
    ("ID", re.compile(r"\b[XYZ]?\d{7,8}[-\s]?[A-Z]\b"), 0),
]
# cheap pre-checks: a presidio recognizer runs only on a text that could hold what it looks for
_PHONE_WINDOW = re.compile(r"[+(]?\d[\d\s().-]{5,}\d")
_SEVEN_DIGITS = re.compile(r"\d{7}")
_DATE_HINT = re.compile(r"\d[/.-]\d|\d{4}-|-(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)", re.I)
_IBAN_HINT = re.compile(r"\b[A-Z]{2}\d{2}")
_GATES = {
    "OfflineEmailRecognizer": lambda text: "@" in text,
    "UrlRecognizer": lambda text: "@" in text or "://" in text or "www." in text,
    "EsNifRecognizer": _SEVEN_DIGITS.search,
    "EsNieRecognizer": _SEVEN_DIGITS.search,
    "DateRecognizer": _DATE_HINT.search,
    "IbanRecognizer": _IBAN_HINT.search,
}
# common first names (Spanish and English): a capitalised one starts a name even without a cue
FIRST_NAMES_ES = (
    "Antonio José Manuel Francisco David Juan Javier Daniel Carlos Jesús Alejandro Miguel Rafael "
    "Pedro Pablo Ángel Sergio Fernando Jorge Luis Alberto Álvaro Adrián Diego Raúl Enrique Ramón "
    "Vicente Andrés Joaquín Santiago Víctor Eduardo Mario Roberto Jaime Ignacio Rubén Hugo Marcos "
    "Iván Lucas María Carmen Ana Isabel Laura Cristina Marta Lucía Francisca Antonia Dolores Paula "
    "Elena Pilar Sara Raquel Manuela Mercedes Rocío Beatriz Julia Silvia Patricia Irene Alba Andrea "
    "Nuria Teresa Rosa Montserrat Sofía Inés Alicia Claudia Noelia Lorena Marina Natalia Eva "
    "Verónica Ainhoa Aitana"
)
FIRST_NAMES_EN = (
    "James John Robert Michael William Richard Joseph Thomas Charles Christopher Daniel Matthew "
    "Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward "
    "Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon "
    "Benjamin Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy "
    "Betty Sandra Margaret Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah "
    "Stephanie Rebecca Sharon Cynthia Kathleen Amy Angela Shirley Anna Emma Olivia Sophia Jane Alice "
    "Grace Chloe Lucy"
)
FIRST_NAMES = frozenset(fold(n) for n in (FIRST_NAMES_ES + " " + FIRST_NAMES_EN).split())
_CAPITALISED_RUN = re.compile(_NAME)
_NAME_STOPWORDS = frozenset(["de", "del", "la", "las", "los", "y", "e", "van", "von", "da", "the", "and"])


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


def identifier_terms(values: Iterable[str], names: Iterable[str] = ()) -> list[str]:
    """The strings to scrub for a record: each identifier whole, and each word (3+ letters) of each name."""
    terms: set[str] = set()
    for value in values:
        text = str(value).strip()
        if text:
            terms.add(text)
    for name in names:
        for word in re.findall(r"[^\W\d_]+", str(name)):
            if len(word) >= 3 and fold(word) not in _NAME_STOPWORDS:
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

        return [
            OfflineEmailRecognizer(),
            UrlRecognizer(),
            EsNifRecognizer(),
            EsNieRecognizer(),
            DateRecognizer(),
            IbanRecognizer(),
            PhoneRecognizer(supported_regions=self.phone_regions),
        ]

    def spans(self, text: str, known: Iterable[str] = ()) -> list[tuple[int, int, str]]:
        """(start, end, kind) of every identifier found, overlapping spans merged."""
        found: list[tuple[int, int, str]] = []
        known = list(known)
        if known:
            view = _TextView(text)
            for term in known:
                found.extend((start, end, "KNOWN") for start, end in view.find(term))
        own: list[tuple[int, int, str]] = []
        for kind, pattern, group in _OWN_PATTERNS:
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
            gate = _GATES.get(name)
            if gate is not None and not gate(text):
                continue
            for result in recognizer.analyze(text, recognizer.supported_entities, None):
                found.append((result.start, result.end, result.entity_type))
        protected = self.names.protected if self.use_names else frozenset()
        for match in _CAPITALISED_RUN.finditer(text):
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
        for window in _PHONE_WINDOW.finditer(text):
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
