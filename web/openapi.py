"""The OpenAPI 3.1 document: request schemas generated from the pydantic models, the rest by hand."""

from __future__ import annotations

from functools import cache

from web.config import WebConfig
from web.schemas import (
    MAX_EXPLAIN,
    MAX_FINDINGS,
    MAX_QUESTIONS,
    MAX_TOP,
    DiagnoseRequest,
    ExtractRequest,
    FeedbackRequest,
    ObservedItem,
    SparqlRequest,
    Vitals,
)

__all__ = ["spec"]

REF = "#/components/schemas/{model}"


def _schema(model) -> tuple[dict, dict]:
    schema = model.model_json_schema(ref_template=REF)
    return schema, schema.pop("$defs", {})


def _json(schema: dict, example: dict | None = None) -> dict:
    body = {"schema": schema}
    if example is not None:
        body["example"] = example
    return {"content": {"application/json": body}}


def _errors(*codes: int) -> dict:
    text = {
        400: "bad input: the body, a field or a parameter (named in `field`)",
        403: "forbidden",
        404: "not found",
        413: "body too large",
        415: "not JSON",
        422: "query took too long",
        429: "rate limited",
        503: "not available (SPARQL store not built, busy, or a reload failed)",
    }
    return {
        str(code): {"description": text[code], **_json({"$ref": REF.format(model="Error")})} for code in codes
    }


ENVELOPE = {
    "model_version": {"type": "string", "description": "promoted model, or literature-only"},
    "kb_version": {"type": "string"},
    "hpo_release": {"type": "string"},
    "credit": {"type": "string", "description": "HPO release credit: show it with the results"},
}


