"""The patterns the note scrubber looks for besides presidio's recognizers: labelled record numbers (NHC,
MRN, CIP...), dates (spelled-out ones too), street addresses and postal codes with their town, names after a
title or a cue word, whole phone numbers (international ones included), long digit runs and Spanish ids,
with the guards that let the costlier of them be tried only where a match could start; cheap pre-checks
that let a presidio recognizer run only on a text that could hold what it looks for; and the common first
names (Spanish and English) that start a name without a cue."""

from __future__ import annotations

import re

from learning.ingest.values import fold

__all__ = [
    "CAPITALISED_RUN",
    "FIRST_NAMES",
    "FIRST_NAMES_EN",
    "FIRST_NAMES_ES",
    "GATES",
    "GUARDED_PATTERNS",
    "NAME_STOPWORDS",
    "OWN_PATTERNS",
    "PHONE_WINDOW",
]

_UPPER = "A-ZÁÉÍÓÚÜÑÀÈÌÒÙÇ"
_LOWER = "a-záéíóúüñàèìòùç"
_NAME_WORD = rf"[{_UPPER}][{_LOWER}]+(?:['’-][{_UPPER}]?[{_LOWER}]+)*"  # "Jean-Baptiste", "O'Brien"
_NOT_PARTICLE = r"(?!(?:de|del|la|el|los|las|y|en|que|con|guardia|turno|duty)\b)"
_NAME = rf"{_NAME_WORD}(?:\s+(?:de\s+(?:la\s+|los\s+)?|del\s+|van\s+|von\s+)?{_NAME_WORD}){{0,3}}"
_MONTHS_ES = "enero|febrero|marzo|abril|mayo|junio|julio|agosto|sep?tiembre|octubre|noviembre|diciembre"
_MONTHS_EN = "january|february|march|april|may|june|july|august|september|october|november|december"
_MON = "ene|feb|mar|abr|may|jun|jul|ago|sep|sept|oct|nov|dic|jan|apr|aug|dec"
OWN_PATTERNS: list[tuple[str, re.Pattern[str], int]] = [
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


def _guarded(pattern: re.Pattern[str], guard: str | None) -> re.Pattern[str]:
    """The pattern with `guard`, a zero-width check of what all its matches start with, in front of all its
    alternatives (after a leading global flag): the same matches, found sooner, as the costly alternatives
    are not tried where the guard fails."""
    if guard is None:
        return pattern
    flag = "(?i)" if pattern.pattern.startswith("(?i)") else ""
    return re.compile(f"{flag}{guard}(?:{pattern.pattern[len(flag) :]})", pattern.flags)


# the guards of OWN_PATTERNS, in its order (a guard is written under its pattern's flags); None: no guard
_GUARDS: list[tuple[str, str | None]] = [
    ("RECORD", "(?=[nmhercstpd])"),  # NHC, MRN, historia, expediente, record, CIP, SSN, tarjeta, DNI...
    ("DATE_TIME", r"\b(?=\d|[ejfmasond][neaubgpoci])"),  # a digit or a month: enero, feb, March, sept, dic...
    ("ADDRESS", r"\b(?=[caprtu\d])"),  # c/, calle, avenida, plaza, paseo, ronda, travesía, urb., a number
    ("ADDRESS", None),
    ("NAME", None),
    ("NAME", "(?=(?i:[dsmp]))"),  # dr, sr, mr, ms, dña, doctor, prof
    ("NAME", "(?=(?i:[pnsmlehwfbda][aoelsuirc]))"),  # paciente, nombre, se llama, madre, hijo, signed...
    ("PHONE_NUMBER", None),
    ("NUMBER", None),
    ("PHONE_NUMBER", None),
    ("ID", None),
]
if [kind for kind, _ in _GUARDS] != [kind for kind, _, _ in OWN_PATTERNS]:
    raise ValueError("_GUARDS must follow OWN_PATTERNS one for one")
# OWN_PATTERNS as the scrubber runs them (benchmarks/scrub_old.py runs them unguarded)
GUARDED_PATTERNS: list[tuple[str, re.Pattern[str], int]] = [
    (kind, _guarded(pattern, guard), group)
    for (kind, pattern, group), (_, guard) in zip(OWN_PATTERNS, _GUARDS, strict=True)
]
# cheap pre-checks: a presidio recognizer runs only on a text that could hold what it looks for
PHONE_WINDOW = re.compile(r"[+(]?\d[\d\s().-]{5,}\d")
_SEVEN_DIGITS = re.compile(r"\d{7}")
_DATE_HINT = re.compile(r"\d[/.-]\d|\d{4}-|-(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)", re.I)
_IBAN_HINT = re.compile(r"\b[A-Z]{2}\d{2}")
GATES = {
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
CAPITALISED_RUN = re.compile(_NAME)
NAME_STOPWORDS = frozenset(["de", "del", "la", "las", "los", "y", "e", "van", "von", "da", "the", "and"])
