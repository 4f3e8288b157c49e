"""Evidence from a diagnose request: the findings or the phenopacket checked against the loaded HPO
release, vitals in plausible ranges, at most MAX_FINDINGS; a client mistake is an ApiError naming the
field."""

from __future__ import annotations

from inference.evidence import HPO_ID, Evidence, EvidenceError, make_evidence
from inference.phenopackets import packet_to_case
from inference.vitals import PLAUSIBLE, temperature_celsius
from web.schemas import MAX_FINDINGS, ApiError, DiagnoseRequest
from web.state import Engine

__all__ = ["evidence_from"]


def _check_ids(engine: Engine, ids: list[str], field: str) -> None:
    for position, raw in enumerate(ids):
        name = f"{field}[{position}]"
        if not HPO_ID.match(raw.strip()):
            raise ApiError(400, f"{name}: malformed HPO id {raw!r} (expected HP:nnnnnnn)", name)
        term, warning = engine.kb.resolve_term(raw.strip())
        if term is None:
            message = warning or f"unknown HPO id {raw} (not in HPO release {engine.kb.release})"
            raise ApiError(400, f"{name}: {message}", name)


def _vitals(request: DiagnoseRequest) -> dict[str, float]:
    if request.vitals is None:
        return {}
    given = request.vitals.model_dump(exclude_none=True)
    if "temperature_c" in given and "temperature_f" in given:
        raise ApiError(400, "vitals: give temperature_c or temperature_f, not both", "vitals.temperature_f")
    if "temperature_f" in given:
        given["temperature_c"] = temperature_celsius(given.pop("temperature_f"), "F")
        unit_field = "vitals.temperature_f"
    else:
        unit_field = "vitals.temperature_c"
    for name, value in given.items():
        low, high = PLAUSIBLE[name]
        if not low <= value <= high:
            field = unit_field if name == "temperature_c" else f"vitals.{name}"
            message = f"{field}: {value:g} is outside the plausible range {low:g}-{high:g}"
            raise ApiError(400, message, field, "range", {"value": value, "low": low, "high": high})
    return given


def evidence_from(engine: Engine, request: DiagnoseRequest) -> tuple[Evidence, str | None]:
    """Validated evidence (and the phenopacket id, when one was given); ApiError names the field."""
    kb = engine.diagnoser.kb
    if request.phenopacket is not None:
        clash = [
            name
            for name in (
                "observed",
                "excluded",
                "age",
                "sex",
                "vitals",
                "duration_days",
                "complaint_onset",
                "risk_factors",
                "family_history",
            )
            if getattr(request, name) not in (None, [])
        ]
        if clash:
            raise ApiError(400, f"{clash[0]}: give either a phenopacket or findings, not both", clash[0])
        try:
            case = packet_to_case(kb, request.phenopacket, context=request.context or "rare-disease-clinic")
        except EvidenceError as error:
            raise ApiError(400, f"phenopacket: {error.message}", "phenopacket") from None
        except (AttributeError, TypeError, ValueError, KeyError) as error:
            raise ApiError(400, f"phenopacket: not a valid phenopacket ({error})", "phenopacket") from None
        if len(case.evidence.findings) > MAX_FINDINGS:
            count = len(case.evidence.findings)
            message = f"phenopacket: {count} findings; at most {MAX_FINDINGS} per request"
            raise ApiError(400, message, "phenopacket")
        return case.evidence, case.case_id
    if len(request.observed) + len(request.excluded) > MAX_FINDINGS:
        message = (
            f"observed: {len(request.observed)} observed + {len(request.excluded)} excluded findings; "
            f"at most {MAX_FINDINGS} in all per request"
        )
        raise ApiError(400, message, "observed")
    _check_ids(engine, [item.id for item in request.observed], "observed")
    _check_ids(engine, request.excluded, "excluded")
    try:
        evidence = make_evidence(
            kb,
            [(item.id.strip(), item.severity) for item in request.observed],
            [raw.strip() for raw in request.excluded],
            age_years=request.age,
            sex=request.sex,
            context=request.context or "primary-care",
            vitals=_vitals(request),
            onset=request.onset,
            duration_days=request.duration_days,
            risk_factors=request.risk_factors,
            family_history=request.family_history,
            complaint_onset=request.complaint_onset,
            strict=True,
        )
    except EvidenceError as error:
        raise ApiError(400, str(error), error.field) from None
    return evidence, None
