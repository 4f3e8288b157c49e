"""Cell values of clinical histories (Spanish and English) parsed: statuses, severities, sexes, numbers,
dates, temperatures in Celsius, languages, yes/no; and `fold`, the one text normalisation of headers and
values. Pure functions: a value that cannot be understood raises `ValueError` with a short reason (the
caller quarantines it); a missing value is None, never an error."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from functools import lru_cache

import pandas as pd

from knowledge.units import fahrenheit_to_celsius

__all__ = [
    "ABSENT",
    "PRESENT",
    "UNIT_WORDS",
    "fold",
    "guess_language",
    "is_missing",
    "parse_bool",
    "parse_date",
    "parse_language",
    "parse_number",
    "parse_severity",
    "parse_sex",
    "parse_status",
    "parse_unit",
    "temperature_celsius",
]

UNIT_WORDS = {"c": "C", "celsius": "C", "centigrados": "C", "f": "F", "fahrenheit": "F"}


@lru_cache(maxsize=200_000)
def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    return " ".join(re.findall(r"[^\W_]+", plain))


def fold(text: object) -> str:
    """Lower case without accents; punctuation and underscores become single spaces."""
    text = str(text)
    return _fold(text) if len(text) < 80 else _fold.__wrapped__(text)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# cell values -------------------------------------------------------------------------------------------
PRESENT, ABSENT = "present", "absent"
_STATUS_WORDS = {
    **dict.fromkeys(
        _words(
            "si s yes y true verdadero 1 x presente present positivo positive pos + confirmado "
            "observed observado "
            "presenta"
        ),
        PRESENT,
    ),
    **dict.fromkeys(
        _words(
            "no n false falso 0 ausente absent negativo negative neg - niega denied excluido excluded "
            "negado negada"
        ),
        ABSENT,
    ),
}
_SEVERITY_WORDS = {
    **dict.fromkeys(_words("leve leves ligero ligera mild slight light 1 l"), "mild"),
    **dict.fromkeys(_words("moderado moderada moderate medio media 2 m"), "moderate"),
    **dict.fromkeys(_words("grave severo severa severe intenso intensa intense marked 3 g s"), "severe"),
}
_MISSING = frozenset(
    [
        "",
        "nan",
        "none",
        "null",
        "na",
        "n a",
        "nd",
        "n d",
        "desconocido",
        "desconocida",
        "unknown",
        "no consta",
        "ns nc",
        "ns",
        "nc",
        "sin dato",
        "sin datos",
        "no evaluado",
        "not assessed",
        "missing",
        "nat",
    ]
)


@lru_cache(maxsize=50_000)
def _missing_text(value: str) -> bool:
    if len(value) >= 20 or "@" in value or sum(c.isdigit() for c in value) > 1:
        return False
    return fold(value) in _MISSING


def is_missing(value: object) -> bool:
    """None, NaN, NaT, empty or a 'no data' word (desconocido, unknown, n/a, no consta...)."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value or _missing_text(value)
    if isinstance(value, float):
        return math.isnan(value)
    return value is pd.NaT


def parse_status(value: object) -> tuple[str, str | None] | None:
    """A symptom cell -> (present|absent, severity or None); None when missing. Severity alone = present."""
    if is_missing(value):
        return None
    if isinstance(value, bool):
        return (PRESENT if value else ABSENT), None
    if isinstance(value, (int, float)):
        if value in (0, 1):
            return (PRESENT if value else ABSENT), None
        value = str(int(value)) if float(value).is_integer() else str(value)
    folded = fold(value)
    if folded in _STATUS_WORDS:
        return _STATUS_WORDS[folded], None
    if folded in _SEVERITY_WORDS and folded not in ("1", "s", "m"):
        return PRESENT, _SEVERITY_WORDS[folded]
    words = folded.split()
    status = next((_STATUS_WORDS[w] for w in words if w in _STATUS_WORDS and len(w) > 1), None)
    severity = next((_SEVERITY_WORDS[w] for w in words if w in _SEVERITY_WORDS and len(w) > 1), None)
    if status is None and severity is not None:
        status = PRESENT
    if status is None:
        raise ValueError("unrecognised symptom value")
    return status, severity if status == PRESENT else None


def parse_severity(value: object) -> str | None:
    """mild | moderate | severe from a severity cell (any supported wording); None when missing; ValueError
    when not recognised."""
    if is_missing(value):
        return None
    folded = fold(value)
    if folded in _SEVERITY_WORDS:
        return _SEVERITY_WORDS[folded]
    raise ValueError("unrecognised severity")


_SEX_WORDS = {
    **dict.fromkeys(_words("m male masculino hombre h varon man v masc boy nino 1"), "male"),
    **dict.fromkeys(_words("f female femenino mujer woman fem girl nina 2"), "female"),
}


def parse_sex(value: object, spanish: bool = False) -> str | None:
    """'M' is mujer (female) under a Spanish header, male otherwise."""
    if is_missing(value):
        return None
    folded = fold(value)
    if folded == "m" and spanish:
        return "female"
    if folded in _SEX_WORDS:
        return _SEX_WORDS[folded]
    if folded in ("other", "otro", "otra", "unknown sex", "other sex", "x", "indeterminado"):
        return None
    raise ValueError("unrecognised sex")


