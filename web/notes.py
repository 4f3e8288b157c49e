"""The note box and POST /api/v1/extract: what the one note extractor (knowledge.notes) read from a note, for
the doctor to confirm, with what repeats or contradicts itself or the findings already entered."""

from __future__ import annotations

from inference.vitals import bin_vitals
from knowledge.kb import KnowledgeBase
from knowledge.notes import Extraction, note_extractor

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


def extract_payload(kb: KnowledgeBase, result: Extraction, lang: str) -> dict:
    """The /extract answer: findings (each with its mentions and flags), context mentions, vital signs as
    numbers and as the findings the engine derives from them, age, sex, conflicts and repeats."""
    payload = {"lang": lang, **result.as_dict()}
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
    """Form field -> value read from the note (vitals, age, sex), to fill fields the doctor left empty."""
    vitals = result.vitals
    values = {field: f"{vitals[name]:g}" for field, name in FORM_VITALS.items() if name in vitals}
    if result.age is not None:
        values["age"] = f"{result.age.value:g}"
    if result.sex:
        values["sex"] = result.sex
    return values
