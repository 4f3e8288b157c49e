"""What a doctor knows about a patient, validated at the boundary and resolved against the loaded HPO."""

from __future__ import annotations

from dataclasses import dataclass, field

from inference.priors import ONSET_RANGE
from inference.vitals import bin_vitals
from knowledge.kb import KnowledgeBase
from knowledge.units import HPO_ID

__all__ = [
    "CONTEXTS",
    "HPO_ID",
    "SEVERITY_WEIGHT",
    "Evidence",
    "EvidenceError",
    "Finding",
    "make_evidence",
    "complaint_duration",
    "onset_years",
]

SEVERITY_WEIGHT = {None: 1.0, "mild": 0.7, "moderate": 1.0, "severe": 1.0}
SEXES = ("female", "male")
CONTEXTS = ("primary-care", "emergency", "rare-disease-clinic")


class EvidenceError(ValueError):
    """Bad evidence; `field` names the part at fault."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


@dataclass(frozen=True)
class Finding:
    """One finding: a live HPO id stated present or absent, with its severity and where it came from."""

    term: str  # a live HPO id
    present: bool
    severity: str | None = None
    source: str = "reported"  # reported | vitals


@dataclass
class Evidence:
    """What is known of one patient, validated: findings, age, sex, consultation context and onset."""

    findings: list[Finding]
    age_years: float | None = None
    sex: str | None = None
    context: str = "primary-care"
    warnings: list[str] = field(default_factory=list)
    onset: tuple[float, float] | None = None  # age range (years) when the disease began
    duration_days: float | None = None  # how long the presenting complaint has lasted
    risk_factors: dict[str, bool] = field(default_factory=dict)  # factor id -> has it (inference/risk.py)
    family_history: list[str] = field(default_factory=list)  # curated diseases a first-degree relative has
    complaint_onset: str | None = (
        None  # how the complaint started: sudden | gradual (inference/complaint_onset)
    )

    @property
    def observed(self) -> list[Finding]:
        """The findings stated present."""
        return [f for f in self.findings if f.present]

    @property
    def excluded(self) -> list[Finding]:
        """The findings stated absent."""
        return [f for f in self.findings if not f.present]


def make_evidence(
    kb: KnowledgeBase,
    observed: list[str | tuple[str, str | None]] = (),
    excluded: list[str] = (),
    *,
    age_years: float | None = None,
    sex: str | None = None,
    context: str = "primary-care",
    vitals: dict | None = None,
    onset: float | str | None = None,
    duration_days: float | None = None,
    risk_factors: dict | list | None = None,
    family_history: list[str] | None = None,
    complaint_onset: str | None = None,
    strict: bool = True,
) -> Evidence:
    """Validate and resolve evidence. strict: unknown ids raise; else they are dropped with a warning."""
    warnings: list[str] = []
    findings: dict[str, Finding] = {}
    if context not in CONTEXTS:
        raise EvidenceError("context", f"must be one of {', '.join(CONTEXTS)}, not {context!r}")
    if sex is not None:
        sex = sex.lower()
        if sex in ("unknown_sex", "other_sex", "unknown", ""):
            sex = None
        elif sex not in SEXES:
            raise EvidenceError("sex", f"must be female or male, not {sex!r}")
    if age_years is not None and not 0 <= age_years <= 130:
        raise EvidenceError("age", f"{age_years} is not an age in years (0-130)")
    onset_range = onset_years(onset, age_years)
    duration = complaint_duration(duration_days, age_years)
    risks = patient_risk_factors(kb, risk_factors, sex)
    family = family_diseases(kb, family_history)
    if complaint_onset in ("", None):
        complaint_onset = None
    elif complaint_onset not in ("sudden", "gradual"):
        raise EvidenceError("complaint_onset", f"must be sudden or gradual, not {complaint_onset!r}")

    def resolve(raw: str, field_name: str) -> str | None:
        raw = raw.strip()
        if not HPO_ID.match(raw):
            raise EvidenceError(field_name, f"malformed HPO id {raw!r} (expected HP:nnnnnnn)")
        term, warning = kb.resolve_term(raw)
        if warning:
            warnings.append(warning)
        if term is None:
            message = warning or f"unknown HPO id {raw} (not in HPO release {kb.release})"
            if strict:
                raise EvidenceError(field_name, message)
            if not warning:
                warnings.append(message + "; left out")
        return term

    for item in observed:
        raw, severity = (item, None) if isinstance(item, str) else item
        if severity not in SEVERITY_WEIGHT:
            raise EvidenceError("severity", f"{raw}: severity must be mild, moderate or severe")
        term = resolve(raw, "observed")
        if term:
            findings[term] = Finding(term, True, severity)
    for raw in excluded:
        term = resolve(raw, "excluded")
        if term is None:
            continue
        if term in findings and findings[term].present:
            raise EvidenceError("excluded", f"{term} ({kb.label(term)}) is both observed and excluded")
        findings[term] = Finding(term, False)
    if vitals:
        try:
            binned = bin_vitals(age_years=age_years, **vitals)
        except (TypeError, ValueError) as error:
            raise EvidenceError("vitals", str(error)) from error
        for vital in binned:
            if vital.term in kb.term_index and vital.term not in findings:
                findings[vital.term] = Finding(vital.term, vital.present, source="vitals")
    return Evidence(
        list(findings.values()),
        age_years,
        sex,
        context,
        warnings,
        onset_range,
        duration,
        risks,
        family,
        complaint_onset,
    )


MALE_ONLY_EXCLUDED = ("pregnant", "postpartum")
FAMILY_FACTOR = "family_history_of_it"  # given as family_history (the diseases), not as a factor


def patient_risk_factors(
    kb: KnowledgeBase, given: dict | list | None, sex: str | None = None
) -> dict[str, bool]:
    """The patient's risk factors, validated: {id: true/false}, or a list of ids ('-id' = stated absent)."""
    if not given:
        return {}
    known = kb.term_info.get("risk_factors") or {}
    if isinstance(given, list):
        given = {str(item).lstrip("-"): not str(item).startswith("-") for item in given}
    if not isinstance(given, dict):
        raise EvidenceError("risk_factors", "must be an object of factor ids to true/false, or a list of ids")
    out = {}
    for key, present in given.items():
        if key not in known:
            raise EvidenceError(
                "risk_factors", f"unknown risk factor {key!r}; known: {', '.join(sorted(known))}"
            )
        if not isinstance(present, bool):
            raise EvidenceError("risk_factors", f"{key}: must be true or false, not {present!r}")
        if key == FAMILY_FACTOR:
            message = f"{key}: name the relatives' diseases in family_history instead"
            raise EvidenceError("risk_factors", message)
        if present and sex == "male" and key in MALE_ONLY_EXCLUDED:
            raise EvidenceError("risk_factors", f"{key} is stated for a male patient")
        out[key] = present
    return out


