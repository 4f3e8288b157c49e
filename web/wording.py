"""Plain words for explanations, the same on the site and in the CLI (English and Spanish).

Each finding's effect on a disease is put on one scale: how many times more (or less) likely the
disease becomes with that finding alone, compared with the average patient of this age and sex in this
clinical setting, i.e. P(finding | disease) / P(finding). Near 1 it is "no effect". Also: OMIM/Orphanet
twins in words and the engine's notes and warnings in Spanish.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from inference.engine import Diagnoser, Diagnosis
from inference.evidence import Evidence

__all__ = [
    "WORDS",
    "Effect",
    "effect",
    "log_effects",
    "note",
    "number",
    "onset_words",
    "risk_words",
    "standing",
    "twin_words",
    "word",
]

NO_EFFECT = 1.1  # ratios within [1/1.1, 1.1] are "no effect"
MODERATE = 2.0  # from 2x on: a clear effect
STRONG = 10.0  # from 10x on: a strong effect
LARGEST = 10_000.0  # shown as "more than 10,000 times"

WORDS = {
    "en": {
        "more": "{n} times more likely",
        "less": "{n} times less likely",
        "none": "no effect",
        "more_than": "more than {n}",
        "twin": "also catalogued as {id} ({name}), which gives {share} of this probability",
        "twin_same": "also catalogued as {id}, which gives {share} of this probability",
        "present": "present",
        "absent": "absent",
        "no_effect_list": "no effect on this disease",
        "frequency": "{pct} of patients",
        "scale": "effect of each finding alone, compared with the average patient of this age and sex "
        "in this setting; strongest first",
        "chance_now": "{pct} now",
        "one_in": "about 1 in {n}",
        "in_list": "number {rank} in the list",
        "below_list": "number {rank}, below the list",
        "course_fits": "symptoms for {lasted}: typical of this disease (usually {bins})",
        "course_unusual": "symptoms for {lasted}: unusual for this disease (usually {bins})",
        "risk_with": "{factor}: {effect}",
        "risk_without": "not {factor}: {effect}",
        "onset_fits": "started {how}: typical of this disease",
        "onset_unusual": "started {how}: unusual for this disease",
        "how_sudden": "suddenly",
        "how_gradual": "gradually",
        "bin_hours": "under a day",
        "bin_days": "1-7 days",
        "bin_weeks": "1-6 weeks",
        "bin_months": "over 6 weeks",
        "or": " or ",
        "n_hour": "{n} hour",
        "n_day": "{n} day",
        "n_week": "{n} week",
        "n_month": "{n} month",
        "n_year": "{n} year",
        "n_hours": "{n} hours",
        "n_days": "{n} days",
        "n_weeks": "{n} weeks",
        "n_months": "{n} months",
        "n_years": "{n} years",
    },
    "es": {
        "more": "{n} veces más probable",
        "less": "{n} veces menos probable",
        "none": "sin efecto",
        "more_than": "más de {n}",
        "twin": "también catalogada como {id} ({name}), que aporta {share} de esta probabilidad",
        "twin_same": "también catalogada como {id}, que aporta {share} de esta probabilidad",
        "present": "presente",
        "absent": "ausente",
        "no_effect_list": "sin efecto sobre esta enfermedad",
        "frequency": "{pct} de los pacientes",
        "scale": "efecto de cada hallazgo por sí solo, frente al paciente medio de esta edad y sexo en "
        "este ámbito; de mayor a menor",
        "chance_now": "{pct} ahora",
        "one_in": "alrededor de 1 de cada {n}",
        "in_list": "n.º {rank} de la lista",
        "below_list": "n.º {rank}, por debajo de la lista",
        "course_fits": "síntomas desde hace {lasted}: habitual en esta enfermedad (suele ser {bins})",
        "course_unusual": "síntomas desde hace {lasted}: poco habitual en esta enfermedad (suele ser {bins})",
        "risk_with": "{factor}: {effect}",
        "risk_without": "sin «{factor}»: {effect}",
        "onset_fits": "comienzo {how}: habitual en esta enfermedad",
        "onset_unusual": "comienzo {how}: poco habitual en esta enfermedad",
        "how_sudden": "brusco",
        "how_gradual": "progresivo",
        "bin_hours": "menos de un día",
        "bin_days": "1-7 días",
        "bin_weeks": "1-6 semanas",
        "bin_months": "más de 6 semanas",
        "or": " o ",
        "n_hour": "{n} hora",
        "n_day": "{n} día",
        "n_week": "{n} semana",
        "n_month": "{n} mes",
        "n_year": "{n} año",
        "n_hours": "{n} horas",
        "n_days": "{n} días",
        "n_weeks": "{n} semanas",
        "n_months": "{n} meses",
        "n_years": "{n} años",
    },
}


def word(key: str, lang: str = "en") -> str:
    """The text of a wording key in lang, falling back to English."""
    return WORDS.get(lang, WORDS["en"]).get(key) or WORDS["en"][key]


@dataclass(frozen=True)
class Effect:
    """One finding's effect on one disease, on the common scale."""

    times: float  # P(finding | disease) / P(finding): >1 more likely, <1 less likely
    effect: str  # up | down | none
    strength: str  # strong | moderate | weak | none
    words: str  # "12 times more likely", in the requested language


