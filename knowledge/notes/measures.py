"""Numbers in a note: vital signs ("fiebre de 39", "T 38.5", "FC 120", "SpO2 89%", "BP 85/50"), the patient's
age ("37 year old", "mujer de 34 años") and sex, and durations ("for 3 days", "desde hace 2 semanas").

Works on the note's tokens. The tokens of a reading are consumed so that numbers, units and durations are
never matched as findings; a fever word that carries a temperature ("fiebre de 39") stays a mention.
Readings outside a plausible range are reported as unreadable instead of being guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.notes.cues import DURATION_UNITS
from knowledge.notes.text import Tokens, words
from knowledge.units import fahrenheit_to_celsius

__all__ = ["Measures", "Reading", "first_usable", "joined", "number_value", "read_measures"]

_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")

# vital name -> labels (normalized token tuples)
_LABELS = {
    "temperature_c": "t|temp|temperature|temperatura|body temperature|temperatura corporal|tax|"
    "temperatura axilar|fiebre|fever|febrile|febril|pyrexia|fiebre de hasta|fever up to|febricula",
    "heart_rate": "fc|hr|heart rate|pulse|pulse rate|pulso|frecuencia cardiaca|frec cardiaca|f c|h r",
    "respiratory_rate": "fr|rr|respiratory rate|resp rate|respiration rate|respirations|"
    "frecuencia respiratoria|frec respiratoria|f r|r r",
    "spo2": "spo2|sato2|sao2|sat|sats|saturation|saturacion|o2 sat|o2 sats|sat o2|oxygen saturation|"
    "saturacion de oxigeno|saturacion de o2|pulse ox|pulse oximetry|pulsioximetria|sat 02|spo 2",
    "blood_pressure": "bp|ta|pa|blood pressure|tension arterial|presion arterial|t a|b p",
}
LABELS = {tuple(item.split()): vital for vital, text in _LABELS.items() for item in text.split("|") if item}
_MAX_LABEL = max(len(k) for k in LABELS)
_LABEL_FIRST = frozenset(k[0] for k in LABELS)
FEVER_WORDS = words("fiebre fever febrile febril pyrexia febricula")
_FILLERS = words(
    "of de is was at to up hasta a en around about alrededor approximately aprox axilar oral rectal "
    "timpanica measured medida tomada reaching llegando rising of de del la el maximum maxima max "
    # a pulse's rhythm between it and its rate: "pulse irregularly irregular at 132", "pulso arrítmico a 120"
    "regular irregular irregularly regularly arritmico arritmica ritmico ritmica"
)
_UNITS = {
    "temperature_c": words("c f oc of grados degrees ºc ºf celsius fahrenheit"),
    "heart_rate": words("bpm lpm min x beats latidos ppm"),
    "respiratory_rate": words("rpm min x breaths respiraciones"),
    "spo2": frozenset(),
    "blood_pressure": words("mmhg mm hg"),
}
_PLAUSIBLE = {
    "temperature_c": (30.0, 44.0),
    "heart_rate": (20.0, 300.0),
    "respiratory_rate": (3.0, 80.0),
    "spo2": (50.0, 100.0),
    "systolic_bp": (40.0, 300.0),
    "diastolic_bp": (20.0, 200.0),
}
_AGE_AFTER = {  # "37 year old", "37-year-old", "18 months old" -> divisor of the number
    ("year", "old"): 1,
    ("years", "old"): 1,
    ("yr", "old"): 1,
    ("yrs", "old"): 1,
    ("y", "o"): 1,
    ("yo",): 1,
    ("years", "of", "age"): 1,
    ("month", "old"): 12,
    ("months", "old"): 12,
    ("mo", "old"): 12,
    ("week", "old"): 52,
    ("weeks", "old"): 52,
    ("day", "old"): 365,
    ("days", "old"): 365,
    ("anos", "de", "edad"): 1,
    ("meses", "de", "edad"): 12,
    ("meses", "de", "vida"): 12,
    ("semanas", "de", "vida"): 52,
    ("dias", "de", "vida"): 365,
}
_AGE_AFTER_FIRST: dict[str, list[tuple[tuple[str, ...], int]]] = {}
for _after, _divisor in _AGE_AFTER.items():
    _AGE_AFTER_FIRST.setdefault(_after[0], []).append((_after, _divisor))
_AGE_BEFORE = words("aged age edad")
_PERSON = words(
    "paciente mujer varon hombre nino nina lactante chico chica senora senor joven anciano anciana "
    "adolescente bebe recien nacido nacida femenina masculino gestante"
)
_AGE_UNITS_ES = {"anos": 1, "ano": 1, "meses": 12, "mes": 12, "semanas": 52, "dias": 365}
SEX_WORDS = {
    **dict.fromkeys(words("male man boy gentleman varon hombre nino masculino chico senor"), "male"),
    **dict.fromkeys(
        words("female woman girl lady mujer nina femenina femenino chica senora gestante"), "female"
    ),
}


@dataclass
class Reading:
    """One number read from a note (a vital sign or the age), with where it was and why it was not used, if
    not."""

    name: str  # temperature_c | heart_rate | respiratory_rate | spo2 | systolic_bp | diastolic_bp | age
    value: float
    start: int  # character offsets of the whole reading
    end: int
    text: str
    unreadable: str | None = None  # why the number was not used (out of range)

    def as_dict(self) -> dict:
        """The reading as JSON; `unreadable` only when the value was not used."""
        found = {
            "name": self.name,
            "value": self.value,
            "text": self.text,
            "start": self.start,
            "end": self.end,
        }
        if self.unreadable:
            found["unreadable"] = self.unreadable
        return found


@dataclass
class Measures:
    """What `read_measures` found in a note: readings, age, sex, the tokens they used and the findings they
    imply."""

    readings: list[Reading] = field(default_factory=list)
    age: Reading | None = None
    sex: tuple[str, int, int] | None = None
    consumed: set[int] = field(default_factory=set)  # token positions that are not findings
    ages: set[int] = field(default_factory=set)  # token positions of ages ("34 años" is not a duration)
    findings: list[tuple[str, int, int]] = field(
        default_factory=list
    )  # (HPO id, first, last token): "lost 5 kg"

    @property
    def vitals(self) -> dict[str, float]:
        """The first usable reading of each vital sign, ready for inference.vitals.bin_vitals."""
        return first_usable(self.readings)


def first_usable(readings: list[Reading]) -> dict[str, float]:
    """The first readable value of each vital sign among the readings."""
    found: dict[str, float] = {}
    for r in readings:
        if r.unreadable is None:
            found.setdefault(r.name, r.value)
    return found


def number_value(token: str) -> float | None:
    """A number token as a float ("38,5" too), else None."""
    return float(token.replace(",", ".")) if _NUMBER.match(token) else None


def read_measures(tokens: Tokens) -> Measures:
    """Vital signs, age, sex and durations in the tokens; their positions are marked consumed."""
    found = Measures()
    norm, n = tokens.norm, len(tokens)
    position = 0
    while position < n:
        word = norm[position]
        step = 0
        if word[0].isdigit():
            step = (
                _age(tokens, position, found)
                or _duration(tokens, position, found)
                or _unit_only(tokens, position, found)
            )
        elif word in _AGE_BEFORE:
            step = _age(tokens, position, found)
        elif word in _WEIGHT_VERBS:
            step = _weight_change(tokens, position, found)
        elif word in _HBA1C_FIRST:
            step = _hba1c(tokens, position, found)
        elif word in _LABEL_FIRST:
            step = _vital(tokens, position, found)
        if not step and word in _SCORE_FIRST:
            step = _glasgow(tokens, position, found) or _glucose(tokens, position, found)
        if found.sex is None and word in SEX_WORDS:
            found.sex = (SEX_WORDS[word], tokens.start[position], tokens.end[position])
        position += step or 1
    return found


def _span(tokens: Tokens, first: int, last: int) -> tuple[int, int, str]:
    start, end = tokens.start[first], tokens.end[last]
    return start, end, tokens.text[start:end]


def _age(tokens: Tokens, position: int, found: Measures) -> int:
    norm = tokens.norm
    value = number_value(norm[position])
    if value is None:
        if norm[position] in _AGE_BEFORE and position + 1 < len(norm):
            following = position + 1 + (norm[position + 1] == "de")
            number = number_value(norm[following]) if following < len(norm) else None
            if number is not None and number <= 130:
                last = following + (following + 1 < len(norm) and norm[following + 1] in _AGE_UNITS_ES)
                divisor = _AGE_UNITS_ES.get(norm[last], 1) if last > following else 1
                return _set_age(tokens, found, position, last, number / divisor)
        return 0
    for after, divisor in _AGE_AFTER_FIRST.get(norm[position + 1] if position + 1 < len(norm) else "", ()):
        if tuple(norm[position + 1 : position + 1 + len(after)]) == after:
            return _set_age(tokens, found, position, position + len(after), value / divisor)
    # Spanish: "mujer de 34 años", "paciente de 7 meses"
    if (
        position >= 2
        and norm[position - 1] == "de"
        and any(w in _PERSON for w in norm[max(0, position - 3) : position - 1])
        and position + 1 < len(norm)
        and norm[position + 1] in _AGE_UNITS_ES
    ):
        return _set_age(tokens, found, position - 1, position + 1, value / _AGE_UNITS_ES[norm[position + 1]])
    # Spanish demographics: "2 años, varón", "9 meses Mujer", "Varón 61 años", "mujer, 74 años"
    if (
        position + 1 < len(norm)
        and norm[position + 1] in ("anos", "meses")
        and (position == 0 or norm[position - 1] not in _SINCE)
        and (
            (
                position + 2 < len(norm)
                and norm[position + 2] in _PERSON
                and _same_sentence(tokens, position, 2)
            )
            or (position >= 1 and norm[position - 1] in SEX_WORDS and _same_sentence(tokens, position - 1, 2))
        )
    ):
        return _set_age(tokens, found, position, position + 1, value / _AGE_UNITS_ES[norm[position + 1]])
    return 0


def _phrases(text: str) -> list[tuple[str, ...]]:
    """ "a b|c" -> [("a", "b"), ("c",)]."""
    return [tuple(item.split()) for item in text.split("|")]


_ON_AIR = sorted(
    _phrases(
        "ra|on ra|in ra|on room air|room air|on air|in air|en aire ambiente|aire ambiente|basal|aa|en aa|"
        "sin oxigeno|without oxygen"
    ),
    key=len,
    reverse=True,
)
_SINCE = words("hace desde durante por tras hasta")


def _same_sentence(tokens: Tokens, first: int, span: int) -> bool:
    return tokens.sentence[first] == tokens.sentence[first + span]


def _longest_at(norm: list[str], position: int, phrases, fits=None) -> int:
    """The length of the first of `phrases` (longest first) found at `position` for which `fits(length)`
    holds; 0 when none is."""
    for phrase in phrases:
        if tuple(norm[position : position + len(phrase)]) == phrase and (fits is None or fits(len(phrase))):
            return len(phrase)
    return 0


def _unit_follows(tokens: Tokens, position: int) -> bool:
    """A duration unit right after the number at `position`, nothing between: "3 days", not "36.6, HR"."""
    return (
        position + 1 < len(tokens.norm)
        and tokens.norm[position + 1] in DURATION_UNITS
        and joined(tokens, position, position + 1)
    )


def _set_age(tokens: Tokens, found: Measures, first: int, last: int, value: float) -> int:
    start, end, text = _span(tokens, first, last)
    reading = Reading("age", round(value, 2), start, end, text, None if value <= 130 else "not an age")
    if found.age is None and reading.unreadable is None:
        found.age = reading
    found.consumed.update(range(first, last + 1))
    found.ages.update(range(first, last + 1))
    return last - first + 1


def joined(tokens: Tokens, first: int, second: int) -> bool:
    """No punctuation between two tokens: "36.6, HR 122" is a temperature, then a heart rate (not 36.6 h)."""
    return not any(c in ",;:.()" for c in tokens.text[tokens.end[first] : tokens.start[second]])


def _duration(tokens: Tokens, position: int, found: Measures) -> int:
    norm = tokens.norm
    if number_value(norm[position]) is None or not _unit_follows(tokens, position):
        return 0
    found.consumed.update((position, position + 1))
    return 2


WEIGHT_LOSS, WEIGHT_GAIN = "HP:0001824", "HP:0004324"
_WEIGHT_VERBS = {
    **dict.fromkeys(words("lost losing loses lose perdido perdio pierde perdiendo bajado bajo"), WEIGHT_LOSS),
    **dict.fromkeys(
        words("gained gaining gains gain ganado gano gana ganando engordado engordo put putting puts"),
        WEIGHT_GAIN,
    ),
}
_PUT = words("put putting puts")  # only with "on": "has put on 4 kg"
_MASS_UNITS = words("kg kgs kilo kilos kilograms kilogramos lb lbs pound pounds libras")
_ABOUT = words(
    "about around approximately some nearly almost over more than unos alrededor de aproximadamente casi mas"
)


def _weight_change(tokens: Tokens, position: int, found: Measures) -> int:
    """ "lost 10 kg", "ha perdido 5 kilos", "gained 4.5 kg": weight loss or gain, a finding."""
    norm = tokens.norm
    term = _WEIGHT_VERBS.get(norm[position])
    if term is None:
        return 0
    cursor = position + 1
    if norm[position] in _PUT and (cursor >= len(norm) or norm[cursor] != "on"):
        return 0
    cursor += norm[position] in _PUT  # "put on 4 kg"
    while cursor < len(norm) and norm[cursor] in _ABOUT and cursor - position <= 3:
        cursor += 1
    if cursor + 1 >= len(norm) or number_value(norm[cursor]) is None or norm[cursor + 1] not in _MASS_UNITS:
        return 0
    last = cursor + 1
    if tuple(norm[last + 1 : last + 3]) in (("of", "weight"), ("de", "peso")):
        last += 2
    found.findings.append((term, position, last))
    found.consumed.update(range(position, last + 1))
    return last - position + 1


ELEVATED_HBA1C = "HP:0040217"
_HBA1C_NAMES = (
    "hba1c|a1c|hb a1c|hemoglobin a1c|haemoglobin a1c|glycated hemoglobin|glycated haemoglobin|"
    "glycosylated hemoglobin|glycosylated haemoglobin|hemoglobina glicada|hemoglobina glicosilada|"
    "hemoglobina glucosilada|hemoglobina a1c"
)
_HBA1C = sorted((tuple(name.split()) for name in _HBA1C_NAMES.split("|")), key=len, reverse=True)  # noqa: SIM905
_HBA1C_FIRST = frozenset(name[0] for name in _HBA1C)
_HBA1C_FILLERS = words("of de is was level nivel last ultima latest reciente at en del la el")
_HBA1C_HIGH = (6.5, 25.0)  # percent (NGSP/DCCT): 6.5 and above is the diabetic range (ADA)


def _hba1c(tokens: Tokens, position: int, found: Measures) -> int:
    """ "HbA1c 9.9%", "last Hba1c was 8.1", "hemoglobina glicada de 8,5 %": a value in the diabetic range
    (6.5% or more) is an elevated HbA1c, a finding; a lower value is no finding."""
    norm = tokens.norm
    size = _longest_at(norm, position, _HBA1C)
    cursor = position + size
    while size and cursor < len(norm) and norm[cursor] in _HBA1C_FILLERS and cursor - position <= size + 2:
        cursor += 1
    value = number_value(norm[cursor]) if size and cursor < len(norm) else None
    if value is None or tokens.sentence[cursor] != tokens.sentence[position]:
        return 0
    if _HBA1C_HIGH[0] <= value <= _HBA1C_HIGH[1]:
        found.findings.append((ELEVATED_HBA1C, position, cursor))
    found.consumed.update(range(position, cursor + 1))
    return cursor - position + 1


REDUCED_CONSCIOUSNESS, HYPERGLYCEMIA, HYPOGLYCEMIA = "HP:0004372", "HP:0003074", "HP:0001943"
_GLASGOW = sorted(
    [
        ("gcs",),
        ("glasgow",),
        ("glasgow", "coma", "scale"),
        ("glasgow", "coma", "score"),
        ("escala", "de", "glasgow"),
    ],
    key=len,
    reverse=True,
)
_GLUCOSE_EN = _phrases(
    "glucose|blood glucose|blood sugar|fingerstick glucose|finger stick glucose|fingerstick|"
    "capillary glucose|capillary blood glucose|cbg|bsl|bgl|poc glucose|point of care glucose|glycemia|"
    "random glucose|serum glucose|plasma glucose"
)
_GLUCOSE_ES = _phrases("glucemia|glucemia capilar|glucosa|glucosa capilar|glucemia venosa|dextro|glucometer")
_GLUCOSE_LANG = {**dict.fromkeys(_GLUCOSE_ES, "es"), **dict.fromkeys(_GLUCOSE_EN, "en")}
_GLUCOSE = sorted(_GLUCOSE_LANG, key=len, reverse=True)
_NOT_BLOOD = words("urine urinary orina csf lcr dipstick tira")
_SCORE_FIRST = frozenset(name[0] for name in _GLASGOW + _GLUCOSE)
_SCORE_FILLERS = words(
    "of de is was at en del la el level nivel reading score puntuacion on arrival al llegar"
)


def _score_value(tokens: Tokens, position: int, size: int) -> int | None:
    """The position of the number after a label of `size` tokens and a few fillers, in the same sentence."""
    norm = tokens.norm
    cursor = position + size
    while cursor < len(norm) and norm[cursor] in _SCORE_FILLERS and cursor - position <= size + 2:
        cursor += 1
    if (
        cursor >= len(norm)
        or number_value(norm[cursor]) is None
        or tokens.sentence[cursor] != tokens.sentence[position]
    ):
        return None
    return cursor


def _glasgow(tokens: Tokens, position: int, found: Measures) -> int:
    """ "GCS 9", "GCS of 12/15", "Glasgow 10", "escala de Glasgow de 8": a score of 13 or less is a reduced
    level of consciousness, a finding; 14 or 15 is no finding."""
    norm = tokens.norm
    size = _longest_at(norm, position, _GLASGOW)
    cursor = _score_value(tokens, position, size) if size else None
    if cursor is None:
        return 0
    value = number_value(norm[cursor])
    if value is None or not 3 <= value <= 15 or value != int(value):
        return 0
    last = cursor
    if (
        last + 1 < len(norm)
        and norm[last + 1] == "15"
        and "/" in tokens.text[tokens.end[last] : tokens.start[last + 1]]
    ):
        last += 1
    if value <= 13:
        found.findings.append((REDUCED_CONSCIOUSNESS, position, last))
    found.consumed.update(range(position, last + 1))
    return last - position + 1


def _glucose(tokens: Tokens, position: int, found: Measures) -> int:
    """ "glucose 1.9 mmol/L", "fingerstick glucose 28", "glucemia capilar 450 mg/dl": below 3.9 mmol/L
    (70 mg/dL) is hypoglycemia, from 11.1 mmol/L (200 mg/dL) hyperglycemia, findings; between, no finding.
    Without a unit, a Spanish label is mg/dL; an English one mmol/L under 30, mg/dL over 45, else unread."""
    norm = tokens.norm
    if position > 0 and norm[position - 1] in _NOT_BLOOD:
        return 0  # "urine glucose 3+", "glucosa en LCR": not a blood glucose
    size = _longest_at(norm, position, _GLUCOSE)
    cursor = _score_value(tokens, position, size) if size else None
    if cursor is None:
        return 0
    value = number_value(norm[cursor])
    if tokens.text[tokens.end[cursor] : tokens.end[cursor] + 1] == "+":
        return 0  # "glucose 3+": a dipstick grade, not a concentration
    last, mmol = cursor, None
    if last + 1 < len(norm) and norm[last + 1] in ("mmol", "mg"):
        mmol = norm[last + 1] == "mmol"
        last += 1
        if last + 1 < len(norm) and norm[last + 1] in ("l", "dl"):
            last += 1
    elif last + 1 < len(norm) and norm[last + 1] in DURATION_UNITS | words("times veces x"):
        return 0
    if mmol is None:
        spanish = _GLUCOSE_LANG[tuple(norm[position : position + size])] == "es"
        mmol = False if spanish else (True if value < 30 else (False if value > 45 else None))
    if mmol is not None and value is not None:
        in_mmol = value if mmol else value / 18.0
        if 0.5 <= in_mmol < 3.9:
            found.findings.append((HYPOGLYCEMIA, position, last))
        elif 11.1 <= in_mmol <= 120:
            found.findings.append((HYPERGLYCEMIA, position, last))
    found.consumed.update(range(position, last + 1))
    return last - position + 1


def _vital(tokens: Tokens, position: int, found: Measures) -> int:
    norm, raw = tokens.norm, tokens.raw
    label, length = ("temperature_c", 1) if raw[position] == "tª" else (None, 0)
    for size in range(min(_MAX_LABEL, len(norm) - position), 0, -1) if label is None else ():
        label = LABELS.get(tuple(norm[position : position + size]))
        if label:
            length = size
            break
    if label is None:
        return 0
    cursor = position + length
    skipped = 0
    while cursor < len(norm) and norm[cursor] in _FILLERS and skipped < 3:
        cursor += 1
        skipped += 1
    if cursor >= len(norm) or tokens.sentence[cursor] != tokens.sentence[position]:
        return 0
    value = number_value(norm[cursor])
    if value is None:
        return 0
    if _unit_follows(tokens, cursor):
        return 0  # "fiebre de 3 días": a duration, read by _duration
    first = position + 1 if norm[position] in FEVER_WORDS else position  # the fever word stays a finding
    return _reading(tokens, found, label, first, cursor, value, shown_from=position) - position


def _unit_only(tokens: Tokens, position: int, found: Measures) -> int:
    """A number with an unambiguous unit and no label: "38.5 ºC", "101 F", "120 lpm", "85/50 mmHg"."""
    norm = tokens.norm
    value = number_value(norm[position])
    if value is None or position + 1 >= len(norm):
        return 0
    unit = norm[position + 1]
    gap = tokens.text[tokens.end[position] : tokens.start[position + 1]]
    if unit in ("c", "f", "oc", "of", "ºc", "ºf") and (("°" in gap or "º" in gap) or unit in ("ºc", "ºf")):
        return _reading(tokens, found, "temperature_c", position, position, value) - position
    if unit in ("bpm", "lpm"):
        return _reading(tokens, found, "heart_rate", position, position, value) - position
    if unit == "rpm":
        return _reading(tokens, found, "respiratory_rate", position, position, value) - position
    mmhg = position + 2 < len(norm) and norm[position + 2] == "mmhg"
    if "/" in gap and number_value(unit) is not None and mmhg:
        return _reading(tokens, found, "blood_pressure", position, position, value) - position
    return 0


def _reading(
    tokens: Tokens, found: Measures, vital: str, first: int, cursor: int, value: float, shown_from: int = -1
) -> int:
    """Record the reading whose number is at `cursor` (tokens from `first` are consumed, from `shown_from`
    quoted); returns the position after it."""
    shown = first if shown_from < 0 else shown_from
    norm, text = tokens.norm, tokens.text
    last = cursor
    unit_tokens = _UNITS[vital]
    if vital == "blood_pressure":
        gap = text[tokens.end[cursor] : tokens.start[cursor + 1]] if cursor + 1 < len(norm) else ""
        diastolic = number_value(norm[cursor + 1]) if cursor + 1 < len(norm) and "/" in gap else None
        if diastolic is None:
            return cursor + 1
        last = cursor + 1
        while last + 1 < len(norm) and norm[last + 1] in unit_tokens:
            last += 1
        start, end, span = _span(tokens, shown, last)
        for name, number in (("systolic_bp", value), ("diastolic_bp", diastolic)):
            found.readings.append(Reading(name, number, start, end, span, _implausible(name, number)))
        found.consumed.update(range(first, last + 1))
        return last + 1
    unit = None
    if last + 1 < len(norm) and norm[last + 1] in unit_tokens:
        last += 1
        unit = norm[last]
        if last + 1 < len(norm) and (norm[last], norm[last + 1]) in (("x", "min"), ("beats", "min")):
            last += 1
    if vital == "spo2":  # "SpO2 88% RA" (room air, not rheumatoid arthritis), "on room air", "basal"
        last += _longest_at(norm, last + 1, _ON_AIR, lambda size: _same_sentence(tokens, last, size))
    if vital == "temperature_c" and (
        unit in ("f", "of", "ºf", "fahrenheit") or (unit is None and 93 <= value <= 110)
    ):
        value = round(fahrenheit_to_celsius(value), 1)
    start, end, span = _span(tokens, shown, last)
    found.readings.append(Reading(vital, value, start, end, span, _implausible(vital, value)))
    found.consumed.update(range(first, last + 1))
    return last + 1


def _implausible(name: str, value: float) -> str | None:
    low, high = _PLAUSIBLE[name]
    return None if low <= value <= high else f"{value:g} is outside {low:g}-{high:g}"