@cache
def _spec(max_rows: int, max_body: int, budget_ms: int = 2000) -> dict:
    components: dict = {}
    schemas = {}
    for model in (DiagnoseRequest, ExtractRequest, FeedbackRequest, SparqlRequest, ObservedItem, Vitals):
        schema, defs = _schema(model)
        if "x-cost-limits" in schema:
            schema["x-cost-limits"] = {**schema["x-cost-limits"], "time_budget_ms": budget_ms}
        schemas[model.__name__] = schema
        schemas.update(defs)
    schemas["Error"] = {
        "type": "object",
        "required": ["error", "field"],
        "properties": {
            "error": {"type": "string"},
            "field": {"type": ["string", "null"], "description": "the field at fault, e.g. observed[2]"},
            "code": {"type": "string", "description": "the kind of mistake, e.g. less_than_equal"},
            "params": {"type": "object", "description": 'its parameters (e.g. {"le": 130})'},
        },
    }
    schemas["Envelope"] = {"type": "object", "properties": ENVELOPE}
    schemas["Diagnosis"] = {
        "allOf": [
            {"$ref": REF.format(model="Envelope")},
            {
                "type": "object",
                "properties": {
                    "request_id": {"type": "string", "description": "quote it in /feedback"},
                    "ranking": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "rank": {"type": "integer"},
                                "disease_id": {"type": "string"},
                                "label": {"type": "string"},
                                "probability": {"type": "number"},
                                "orphan": {"type": "boolean"},
                                "kind": {"enum": ["orphan", "common"]},
                                "xrefs": {"type": "array", "items": {"type": "string"}},
                                "also_described_as": {
                                    "type": "object",
                                    "description": "another description of the same disease whose "
                                    "probability is included (an OMIM/Orphanet twin, or the HPO disease a "
                                    "curated one is; the largest when there are two; share: its part of this "
                                    "entry's probability)",
                                    "properties": {
                                        "disease_id": {"type": "string"},
                                        "share": {"type": "number"},
                                        "url": {"type": "string"},
                                    },
                                },
                                "explanation": {
                                    "type": "object",
                                    "properties": {
                                        "contributions": {"type": "array", "items": {"type": "object"}},
                                        "missing_frequent": {"type": "array", "items": {"type": "object"}},
                                    },
                                },
                            },
                        },
                    },
                    "other_probability": {"type": "number", "description": "not in the knowledge base"},
                    "findings": {"type": "array", "items": {"type": "object"}},
                    "questions": {"type": "array", "items": {"type": "object"}},
                    "warnings": {"type": "array", "items": {"type": "string"}},
                    "notes": {"type": "array", "items": {"type": "string"}},
                },
            },
        ]
    }
    components["schemas"] = schemas
    components["securitySchemes"] = {"adminToken": {"type": "http", "scheme": "bearer"}}
    example = {
        "observed": [{"id": "HP:0001945", "severity": "severe"}, "HP:0012735"],
        "excluded": ["HP:0002094"],
        "age": 34,
        "sex": "female",
        "context": "primary-care",
        "vitals": {"temperature_c": 38.9, "heart_rate": 104},
        "top": 10,
        "explain": 3,
        "questions": 5,
        "lang": "en",
    }
    lang = {"name": "lang", "in": "query", "schema": {"enum": ["en", "es"], "default": "en"}}
    envelope_ok = {"description": "ok", **_json({"$ref": REF.format(model="Envelope")})}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "dxgraph API",
            "version": "1",
            "description": "Disease probabilities from partial findings, explained. Supports, does not "
            f"replace, clinical judgement. Request bodies up to {max_body} bytes. Cost limits of "
            f"/diagnose: at most {MAX_FINDINGS} findings in all, top <= {MAX_TOP}, explain <= "
            f"{MAX_EXPLAIN}, questions <= {MAX_QUESTIONS}, and a time budget of {budget_ms} ms per request "
            "(explanations and next questions are left out, with a warning, once the differential used it "
            "up); see DiagnoseRequest's x-cost-limits.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/": {"get": {"summary": "Versions and endpoints", "responses": {"200": envelope_ok}}},
            "/diagnose": {
                "post": {
                    "summary": "Ranked differential with explanations and next questions",
                    "requestBody": {
                        "required": True,
                        **_json({"$ref": REF.format(model="DiagnoseRequest")}, example),
                    },
                    "responses": {
                        "200": {
                            "description": "the differential",
                            **_json({"$ref": REF.format(model="Diagnosis")}),
                        },
                        **_errors(400, 413, 415, 429),
                    },
                }
            },
            "/feedback": {
                "post": {
                    "summary": "Feed back the confirmed diagnosis of a served request (for monitoring)",
                    "requestBody": {
                        "required": True,
                        **_json(
                            {"$ref": REF.format(model="FeedbackRequest")},
                            {"request_id": "0f8e4c1d2b3a49c8a1e2d3c4b5a69788", "disease_id": "OMIM:142900"},
                        ),
                    },
                    "responses": {"202": envelope_ok, **_errors(400, 413, 415, 429)},
                }
            },
            "/phenotypes": {
                "get": {
                    "summary": "Autocomplete HPO terms (labels and synonyms, English and Spanish)",
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string", "maxLength": 200},
                        },
                        lang,
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 50},
                        },
                    ],
                    "responses": {"200": envelope_ok, **_errors(400, 429)},
                }
            },
            "/risk-factors": {
                "get": {
                    "summary": "The risk factors /diagnose takes (risk_factors: id -> true/false)",
                    "parameters": [lang],
                    "responses": {"200": envelope_ok, **_errors(400, 429)},
                }
            },
            "/extract": {
                "post": {
                    "summary": "Symptoms named in a free-text note (negations marked absent)",
                    "requestBody": {
                        "required": True,
                        **_json(
                            {"$ref": REF.format(model="ExtractRequest")},
                            {"text": "Fever, no rash.", "lang": "en"},
                        ),
                    },
                    "responses": {"200": envelope_ok, **_errors(400, 413, 415, 429)},
                }
            },
            "/diseases/{disease_id}": {
                "get": {
                    "summary": "A disease with its phenotypes, frequencies and sources",
                    "parameters": [
                        {
                            "name": "disease_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                            "example": "OMIM:142900",
                        },
                        lang,
                    ],
                    "responses": {"200": envelope_ok, **_errors(400, 404, 429)},
                }
            },
            "/sparql": {
                "post": {
                    "summary": f"Read-only SPARQL SELECT/ASK (at most {max_rows} rows, with a timeout)",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": REF.format(model="SparqlRequest")}},
                            "application/sparql-query": {"schema": {"type": "string"}},
                        },
                    },
                    "responses": {"200": envelope_ok, **_errors(400, 413, 415, 422, 429, 503)},
                }
            },
            "/openapi.json": {
                "get": {"summary": "This document", "responses": {"200": {"description": "ok"}}}
            },
            "/admin/reload": {
                "post": {
                    "summary": "Reload the knowledge base and the promoted model",
                    "security": [{"adminToken": []}],
                    "responses": {"200": envelope_ok, **_errors(403, 429, 503)},
                }
            },
        },
        "components": components,
    }


def spec(config: WebConfig) -> dict:
    """The OpenAPI document of the API, with the limits of this configuration."""
    return _spec(config.sparql_max_rows, config.max_body_bytes, round(config.request_budget_s * 1000))