def number(value: float, lang: str = "en") -> str:
    """3.2, 12, 910, 9,100 (es: 3,2, 12, 910, 9.100): one decimal under 10, else two significant digits."""
    if value < 10:
        text = f"{value:.1f}".removesuffix(".0")
    else:
        digits = int(math.floor(math.log10(value))) - 1
        text = f"{round(value, -digits):,.0f}"
    if lang == "es":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def effect(times: float, lang: str = "en") -> Effect:
    """The plain-words reading of a ratio on the common scale."""
    if math.isnan(times) or times <= 0:
        times = 1.0 / LARGEST
    size = times if times >= 1 else 1.0 / times
    if size < NO_EFFECT:
        return Effect(times, "none", "none", word("none", lang))
    strength = "strong" if size >= STRONG else "moderate" if size >= MODERATE else "weak"
    n = word("more_than", lang).format(n=number(LARGEST, lang)) if size >= LARGEST else number(size, lang)
    return Effect(
        times,
        "up" if times > 1 else "down",
        strength,
        word("more" if times > 1 else "less", lang).format(n=n),
    )


def twin_words(twin_id: str, twin_name: str | None, share: float, lang: str = "en") -> str:
    """E.g. 'also catalogued as ORPHA:558, which gives 12% of this probability' (the twin's name when it
    differs from the entry's)."""
    key = "twin" if twin_name else "twin_same"
    shown = f"{share * 100:.0f} %" if lang == "es" else f"{share:.0%}"
    return word(key, lang).format(id=twin_id, name=twin_name, share=shown)


def lasted(days: float, lang: str = "en") -> str:
    """A duration as a doctor says it: '6 hours', '3 days', '3 weeks', '4 months', '2 years'."""
    for unit, size, limit in (
        ("hours", 1 / 24, 1),
        ("days", 1, 14),
        ("weeks", 7, 8 * 7),
        ("months", 30.4, 730),
        ("years", 365.25, math.inf),
    ):
        if days < limit:
            n = max(1, round(days / size))
            return word(f"n_{unit}" if n != 1 else f"n_{unit[:-1]}", lang).format(n=n)
    raise ValueError(days)


def course_words(days: float, typical: list[str], log_ratio: float, lang: str = "en") -> str:
    """E.g. 'symptoms for 3 days: typical of this disease (usually 1-7 days)'."""
    key = "course_fits" if log_ratio > math.log(0.75) else "course_unusual"  # (near a bin's bound: partly)
    bins = word("or", lang).join(word(f"bin_{b}", lang) for b in typical)
    return word(key, lang).format(lasted=lasted(days, lang), bins=bins)


def onset_words(onset: str, log_ratio: float, lang: str = "en") -> str:
    """E.g. 'started suddenly: typical of this disease' (es: 'comienzo brusco: habitual en ...')."""
    key = "onset_fits" if log_ratio > 0 else "onset_unusual"
    return word(key, lang).format(how=word(f"how_{onset}", lang))


def risk_words(label: str, present: bool, log_ratio: float, lang: str = "en") -> str:
    """E.g. 'Smoker (...): 2.1 times more likely'; 'not Currently pregnant: 33 times less likely'."""
    key = "risk_with" if present else "risk_without"
    return word(key, lang).format(factor=label, effect=effect(math.exp(log_ratio), lang).words)


def standing(probability: float, rank: int, listed: bool, lang: str = "en") -> str:
    """A don't-miss diagnosis's standing in plain words: '46.5% now, number 1 in the list'; under 10% also
    '(about 1 in 330)'; when not among the diseases shown, 'below the list' (es: '0,3 % ahora ...')."""
    value = probability * 100
    text = "<0.1" if value < 0.1 else f"{value:.1f}"
    pct = text.replace(".", ",") + " %" if lang == "es" else text + "%"
    words = word("chance_now", lang).format(pct=pct)
    if 0 < probability < 0.1:
        words += " (" + word("one_in", lang).format(n=number(1 / probability, lang)) + ")"
    place = word("in_list" if listed else "below_list", lang).format(rank=rank)
    return f"{words}, {place}"


