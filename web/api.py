"""The JSON API under /api/v1 (stateless: no cookies, so no CSRF token; see docs/web.md)."""

from __future__ import annotations

import hmac
import json
import math
import re

from flask import Blueprint, Response, current_app, jsonify, request

from inference.evidence import FAMILY_FACTOR
from knowledge.sparql import QueryStopped, check_read_only, select_isolated, store_is_built
from web import diseases, notes, service
from web.openapi import spec
from web.schemas import (
    ApiError,
    DiagnoseRequest,
    ExtractRequest,
    FeedbackRequest,
    SparqlRequest,
    diagnose_body,
    not_a_field_hint,
    validate,
)
from web.state import engine, holder

__all__ = ["Busy", "bp"]

bp = Blueprint("api", __name__, url_prefix="/api/v1")
SPARQL_WAIT_S = 1.0  # wait this long for a free SPARQL slot, then 503 with Retry-After


class Busy(ApiError):
    """503: every slot for this kind of work is taken; answered with Retry-After."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(503, message, None)
        self.retry_after = retry_after


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def json_body() -> dict:
    """The request body as a JSON object, or ApiError naming what is wrong with it."""
    mimetype = request.mimetype or ""
    if mimetype and mimetype != "application/json" and not mimetype.endswith("+json"):
        raise ApiError(415, f"send JSON (Content-Type: application/json), not {mimetype}", "Content-Type")
    raw = request.get_data(cache=False)
    if not raw.strip():
        raise ApiError(400, "the body is empty; send a JSON object", "body")
    try:
        data = json.loads(raw, parse_constant=_reject_constant)
    except RecursionError:
        raise ApiError(400, "malformed JSON: nested too deeply", "body") from None
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError
        raise ApiError(400, f"malformed JSON: {error}", "body") from None
    if not isinstance(data, dict):
        raise ApiError(400, "the body must be a JSON object", "body")
    return data


_DIGITS = re.compile(r"[0-9]{1,9}")  # ASCII only: str.isdigit() also accepts "²" and "٣", which int() refuses


def int_param(raw: str, name: str, low: int, high: int | None = None) -> int:
    """A query parameter as an integer in [low, high], or ApiError(400) naming it."""
    bounds = f"from {low} to {high}" if high is not None else f"of at least {low}"
    if not _DIGITS.fullmatch(raw) or int(raw) < low or (high is not None and int(raw) > high):
        raise ApiError(400, f"{name} must be an integer {bounds}", name)
    return int(raw)


def _lang() -> str:
    lang = request.args.get("lang", "en")
    if lang not in ("en", "es"):
        raise ApiError(400, "lang must be en or es", "lang")
    return lang


@bp.get("/")
def index() -> Response:
    """What this API serves, and from which model and KB."""
    return jsonify(
        service.envelope(
            engine(),
            {
                "endpoints": [
                    "POST /api/v1/diagnose",
                    "POST /api/v1/feedback",
                    "GET /api/v1/phenotypes?q=&lang=",
                    "GET /api/v1/risk-factors?lang=",
                    "POST /api/v1/extract",
                    "GET /api/v1/diseases/<id>",
                    "POST /api/v1/sparql",
                    "GET /api/v1/openapi.json",
                ],
                "disclaimer": service.DISCLAIMER,
                # terms whose likelihoods this worker reads from the model's shared table (0: none yet)
                "likelihood_table_terms": len(table) if (table := engine().diagnoser.table) else 0,
            },
        )
    )


@bp.post("/diagnose")
def diagnose() -> Response:
    """The differential for findings (or a phenopacket, wrapped or as the body), with explanations and
    next questions."""
    options = {name: request.args[name] for name in ("lang", "context") if name in request.args}
    for name, high in (("top", 100), ("explain", 20), ("questions", 20)):
        if name in request.args:
            options[name] = int_param(request.args[name], name, 0, high)
    if "sources" in request.args:
        options["sources"] = [s.strip() for s in request.args["sources"].split(",") if s.strip()]
    try:
        request_model = validate(DiagnoseRequest, diagnose_body(json_body(), options))
    except ApiError as error:
        raise not_a_field_hint(error) from None
    current = engine()
    return jsonify(service.envelope(current, service.diagnose(current, request_model)))


@bp.post("/feedback")
def feedback() -> tuple[Response, int]:
    """The confirmed diagnosis for a served request (its request_id), for monitoring accuracy."""
    given = validate(FeedbackRequest, json_body())
    current = engine()
    if given.disease_id not in current.diagnoser.kb.disease_index:
        raise ApiError(400, f"disease_id: unknown disease id {given.disease_id!r}", "disease_id")
    recorded = service.log_feedback(given.request_id, given.disease_id)
    payload = {"request_id": given.request_id, "disease_id": given.disease_id, "recorded": recorded}
    return jsonify(service.envelope(current, payload)), 202


@bp.get("/phenotypes")
def phenotypes() -> Response:
    """Autocomplete over HPO labels and synonyms (English and Spanish, layperson terms included)."""
    if "q" not in request.args:
        raise ApiError(400, "q is required (the text to search for)", "q")
    query = request.args["q"]
    if len(query) > 200:
        raise ApiError(400, "q is longer than 200 characters", "q")
    limit = int_param(request.args.get("limit", "10"), "limit", 1, 50)
    lang = _lang()
    current = engine()
    results = [m.as_dict() for m in current.index.search(query, lang, limit)]
    return jsonify(service.envelope(current, {"query": query, "lang": lang, "results": results}))


@bp.get("/risk-factors")
def risk_factors() -> Response:
    """The risk factors /diagnose takes (`risk_factors`: id -> true/false), with their labels and the share of
    patients who have one, and how many curated diseases each moves."""
    lang = _lang()
    current = engine()
    table = current.diagnoser.risk
    counts = (table.with_factor != 0).sum(axis=0)
    results = [
        {
            "id": key,
            "label": factor.label_es if lang == "es" else factor.label,
            "share": factor.share,
            "diseases": int(counts[table.columns[key]]),
            "given_as": "family_history" if key == FAMILY_FACTOR else "risk_factors",
        }
        for key, factor in table.factors.items()
    ]
    return jsonify(service.envelope(current, {"lang": lang, "results": results}))


@bp.post("/extract")
def extract() -> Response:
    """Findings named in a free-text note, for the doctor to confirm: present or absent with severity, vital
    signs, age and sex, past / family / hypothetical mentions apart, and what repeats or contradicts itself
    or the findings already entered (`present`, `absent`)."""
    request_model = validate(ExtractRequest, json_body())
    current = engine()
    known = {t: True for t in request_model.present} | {t: False for t in request_model.absent}
    result = notes.read_note(current.kb, request_model.text, request_model.lang, known)
    payload = notes.extract_payload(current.kb, result, request_model.lang, request_model.text)
    return jsonify(service.envelope(current, payload))


@bp.get("/diseases/<disease_id>")
def disease(disease_id: str) -> Response:
    """A disease's phenotypes with frequencies and sources."""
    current = engine()
    return jsonify(service.envelope(current, diseases.disease(current, disease_id, _lang())))