def family_diseases(kb: KnowledgeBase, given: list[str] | None) -> list[str]:
    """The curated diseases named in the family history, validated (ids as the rankings give them)."""
    if not given:
        return []
    if not isinstance(given, list) or not all(isinstance(item, str) for item in given):
        raise EvidenceError("family_history", "must be a list of disease ids (DXG:migraine ...)")
    unknown = [item for item in given if item not in kb.disease_index]
    if unknown:
        raise EvidenceError("family_history", f"unknown disease id {unknown[0]!r}")
    return list(dict.fromkeys(given))


def complaint_duration(days: float | str | None, age_years: float | None = None) -> float | None:
    """How long the complaint has lasted, in days (0.5 = 12 hours), validated."""
    if days is None or days == "":
        return None
    try:
        value = float(days)
    except (TypeError, ValueError):
        raise EvidenceError("duration_days", f"{days!r} is not a number of days") from None
    if isinstance(days, bool) or not 0 <= value <= 36_500:
        raise EvidenceError("duration_days", f"{days} is not a duration in days (0-36500)")
    if age_years is not None and value > (age_years + 1) * 366:
        raise EvidenceError("duration_days", f"{value:g} days is longer than the patient's life")
    return value


def onset_years(onset: float | str | None, age_years: float | None = None) -> tuple[float, float] | None:
    """The patient's onset as an age range in years, from a number of years or an HPO onset term."""
    if onset is None or onset == "":
        return None
    if isinstance(onset, str) and not HPO_ID.match(onset.strip()):
        try:
            onset = float(onset)
        except ValueError:
            raise EvidenceError(
                "onset", f"{onset!r} is neither an age in years nor an HPO onset term (HP:0003577 ...)"
            ) from None
    if isinstance(onset, str):
        term = onset.strip()
        if term not in ONSET_RANGE:
            raise EvidenceError("onset", f"{term} is not an HPO onset term (HP:0003674 and below)")
        return ONSET_RANGE[term]
    if isinstance(onset, bool) or not 0 <= float(onset) <= 130:
        raise EvidenceError("onset", f"{onset} is not an age in years (0-130)")
    if age_years is not None and float(onset) > age_years + 1e-9:
        raise EvidenceError("onset", f"onset at {onset} years is after the current age {age_years}")
    return float(onset), float(onset)
