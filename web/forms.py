"""The form without JavaScript: parse the posted fields, apply the button pressed, build a request."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from inference.complaint_onset import ONSETS
from inference.course import BIN_DAYS
from knowledge.search import PhenotypeIndex
from web.notes import extract_payload, form_measures, measure_outcomes, read_note
from web.schemas import ApiError

__all__ = ["NUMBER_FIELDS", "RISK_GROUPS", "PageState", "parse", "request_payload", "risk_field"]

SEVERITIES = ("mild", "moderate", "severe")
NUMBER_FIELDS = ("temperature", "heart_rate", "respiratory_rate", "systolic_bp", "diastolic_bp", "spo2")
# the risk factors the form asks about, grouped as a doctor takes a history (ids of risk_factors.ttl;
# a family history of a named disease comes from the note)
RISK_GROUPS = {
    "risk_habits": ("smoking", "heavy_alcohol", "injection_drug_use", "cocaine_or_stimulants"),
    "risk_exposures": (
        "travel_abroad",
        "sick_contact",
        "new_sexual_partner",
        "animal_or_tick_exposure",
        "suspect_food",
        "sun_exposure",
        "recent_trauma",
        "immobility_or_surgery",
        "unvaccinated",
    ),
    "risk_medicines": (
        "estrogen_use",
        "nsaid_or_aspirin_use",
        "anticoagulant_use",
        "recent_antibiotics",
        "new_medication",
        "pregnant",
        "postpartum",
    ),
    "risk_conditions": (
        "diabetes",
        "hypertension",
        "obesity",
        "dyslipidemia",
        "coronary_disease",
        "atrial_fibrillation",
        "heart_failure_history",
        "chronic_lung_disease",
        "chronic_kidney_disease",
        "chronic_liver_disease",
        "immunosuppressed",
        "active_cancer",
        "atopy",
        "family_sudden_death",
    ),
}
RISK_IDS = tuple(key for group in RISK_GROUPS.values() for key in group)
RISK_ANSWERS = ("yes", "no")


def risk_field(factor: str) -> str:
    """The form field of a risk factor ("risk_smoking": "", "yes" or "no")."""
    return f"risk_{factor}"


_NEGATED = re.compile(r"^\s*(?:-|no\s+|not\s+|sin\s+|niega\s+|denies\s+)", re.IGNORECASE)


@dataclass
class Row:
    id: str
    label: str
    present: bool = True
    severity: str | None = None


@dataclass
class PageState:
    """Everything the form shows, echoed back after a POST."""

    rows: list[Row] = field(default_factory=list)
    add: str = ""
    note: str = ""
    age: str = ""
    onset: str = ""
    duration: str = ""  # how long the complaint has lasted: hours, days, weeks or months (inference.course)
    complaint_onset: str = ""  # how it started: sudden or gradual (inference.complaint_onset)
    sex: str = ""
    context: str = "primary-care"
    temperature: str = ""
    temperature_unit: str = "C"
    heart_rate: str = ""
    respiratory_rate: str = ""
    systolic_bp: str = ""
    diastolic_bp: str = ""
    spo2: str = ""
    risks: dict[str, str] = field(default_factory=dict)  # factor -> "yes" / "no" (unset: not stated)
    family: list[str] = field(default_factory=list)  # curated diseases a relative has (read from the note)
    extraction: dict | None = None  # what the note box read (the /extract answer), flags for the doctor
    note_measures: list[dict] = field(default_factory=list)  # vitals, age, sex read: filled, same or kept
    not_found: list[str] = field(default_factory=list)

    def upsert(self, row: Row) -> None:
        """Add a finding row, or update the row of the same term (its state, and its severity when one is
        given)."""
        for existing in self.rows:
            if existing.id == row.id:
                existing.present, existing.severity = row.present, row.severity or existing.severity
                return
        self.rows.append(row)


def _clip(value: str | None, size: int = 200) -> str:
    return (value or "").strip()[:size]


def parse(form: MultiDict, index: PhenotypeIndex, lang: str) -> PageState:
    """The posted form with its button applied (remove, answer, confirm, add, extract)."""
    kb = index.kb
    state = PageState(
        add=_clip(form.get("add"), 1000),
        note=(form.get("note") or "")[:20_000],
        age=_clip(form.get("age"), 20),
        onset=_clip(form.get("onset"), 20),
        duration=form.get("duration") if form.get("duration") in BIN_DAYS else "",
        complaint_onset=form.get("complaint_onset") if form.get("complaint_onset") in ONSETS else "",
        sex=_clip(form.get("sex"), 10),
        context=_clip(form.get("context"), 40) or "primary-care",
        temperature_unit="F" if form.get("temperature_unit") == "F" else "C",
        **{name: _clip(form.get(name), 20) for name in NUMBER_FIELDS},
        risks={f: form[risk_field(f)] for f in RISK_IDS if form.get(risk_field(f)) in RISK_ANSWERS},
        family=[d for d in dict.fromkeys(form.getlist("family")[:20]) if d in kb.disease_index],
    )
    factor, _, answer = (form.get("risk_answer") or "").partition("|")
    if factor in RISK_IDS and answer in RISK_ANSWERS:  # an answer to "also ask about"
        state.risks[factor] = answer
    if form.get("remove_family"):
        state.family = [d for d in state.family if d != form.get("remove_family")]
    ids, states, severities = form.getlist("f_id"), form.getlist("f_state"), form.getlist("f_sev")
    for position, raw in enumerate(ids[:200]):
        term = raw.strip()
        if not term or any(r.id == term for r in state.rows):
            continue
        present = (states[position] if position < len(states) else "present") != "absent"
        severity = severities[position] if position < len(severities) else ""
        state.rows.append(
            Row(term, kb.label(term, lang), present, severity if severity in SEVERITIES else None)
        )
    removed = form.get("remove")
    if removed:
        state.rows = [r for r in state.rows if r.id != removed]
    answer = form.get("answer", "")
    if "|" in answer:
        term, _, how = answer.partition("|")
        state.upsert(Row(term.strip(), kb.label(term.strip(), lang), how != "absent"))
    if form.get("action") == "confirm":
        # ticked findings, and the choice made for each flagged one ("resolve:<id>"; "" leaves it out)
        chosen = form.getlist("confirm") + [form.get(key) for key in form if key.startswith("resolve:")]
        for value in chosen:
            if not value or "|" not in value:
                continue
            term, _, rest = value.partition("|")
            how, _, severity = rest.partition("|")
            state.upsert(Row(term.strip(), kb.label(term.strip(), lang), how != "absent", severity or None))
    if state.add:
        for item in re.split(r"[,;\n]+", state.add):
            if not item.strip():
                continue
            negated = _NEGATED.match(item)
            text = item[negated.end() :] if negated else item
            found = index.search(text, lang, 1)
            if found:
                state.upsert(Row(found[0].term, found[0].label, not negated))
            else:
                state.not_found.append(item.strip())
        state.add = ", ".join(state.not_found)
    if form.get("action") == "extract":
        result = read_note(kb, state.note, lang, {r.id: r.present for r in state.rows})
        state.extraction = extract_payload(kb, result, lang, state.note)
        read = form_measures(result)
        entered = {name: _entered(state, name) for name in read}
        state.note_measures = measure_outcomes(read, entered, state.temperature_unit)
        for item in state.note_measures:  # "fiebre de 39" fills an empty temperature; a clash is shown
            if item["outcome"] != "filled":
                continue
            if item["field"].startswith("risk_"):
                state.risks[item["field"].removeprefix("risk_")] = item["value"]
                continue
            setattr(state, item["field"], item["value"])
            if item["field"] == "temperature":
                state.temperature_unit = "C"
        state.family = list(dict.fromkeys(state.family + result.family_history))
    return state


def _entered(state: PageState, name: str) -> str:
    """What the form holds in a field (a risk factor's "yes" / "no" / "")."""
    if name.startswith("risk_"):
        return state.risks.get(name.removeprefix("risk_"), "")
    return getattr(state, name)


def _number(value: str, field_name: str) -> float | None:
    if not value:
        return None
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        message = f"{field_name}: {value!r} is not a number"
        raise ApiError(400, message, field_name, "number", {"value": value})
    return number


def _check_onset(onset: float, age: float | None) -> None:
    """The form's onset (years) is checked here so its message can be worded in the page's language."""
    if onset < 0:
        raise ApiError(400, "onset: must be at least 0", "onset", "greater_than_equal", {"ge": 0})
    if onset > 130:
        raise ApiError(400, "onset: must be at most 130", "onset", "less_than_equal", {"le": 130})
    if age is not None and onset > age:
        raise ApiError(400, f"onset: {onset:g} is after the current age {age:g}", "onset", "onset_after_age")


def request_payload(state: PageState, lang: str) -> dict:
    """The same JSON the API takes (validated by the same model)."""
    vitals: dict[str, float] = {}
    temperature = _number(state.temperature, "temperature")
    if temperature is not None:
        vitals["temperature_f" if state.temperature_unit == "F" else "temperature_c"] = temperature
    for name in NUMBER_FIELDS[1:]:
        value = _number(getattr(state, name), name)
        if value is not None:
            vitals[name] = value
    payload: dict = {
        "observed": [
            {"id": r.id, "severity": r.severity} if r.severity else {"id": r.id}
            for r in state.rows
            if r.present
        ],
        "excluded": [r.id for r in state.rows if not r.present],
        "context": state.context,
        "lang": lang,
        "top": 10,
        "explain": 10,
        "questions": 5,
    }
    age = _number(state.age, "age")
    if age is not None:
        payload["age"] = age
    onset = _number(state.onset, "onset")
    if onset is not None:
        _check_onset(onset, age)
        payload["onset"] = onset
    if state.duration:
        payload["duration_days"] = BIN_DAYS[state.duration]
    if state.complaint_onset:
        payload["complaint_onset"] = state.complaint_onset
    if state.sex in ("female", "male"):
        payload["sex"] = state.sex
    if state.risks:
        payload["risk_factors"] = {key: answer == "yes" for key, answer in state.risks.items()}
    if state.family:
        payload["family_history"] = list(state.family)
    if vitals:
        payload["vitals"] = vitals
    return payload
