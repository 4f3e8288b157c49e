"""The note box and POST /api/v1/extract: what the one note extractor (knowledge.notes) read from a note, for
the doctor to confirm, with what repeats or contradicts itself or the findings already entered."""

from __future__ import annotations

import math

from inference.course import duration_bin
from inference.vitals import bin_vitals
from knowledge.kb import KnowledgeBase
from knowledge.notes import Extraction, note_extractor
from knowledge.units import fahrenheit_to_celsius

__all__ = ["extract_payload", "form_measures", "measure_outcomes", "quote", "read_note"]

# form field <- vital sign read from the note (the form keeps what the doctor typed)
FORM_VITALS = {
    "temperature": "temperature_c",
    "heart_rate": "heart_rate",
    "respiratory_rate": "respiratory_rate",
    "systolic_bp": "systolic_bp",
    "diastolic_bp": "diastolic_bp",
    "spo2": "spo2",
}


def read_note(kb: KnowledgeBase, text: str, lang: str, known: dict[str, bool] | None = None) -> Extraction:
    """The extraction of a note; `known` = term -> present for the findings already entered."""
    return note_extractor(kb).extract(text, lang, known or {})


_CLAUSE_ENDS = ".;:!?,()[]\n"


def quote(text: str, start: int, end: int, before: int = 3, after: int = 2) -> str:
    """The words of the note around a mention, within its clause ('sin tos', 'No cough today'): what the
    doctor needs to see to judge a flag, negation included."""
    left = text[max(0, start - 160) : start]
    head = left[max(left.rfind(c) for c in _CLAUSE_ENDS) + 1 :].split()[-before:] if before else []
    right = text[end : end + 160]
    stops = [i for i in (right.find(c) for c in _CLAUSE_ENDS) if i >= 0]
    tail = right[: min(stops, default=len(right))].split()[:after]
    return " ".join([*head, text[start:end], *tail])


def extract_payload(kb: KnowledgeBase, result: Extraction, lang: str, text: str | None = None) -> dict:
    """The /extract answer: findings (each with its mentions and flags), context mentions, vital signs as
    numbers and as the findings the engine derives from them, age, sex, conflicts and repeats; given the
    note's `text`, each finding, mention and context mention also has its `quote` (see quote())."""
    payload = {"lang": lang, **result.as_dict()}
    payload["duration_bin"] = duration_bin(result.duration.value) if result.duration else None
    payload["family_history"] = [
        {"id": d, "label": kb.disease_label(kb.disease_index[d], lang)} for d in result.family_history
    ]
    if text is not None:
        for item in [*payload["findings"], *payload["context"], *payload["risk_mentions"]]:
            item["quote"] = quote(text, item["start"], item["end"])
        for finding in payload["findings"]:
            for mention in finding["mentions"]:
                mention["quote"] = quote(text, mention["start"], mention["end"])
    try:
        age = result.age.value if result.age else None
        binned = bin_vitals(age_years=age, **result.vitals) if result.vitals else []
    except ValueError:
        binned = []
    payload["vital_findings"] = [
        {"id": v.term, "label": kb.label(v.term, lang), "present": v.present, "reason": v.reason}
        for v in binned
        if v.term in kb.term_index
    ]
    _, _, warnings = result.evidence()
    payload["warnings"] = warnings
    return payload


def form_measures(result: Extraction) -> dict[str, str]:
    """Form field -> value read from the note (vitals, age, sex, duration, risk factors), to fill fields the
    doctor left empty."""
    vitals = result.vitals
    values = {field: f"{vitals[name]:g}" for field, name in FORM_VITALS.items() if name in vitals}
    if result.age is not None:
        values["age"] = f"{result.age.value:g}"
    if result.sex:
        values["sex"] = result.sex
    if result.duration is not None:
        values["duration"] = duration_bin(result.duration.value)
    if result.complaint_onset:
        values["complaint_onset"] = result.complaint_onset
    for factor, present in result.risk_factors.items():
        values[f"risk_{factor}"] = "yes" if present else "no"
    return values


def _same(field: str, form_value: str, note_value: str, unit: str) -> bool:
    if field in ("sex", "duration", "complaint_onset") or field.startswith("risk_"):
        return form_value == note_value
    try:
        entered = float(form_value.replace(",", "."))
    except ValueError:
        return False
    if field == "temperature" and unit == "F":
        entered = fahrenheit_to_celsius(entered)
    return math.isclose(entered, float(note_value), abs_tol=0.05)


def measure_outcomes(read: dict[str, str], form: dict[str, str], unit: str = "C") -> list[dict]:
    """What became of each value read from the note (form field -> value): `filled` into an empty field,
    `same` as the form, or `kept` = the form already says otherwise (shown, never silently dropped)."""
    outcomes = []
    for field, value in read.items():
        entered = (form.get(field) or "").strip()
        outcome = "filled" if not entered else "same" if _same(field, entered, value, unit) else "kept"
        shown_unit = unit if field == "temperature" else None  # the unit of the form's own temperature
        outcomes.append(
            {"field": field, "value": value, "form": entered, "outcome": outcome, "unit": shown_unit}
        )
    return outcomes
