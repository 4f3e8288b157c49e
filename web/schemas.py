"""Request models (pydantic, strict: no silent coercion) and the error shape of the JSON API."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, WithJsonSchema

from inference.evidence import CONTEXTS
from knowledge.units import HPO_ID_PATTERN

__all__ = [
    "MAX_EXPLAIN",
    "MAX_FINDINGS",
    "MAX_QUESTIONS",
    "MAX_TOP",
    "ApiError",
    "DiagnoseRequest",
    "ExtractRequest",
    "FeedbackRequest",
    "ObservedItem",
    "SparqlRequest",
    "Strict",
    "Vitals",
    "diagnose_body",
    "not_a_field_hint",
    "validate",
]

HPO_PATTERN = HPO_ID_PATTERN
Severity = Literal["mild", "moderate", "severe"]
Context = Literal["primary-care", "emergency", "rare-disease-clinic"]
Source = Literal["OMIM", "ORPHA", "DECIPHER", "curated"]
Lang = Literal["en", "es"]
assert set(Context.__args__) == set(CONTEXTS)  # type: ignore[attr-defined]


class ApiError(Exception):
    """A client mistake: answered as {"error": message, "field": field} with a 4xx status; `code` and
    `params` (when known) let a client word the message itself, e.g. in the page's language."""

    def __init__(
        self,
        status: int,
        message: str,
        field: str | None = None,
        code: str | None = None,
        params: dict | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.code = code
        self.params = params or {}

    def as_dict(self) -> dict:
        """The error as the API's JSON body: message and field, plus code and params when it has a code."""
        answer = {"error": self.message, "field": self.field}
        if self.code:
            answer.update(code=self.code, params=self.params)
        return answer


class Strict(BaseModel):
    """Base of the request models: unknown fields are refused and values are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True)


class ObservedItem(Strict):
    """One observed finding: an HPO id with an optional severity."""

    id: str = Field(max_length=32, description="HPO term id, e.g. HP:0001945")
    severity: Severity | None = None


def _observed_entry(value: Any) -> Any:
    return {"id": value} if isinstance(value, str) else value


ObservedEntry = Annotated[
    ObservedItem,
    BeforeValidator(_observed_entry),
    WithJsonSchema(
        {
            "oneOf": [
                {"type": "string", "pattern": HPO_PATTERN},
                {
                    "type": "object",
                    "required": ["id"],
                    "additionalProperties": False,
                    "properties": {
                        "id": {"type": "string", "pattern": HPO_PATTERN},
                        "severity": {"enum": ["mild", "moderate", "severe", None]},
                    },
                },
            ]
        }
    ),
]
TermId = Annotated[str, Field(max_length=32, description="HPO term id, e.g. HP:0002094")]
Finite = Annotated[float | None, Field(default=None, allow_inf_nan=False)]


class Vitals(Strict):
    """The vital signs of a diagnose request, each optional."""

    temperature_c: Finite = None
    temperature_f: Finite = None
    heart_rate: Finite = None
    respiratory_rate: Finite = None
    systolic_bp: Finite = None
    diastolic_bp: Finite = None
    spo2: Finite = None


MAX_FINDINGS = 200  # observed + excluded (or a phenopacket's features) together
MAX_TOP, MAX_EXPLAIN, MAX_QUESTIONS = 100, 20, 20
COST_LIMITS = {
    "findings": MAX_FINDINGS,
    "top": MAX_TOP,
    "explain": MAX_EXPLAIN,
    "questions": MAX_QUESTIONS,
    "time_budget_ms": 2000,  # DXGRAPH_REQUEST_BUDGET_MS (the served spec shows the configured value)
}


class DiagnoseRequest(Strict):
    """Cost limits: at most 200 findings in all (observed + excluded, or a phenopacket's features), top
    <= 100, explain <= 20, questions <= 20, and a time budget per request (DXGRAPH_REQUEST_BUDGET_MS,
    2000 ms): explanations and next questions are left out, with a warning, once the differential alone
    used it up."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"x-cost-limits": COST_LIMITS})

    observed: list[ObservedEntry] = Field(default_factory=list, max_length=MAX_FINDINGS)
    excluded: list[TermId] = Field(default_factory=list, max_length=MAX_FINDINGS)
    age: float | None = Field(None, ge=0, le=130, allow_inf_nan=False, description="years")
    sex: Literal["female", "male", "unknown"] | None = None
    onset: float | str | None = Field(
        None,
        description="when the disease began: age in years, or an HPO onset term (e.g. HP:0003577 congenital)",
    )
    duration_days: float | None = Field(
        None,
        ge=0,
        le=36500,
        allow_inf_nan=False,
        description="how long the presenting complaint has lasted, in days (0.25 = 6 hours)",
    )
    complaint_onset: Literal["sudden", "gradual"] | None = Field(
        None, description="how the presenting complaint started: sudden (seconds to minutes) or gradual"
    )
    risk_factors: dict[str, bool] | None = Field(
        None,
        max_length=64,
        description="what is known of the patient besides the findings: risk factor id -> true (has it) or "
        'false (stated without it), e.g. {"smoking": true}; the ids are listed by GET /api/v1/risk-factors',
    )
    family_history: list[str] | None = Field(
        None,
        max_length=20,
        description="diseases a first-degree relative has (disease ids as the rankings give them)",
    )
    context: Context | None = Field(
        None, description="default primary-care (rare-disease-clinic for a phenopacket)"
    )
    vitals: Vitals | None = None
    top: int = Field(10, ge=1, le=MAX_TOP)
    sources: list[Source] | None = Field(None, max_length=4, description="restrict the candidates")
    explain: int = Field(3, ge=0, le=MAX_EXPLAIN, description="explain this many top diseases")
    questions: int = Field(5, ge=0, le=MAX_QUESTIONS, description="suggest this many next questions")
    lang: Lang = "en"
    phenopacket: dict[str, Any] | None = Field(None, description="a GA4GH phenopacket instead of findings")


class FeedbackRequest(Strict):
    """The confirmed diagnosis of an earlier /diagnose answer."""

    request_id: str = Field(pattern=r"^[0-9a-f]{32}$", description="request_id of a /diagnose answer")
    disease_id: str = Field(
        max_length=64, pattern=r"^[A-Za-z][A-Za-z0-9_.-]*:[A-Za-z0-9_.-]+$", description="confirmed diagnosis"
    )


class ExtractRequest(Strict):
    """A clinical note to extract findings from, with the findings already entered."""

    text: str = Field(max_length=20_000)
    lang: Lang = "en"
    present: list[TermId] = Field(
        default_factory=list, max_length=200, description="findings already entered as present"
    )
    absent: list[TermId] = Field(
        default_factory=list, max_length=200, description="findings already entered as absent"
    )


class SparqlRequest(Strict):
    """A read-only SPARQL query and an optional row limit."""

    query: str = Field(min_length=1, max_length=20_000)
    limit: int | None = Field(None, ge=1)


def field_name(location: tuple) -> str:
    """('observed', 2, 'id') -> 'observed[2].id'."""
    name = ""
    for part in location:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += ("." if name else "") + str(part)
    return name or "body"


def validate(model: type[Strict], data: dict) -> Strict:
    """Validate a parsed JSON object, raising ApiError(400) that names the first field at fault."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        field = field_name(tuple(first["loc"]))
        params = {
            key: value
            for key, value in (first.get("ctx") or {}).items()
            if isinstance(value, str | int | float | bool)
        }
        raise ApiError(400, f"{field}: {first['msg']}", field, first["type"], params) from None


# ---- a bare phenopacket as the body of /diagnose ---------------------------------------------------

# top-level fields of a GA4GH phenopacket (v1 and v2, camelCase and snake_case) that no request uses
PHENOPACKET_FIELDS = frozenset(
    [
        "subject",
        "phenotypicFeatures",
        "phenotypic_features",
        "measurements",
        "biosamples",
        "interpretations",
        "diseases",
        "medicalActions",
        "medical_actions",
        "files",
        "metaData",
        "meta_data",
        "genes",
        "variants",
        "htsFiles",
        "hts_files",
    ]
)
OPTION_FIELDS = ("top", "explain", "questions", "lang", "context", "sources")


def diagnose_body(data: dict, options: dict) -> dict:
    """The /diagnose body as a request: a bare phenopacket (recognised by its fields) becomes
    {"phenopacket": body} with the request options found beside it or in `options` (the query string)."""
    packet_fields = set(data) & PHENOPACKET_FIELDS
    if "phenopacket" in data or not packet_fields:
        return data
    packet = dict(data)
    chosen = {name: packet.pop(name) for name in OPTION_FIELDS if name in packet}
    findings = sorted(set(packet) & (set(DiagnoseRequest.model_fields) - set(OPTION_FIELDS)))
    if findings:
        raise ApiError(
            400,
            f"{findings[0]}: the body is a phenopacket ({', '.join(sorted(packet_fields))}); give either a "
            "phenopacket or findings, not both",
            findings[0],
        )
    return {"phenopacket": packet, **options, **chosen}


def not_a_field_hint(error: ApiError) -> ApiError:
    """'id: Extra inputs are not permitted' says how to send a phenopacket when the field is one of its."""
    field = error.field or ""
    if error.code == "extra_forbidden" and (field == "id" or field in PHENOPACKET_FIELDS):
        hint = (
            f"{field}: not a field of this request; to send a GA4GH phenopacket, post it as the body "
            'itself (recognised by phenotypicFeatures, subject, ...) or as {"phenopacket": {...}}'
        )
        return ApiError(error.status, hint, error.field, error.code, error.params)
    return error