# ---- the common scale ----------------------------------------------------------------------------


def log_effects(
    diagnoser: Diagnoser, evidence: Evidence, diagnosis: Diagnosis, diseases: list[int]
) -> dict[int, dict[str, float]]:
    """For each of `diseases`, per scored finding: log P(finding | disease) - log P(finding), where
    P(finding) averages over all diseases (and "not in the knowledge base") weighted by their prior for
    this patient; the likelihoods (and the demographic weights) are the diagnosis' own."""
    params = diagnoser.params
    tau = params.temperature
    demographics = diagnosis.log_demographics
    if demographics is None:  # (a Diagnosis made without them)
        demographics = diagnoser.patient_log_likelihood(evidence)
    weights = diagnoser.log_prior(evidence.context) + demographics
    log_other = math.log(params.other_prior)
    total = np.logaddexp(_logsumexp(weights), log_other)
    if not diagnosis.used:
        return {disease: {} for disease in diseases}
    # each finding's prior-weighted average, a row at a time in one buffer (a findings x diseases
    # temporary would cost more in fresh pages than in arithmetic)
    rows = [disease_ll for disease_ll, _ in diagnosis.likelihoods]
    if tau != 1.0:
        rows = [tau * np.asarray(row, dtype=np.float64) for row in rows]
    finite = np.isfinite(weights)
    everywhere = bool(finite.all())
    prior = weights if everywhere else weights[finite]
    buffer = np.empty(len(prior))
    peaks, sums = np.empty(len(rows)), np.empty(len(rows))
    for j, row in enumerate(rows):
        np.add(prior, row if everywhere else row[finite], out=buffer)
        peak = float(np.max(buffer, initial=-np.inf))
        peaks[j] = peak if math.isfinite(peak) else 0.0
        buffer -= peaks[j]
        sums[j] = np.exp(buffer, out=buffer).sum()
    with np.errstate(divide="ignore"):
        disease_part = peaks + np.log(sums)
    other_part = log_other + tau * np.asarray([other_ll for _, other_ll in diagnosis.likelihoods])
    average = np.logaddexp(disease_part, other_part) - total
    effects = np.stack([row[diseases] for row in rows]).astype(np.float64) - average[:, None]
    terms = [f.term for f in diagnosis.used]
    return {
        disease: dict(zip(terms, effects[:, k].tolist(), strict=True)) for k, disease in enumerate(diseases)
    }


def _logsumexp(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    if not len(finite):
        return -math.inf
    peak = float(finite.max())
    return peak + math.log(float(np.exp(finite - peak).sum()))


# ---- engine notes and warnings in Spanish --------------------------------------------------------

_NOTES_ES = [
    (
        re.compile(r"^no findings given: these are the prior probabilities for the context$"),
        "no se dio ningún hallazgo: son las probabilidades a priori del ámbito clínico",
    ),
    (
        re.compile(r"^(HP:\d{7}) is an alternative id of (HP:\d{7}); using (HP:\d{7})$"),
        r"\1 es un código alternativo de \2; se usa \3",
    ),
    (re.compile(r"^(HP:\d{7}) is obsolete; replaced by (HP:\d{7})$"), r"\1 está obsoleto; sustituido por \2"),
    (
        re.compile(r"^(HP:\d{7}) is obsolete with no replacement \(consider (.*)\)$"),
        r"\1 está obsoleto y sin sustituto (considere \2)",
    ),
    (
        re.compile(r"^unknown HPO id (\S+) \(not in HPO release ([^)]+)\); left out$"),
        r"código HPO desconocido \1 (no está en la versión \2 de la HPO); no se usa",
    ),
    (re.compile(r"^malformed HPO id (.+); left out$"), r"código HPO mal formado \1; no se usa"),
    (re.compile(r"^implausible age (.+); ignored$"), r"edad inverosímil \1; no se usa"),
]


def note(text: str, lang: str = "en") -> str:
    """An engine note or warning in `lang` (known sentences are translated; others are kept as they are)."""
    if lang != "es":
        return text
    for pattern, replacement in _NOTES_ES:
        if pattern.match(text):
            return pattern.sub(replacement, text)
    return text