_NUMBER = re.compile(r"^\s*([+-]?\d+(?:[.,]\d+)?)\s*(°|º|ºc|°c|°f|ºf|c|f|years?|anos|años|a)?\s*$", re.I)


def parse_number(value: object) -> tuple[float, str | None] | None:
    """'38,5 °C' -> (38.5, 'C'); '101.3F' -> (101.3, 'F'); 12 -> (12.0, None); None when missing."""
    if is_missing(value):
        return None
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, (int, float)):
        return float(value), None
    match = _NUMBER.match(str(value))
    if not match:
        raise ValueError("not a number")
    number = float(match.group(1).replace(",", "."))
    suffix = (match.group(2) or "").lower().strip("°º")
    return number, {"c": "C", "f": "F"}.get(suffix)


TEMPERATURE_C_RANGE = (25.0, 45.0)  # plausible body temperatures (inference.vitals.PLAUSIBLE)
TEMPERATURE_F_RANGE = (77.0, 113.0)


def temperature_celsius(value: float, unit: str | None) -> float:
    """Celsius from a value and its unit; without a unit the range decides (25-45 C, 77-113 F)."""
    low_c, high_c = TEMPERATURE_C_RANGE
    if unit is None:
        if low_c <= value <= high_c:
            unit = "C"
        elif TEMPERATURE_F_RANGE[0] <= value <= TEMPERATURE_F_RANGE[1]:
            unit = "F"
        else:
            raise ValueError(f"implausible temperature {value:g} (no unit; neither 25-45 C nor 77-113 F)")
    celsius = value if unit == "C" else fahrenheit_to_celsius(value)
    if not low_c <= celsius <= high_c:
        raise ValueError(f"implausible temperature {value:g} {unit} (outside 25-45 C)")
    return round(celsius, 1)


def parse_unit(value: object) -> str | None:
    """The temperature unit (C or F) of a unit cell; None when missing; ValueError when not recognised."""
    if is_missing(value):
        return None
    folded = fold(value).replace(" ", "")
    unit = UNIT_WORDS.get(folded) or UNIT_WORDS.get(folded.lstrip("o"))
    if unit is None:
        raise ValueError("unrecognised temperature unit")
    return unit


_MONTHS = {
    **{
        m: i + 1
        for i, m in enumerate(
            _words("enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre")
        )
    },
    **{
        m: i + 1
        for i, m in enumerate(
            _words("january february march april may june july august september october november december")
        )
    },
    **{m: i + 1 for i, m in enumerate(_words("ene feb mar abr may jun jul ago sep oct nov dic"))},
    **{m: i + 1 for i, m in enumerate(_words("jan feb mar apr may jun jul aug sep oct nov dec"))},
    "setiembre": 9,
    "sept": 9,
}
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?:[T ].*)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(value: object) -> dt.date | None:
    """Dates as written in clinics: ISO, dd/mm/yyyy (day first unless impossible), 12 de marzo de 2024,
    March 12, 2024, 12-Mar-2024, yyyymmdd; Excel/pandas timestamps. Raises ValueError when unparseable."""
    if is_missing(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime().date()
    text = str(value).strip()
    try:
        match = _ISO.match(text)
        if match:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        match = _COMPACT.match(text)
        if match:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        match = _DMY.match(text)
        if match:
            first, second, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
            year += 2000 if year < 100 and year <= dt.date.today().year % 100 else (1900 if year < 100 else 0)
            if second > 12 >= first:  # month first (US style)
                first, second = second, first
            return dt.date(year, second, first)
        words = fold(text).replace(" de ", " ").replace(" del ", " ").split()
        numbers = [int(w.rstrip("stndrh")) for w in words if w.rstrip("stndrh").isdigit()]
        months = [_MONTHS[w] for w in words if w in _MONTHS]
        if len(months) == 1 and len(numbers) == 2:
            day, year = (numbers[0], numbers[1]) if numbers[1] > 31 else (numbers[1], numbers[0])
            return dt.date(year, months[0], day)
    except ValueError as error:
        raise ValueError("unparseable date") from error
    raise ValueError("unparseable date")


def parse_language(value: object) -> str | None:
    """The language, es or en, of a language cell; None when missing or not recognised."""
    if is_missing(value):
        return None
    folded = fold(value)
    if folded in ("es", "spa", "spanish", "espanol", "castellano", "es es"):
        return "es"
    if folded in ("en", "eng", "english", "ingles", "en us", "en gb"):
        return "en"
    return None


_ES_WORDS = frozenset(
    _words(
        "el la los las de del y que con sin por para paciente niega refiere presenta dolor dias años "
        "anos se una "
        "un no es en desde fiebre tos"
    )
)
_EN_WORDS = frozenset(
    _words(
        "the and of with without for patient denies reports presents pain days years a an is in since "
        "no "
        "fever cough has was"
    )
)


def guess_language(text: str) -> str:
    """'es' or 'en' by counting common function words (enough for clinical notes)."""
    words = fold(text).split()
    spanish = sum(w in _ES_WORDS for w in words)
    english = sum(w in _EN_WORDS for w in words)
    return "es" if spanish > english else "en"


def parse_bool(value: object) -> bool:
    """A yes/true cell in English or Spanish as True; anything else, or missing, as False."""
    if is_missing(value):
        return False
    if isinstance(value, bool):
        return value
    return fold(value) in ("1", "true", "yes", "si", "s", "y", "verdadero", "synthetic", "sintetico")
