"""How long the complaint has lasted, read from a note: the first duration of the current illness ("for 3
days", "2 hours history", "desde hace 2 semanas", "since yesterday"), in days, for the engine's course
evidence. Durations in past, family or social history, ages, gestations and episode lengths are not it."""

from __future__ import annotations

from knowledge.notes.measures import Reading, joined, number_value
from knowledge.notes.sections import COMPLAINT, CURRENT
from knowledge.notes.specific import NUMBER_WORDS, WEEKS_PER_UNIT
from knowledge.notes.text import Tokens, words

__all__ = ["read_complaint_duration"]

_DAYS_PER_UNIT = {
    **{unit: weeks * 7 for unit, weeks in WEEKS_PER_UNIT.items()},
    **dict.fromkeys(words("hour hours hr hrs h hora horas"), 1 / 24),
    **dict.fromkeys(words("minute minutes min mins minuto minutos"), 1 / 1440),
}
_AMOUNTS = {
    **NUMBER_WORDS,
    **dict.fromkeys(words("half medio media"), 0.5),
    "par": 2.0,
    **dict.fromkeys(words("seven siete"), 7.0),
    **dict.fromkeys(words("eight ocho"), 8.0),
    **dict.fromkeys(words("nine nueve"), 9.0),
    **dict.fromkeys(words("ten diez"), 10.0),
    **dict.fromkeys(words("twelve doce"), 12.0),
}
# the words after a unit that make it something else: "32 weeks' gestation", "3 weeks pregnant", "2 days old"
_NOT_AFTER = words(
    "pregnant pregnancy gestation gestational estimated embarazada embarazo gestacion postpartum old"
)
# the words before an amount that make it an episode's length, a past event or a rate: "lasting 20 minutes"
# ("at 10 weeks": a gestation or an age; "3 times a day": a frequency), up to three words before the amount
# for an episode's length ("lasting about 3 minutes", "each lasting most of a day")
_NOT_BEFORE = words(
    "at times veces per por once twice "
    # a rate of consumption: "a pack a day", "8 beers a day", "3 cigarrillos al dia"
    "pack packs cigarette cigarettes beer beers pint pints drink drinks unit units glass glasses cup cups "
    "paquete paquetes cigarrillo cigarrillos cerveza cervezas copa copas vaso vasos taza tazas"
)
_EPISODE = words("lasting lasted lasts each every cada dura duran duraba duro within")
_RANGE = words("to or a o")
_RELATIVE_DAYS = {
    ("yesterday",): 1.0,
    ("ayer",): 1.0,
    ("last", "night"): 0.5,
    ("anoche",): 0.5,
    ("this", "morning"): 0.25,
    ("since", "morning"): 0.25,
    ("this", "evening"): 0.25,
    ("tonight",): 0.25,
    ("esta", "manana"): 0.25,
    ("esta", "tarde"): 0.25,
    ("esta", "noche"): 0.25,
    ("last", "week"): 7.0,
    ("semana", "pasada"): 7.0,
    ("last", "month"): 30.0,
    ("mes", "pasado"): 30.0,
    ("today",): 0.25,
    ("hoy",): 0.25,
    # "over the past year", "en el último mes" ("last year" is when something happened, not how long)
    ("past", "year"): 365.0,
    ("past", "month"): 30.0,
    ("past", "week"): 7.0,
    ("ultimo", "ano"): 365.0,
    ("ultimo", "mes"): 30.0,
    ("ultima", "semana"): 7.0,
    ("ultimos", "meses"): 60.0,
}


_STARTS = frozenset(_AMOUNTS) | {phrase[0] for phrase in _RELATIVE_DAYS}
# British shorthand: "2/7" two days, "3/52" three weeks, "6/12" six months (the amount below the divisor)
_SLASH_DAYS = {"7": 1.0, "52": 7.0, "12": 365.25 / 12}
_DOSE_UNITS = words("mg mcg ug g kg ml l mmol mol units unit iu tablets tablet tabs puffs dosis")