@bp.post("/sparql")
def sparql() -> Response:
    """A read-only SELECT/ASK query over the knowledge graph, with a row limit and a timeout."""
    config = current_app.extensions["dxgraph.config"]
    if request.mimetype == "application/sparql-query":
        raw = request.get_data(cache=False)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ApiError(400, "the query is not UTF-8 text", "query") from None
        raw_limit = request.args.get("limit")
        limit = int_param(raw_limit, "limit", 1) if raw_limit is not None else None
        body = {"query": text, **({"limit": limit} if limit is not None else {})}
    else:
        body = json_body()
    query = validate(SparqlRequest, body)
    limit = query.limit or min(1000, config.sparql_max_rows)
    if limit > config.sparql_max_rows:
        raise ApiError(400, f"limit: at most {config.sparql_max_rows} rows", "limit")
    try:
        check_read_only(query.query)
    except ValueError as error:
        raise ApiError(400, f"query: {error}", "query") from None
    current = engine()
    if not store_is_built(current.build_dir):
        raise ApiError(503, "the SPARQL store is not built; run `dxgraph kb build`", None)
    retry = max(1, math.ceil(config.sparql_timeout_s))
    with current_app.extensions["dxgraph.sparql_slots"].hold(SPARQL_WAIT_S) as held:
        if not held:
            raise Busy("the SPARQL endpoint is busy; try again shortly", retry)
        try:
            variables, rows = select_isolated(
                current.build_dir,
                query.query,
                limit=limit + 1,
                timeout_s=config.sparql_timeout_s,
                memory_mb=config.sparql_memory_mb,
            )
        except QueryStopped as stopped:
            raise ApiError(422, f"query: {stopped}; narrow it or add a LIMIT", "query") from None
        except ValueError as error:
            raise ApiError(400, f"query: {error}", "query") from None
        except RuntimeError as error:
            raise ApiError(422, f"query: {error}", "query") from None
    truncated = len(rows) > limit
    rows = rows[:limit]
    payload = {
        "variables": variables,
        "rows": [dict(zip(variables, row, strict=True)) for row in rows],
        "truncated": truncated,
        "limit": limit,
    }
    return jsonify(service.envelope(current, payload))


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3 description of this API."""
    return jsonify(spec(current_app.extensions["dxgraph.config"]))


@bp.post("/admin/reload")
def admin_reload() -> Response:
    """Reload the KB and the promoted model now (bearer token from DXGRAPH_ADMIN_TOKEN)."""
    token = current_app.extensions["dxgraph.config"].admin_token
    if not token:
        raise ApiError(403, "the admin API is disabled (DXGRAPH_ADMIN_TOKEN is not set)", "Authorization")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise ApiError(403, "a valid bearer token is required", "Authorization")
    current_holder = holder()
    current = current_holder.reload_now()
    payload = {"reloaded": current_holder.last_error is None, "error": current_holder.last_error}
    status = 200 if current_holder.last_error is None else 503
    return jsonify(service.envelope(current, payload)), status