def read_complaint_duration(tokens: Tokens, sections: list[str], ages: set[int]) -> Reading | None:
    """The first duration in the chief complaint or current illness, as a reading in days."""
    norm, n = tokens.norm, len(tokens.norm)
    for position in range(n):
        token = norm[position]
        if not (token in _STARTS or token[:1].isdigit()) or position in ages:
            continue
        if sections[position] not in (CURRENT, COMPLAINT):
            continue
        found = _amount_and_unit(tokens, position) or _relative(norm, position)
        if found is None:
            continue
        last, days = found
        start, end = tokens.start[position], tokens.end[last]
        return Reading("duration_days", round(days, 4), start, end, tokens.text[start:end])
    return None


def _amount_and_unit(tokens: Tokens, position: int) -> tuple[int, float] | None:
    """ "3 days", "a week", "few hours", "2-3 weeks" (the larger), "24 h" at `position`: (last token,
    days)."""
    norm = tokens.norm
    token = norm[position]
    amount = number_value(token)
    if amount is None:
        amount = _AMOUNTS.get(token)
    if amount is None or (position > 0 and norm[position - 1] in _NOT_BEFORE):
        return None
    if any(norm[p] in _EPISODE for p in range(max(0, position - 3), position)):
        return None
    unit = position + 1
    slashed = _slash_shorthand(tokens, position, amount)
    if slashed is not None:
        return slashed
    if unit < len(norm) and number_value(norm[unit]) is not None and number_value(token) is not None:
        amount, unit = max(amount, number_value(norm[unit]) or 0.0), unit + 1  # "2-3 weeks"
    elif unit + 1 < len(norm) and norm[unit] in _RANGE and number_value(norm[unit + 1]) is not None:
        # "2 to 3 weeks", "2 a 3 días"
        amount, unit = max(amount, number_value(norm[unit + 1]) or 0.0), unit + 2
    elif unit + 1 < len(norm) and norm[unit] in ("of", "de") and number_value(token) is None:
        unit += 1  # "a couple of days", "un par de días"
    if unit >= len(norm) or norm[unit] not in _DAYS_PER_UNIT or not joined(tokens, unit - 1, unit):
        return None
    if unit + 1 < len(norm) and norm[unit + 1] in _NOT_AFTER:
        return None
    if amount <= 0:
        return None
    return unit, amount * _DAYS_PER_UNIT[norm[unit]]


def _slash_shorthand(tokens: Tokens, position: int, amount: float) -> tuple[int, float] | None:
    """ "2/7", "3/52", "6/12" at `position` (a whole amount below its divisor, written with a slash)."""
    divisor = position + 1
    if divisor >= len(tokens.norm) or tokens.norm[divisor] not in _SLASH_DAYS or amount != int(amount):
        return None
    if tokens.text[tokens.end[position] : tokens.start[divisor]] != "/" or not 0 < amount < int(
        tokens.norm[divisor]
    ):
        return None
    after = divisor + 1
    if after < len(tokens.norm) and (
        tokens.text[tokens.end[divisor] : tokens.start[after]] == "/" or tokens.norm[after] in _DOSE_UNITS
    ):
        return None  # a date (3/12/2024) or a dose (2/7 mg)
    return divisor, amount * _SLASH_DAYS[tokens.norm[divisor]]


def _relative(norm: list[str], position: int) -> tuple[int, float] | None:
    for phrase, days in _RELATIVE_BY_FIRST.get(norm[position], ()):
        if tuple(norm[position : position + len(phrase)]) == phrase:
            return position + len(phrase) - 1, days
    return None


_RELATIVE_BY_FIRST: dict[str, list[tuple[tuple[str, ...], float]]] = {}
for _phrase, _days in _RELATIVE_DAYS.items():  # in the table's order, as the loop above read it
    _RELATIVE_BY_FIRST.setdefault(_phrase[0], []).append((_phrase, _days))
