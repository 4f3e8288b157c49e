"""The website and JSON API through Flask's test client, on the real KB (and a toy KB for SPARQL/reloads)."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inference.artifact import ModelArtifact
from inference.params import ModelParams
from knowledge.build import build, read_sources
from knowledge.config import Settings, load_settings
from knowledge.kb import KnowledgeBase, publish
from knowledge.sparql import ensure_store
from learning.ops import registry
from web import create_app
from web.logs import JsonFormatter

TOY_HPO = Path(__file__).resolve().parent / "data" / "toy_hpo"


def toy_kb(empty_ontologies: Path) -> KnowledgeBase:
    """The tiny HPO release of tests/data/toy_hpo, compiled by the real build (see tests/toy.py)."""
    empty_ontologies.mkdir(parents=True, exist_ok=True)
    return build(read_sources(TOY_HPO), empty_ontologies)


WEB_ENV = (
    "DXGRAPH_RATE_LIMIT",
    "DXGRAPH_ADMIN_TOKEN",
    "DXGRAPH_MAX_BODY_BYTES",
    "DXGRAPH_SECRET_KEY",
    "DXGRAPH_SPARQL_MAX_ROWS",
    "DXGRAPH_TRUST_PROXY",
)
FEVER, COUGH, DYSPNEA, RASH = "HP:0001945", "HP:0012735", "HP:0002094", "HP:0000988"


def _settings(home: Path) -> Settings:
    base = load_settings()
    return Settings(home=home, hpo_dir=base.hpo_dir, ontologies_dir=base.ontologies_dir)


def _app(home: Path, **env: str):
    with pytest.MonkeyPatch.context() as patch:
        for name in WEB_ENV:
            patch.delenv(name, raising=False)
        for name, value in env.items():
            patch.setenv(name, value)
        return create_app(_settings(home), testing=True)


@pytest.fixture(scope="module")
def app(kb_home):
    return _app(kb_home, DXGRAPH_MAX_BODY_BYTES="200000")


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def toy_home(tmp_path_factory) -> Path:
    """A DXGRAPH_HOME with the toy KB (and its SPARQL store)."""
    home = tmp_path_factory.mktemp("toy_home")
    target = publish(toy_kb(home / "ontologies"), home / "kb")
    ensure_store(toy_kb(home / "ontologies"), target)
    return home


@pytest.fixture()
def fresh_toy_home(tmp_path) -> Path:
    home = tmp_path / "home"
    publish(toy_kb(tmp_path / "ontologies"), home / "kb")
    return home


def _csrf(client, path: str = "/") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


# ---- operations ----------------------------------------------------------------------------------


def test_healthz_is_plain_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok"
    assert response.mimetype == "text/plain"


def test_metrics_are_prometheus_text(client):
    client.get("/api/v1/phenotypes?q=fever")
    response = client.get("/metrics")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert 'dxgraph_http_requests_total{method="GET",route="/api/v1/phenotypes",status="200"}' in text
    assert "dxgraph_model_loaded" in text


def test_security_headers_on_pages_and_api(client):
    for path in ("/", "/api/v1/phenotypes?q=fev", "/diseases/OMIM:142900"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["Cache-Control"] == "no-store"
        assert headers["X-Model-Version"]


def test_logs_are_json_without_patient_data(client):
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(JsonFormatter().format(record))

    handler = Collect()
    logger = logging.getLogger("dxgraph.web")
    logger.addHandler(handler)
    try:
        client.post(
            "/api/v1/diagnose",
            json={"observed": [FEVER, COUGH], "excluded": [RASH], "age": 37.25, "sex": "female"},
        )
        client.get("/api/v1/phenotypes?q=shortness+of+breath")
        client.post("/api/v1/diagnose", json={"observed": ["HP:9999999"], "age": 41.75})
    finally:
        logger.removeHandler(handler)
    assert len(lines) == 3
    for line in lines:
        record = json.loads(line)
        assert {"route", "status", "latency_ms", "model_version"} <= set(record)
        for secret in ("HP:", "37.25", "41.75", "female", "shortness", "breath"):
            assert secret not in line


# ---- the doctor's page ---------------------------------------------------------------------------


def test_index_page_has_form_credit_and_disclaimer(client, kb):
    response = client.get("/?lang=en")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert kb.meta["credit"] in page
    assert "does not replace" in page or "not replaces" in page
    assert 'name="csrf_token"' in page and 'role="combobox"' in page
    for context in ("primary-care", "emergency", "rare-disease-clinic"):
        assert f'value="{context}"' in page
    # CSP: no inline script may execute (JSON data blocks only)
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag
    assert " style=" not in page


def test_language_is_switchable_and_remembered(client):
    response = client.get("/?lang=es")
    assert '<html lang="es">' in response.get_data(as_text=True)
    assert "dxgraph_lang=es" in response.headers.get("Set-Cookie", "")
    again = client.get("/").get_data(as_text=True)
    assert '<html lang="es">' in again and "Calcular probabilidades" in again
    client.get("/?lang=en")
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_form_without_javascript_diagnoses(client):
    token = _csrf(client, "/?lang=es")
    response = client.post(
        "/",
        data={
            "csrf_token": token,
            "add": "tos, no disnea",
            "f_id": [FEVER],
            "f_state": ["present"],
            "f_sev": ["severe"],
            "age": "34",
            "temperature": "101.5",
            "temperature_unit": "F",
            "context": "primary-care",
            "action": "diagnose",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="ranking"' in page and "<meter" in page
    assert "Fiebre" in page and "Tos" in page and "Disnea" in page  # Spanish labels of the rows
    assert re.search(r'<option value="absent" selected>Ausente</option>', page)  # "no disnea" -> absent
    assert "Preguntas que más aclararían" in page and 'name="answer"' in page


def test_form_needs_csrf_token(client):
    response = client.post("/", data={"f_id": [FEVER], "f_state": ["present"]})
    assert response.status_code == 400


def test_form_extracts_note_for_confirmation(client):
    token = _csrf(client, "/?lang=en")
    response = client.post(
        "/",
        data={"csrf_token": token, "note": "Fever and cough since Monday, denies rash.", "action": "extract"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'value="{FEVER}|present|"' in page and f'value="{RASH}|absent|"' in page
    assert 'class="ranking"' not in page  # nothing is used before the doctor confirms
    confirmed = client.post(
        "/",
        data={"csrf_token": token, "confirm": [f"{FEVER}|present|", f"{RASH}|absent|"], "action": "confirm"},
    ).get_data(as_text=True)
    assert f'name="f_id" value="{FEVER}"' in confirmed and f'name="f_id" value="{RASH}"' in confirmed
    assert 'class="ranking"' in confirmed


def test_form_answer_and_remove_buttons(client):
    token = _csrf(client, "/?lang=en")
    base = {"csrf_token": token, "f_id": [FEVER, COUGH], "f_state": ["present", "present"], "f_sev": ["", ""]}
    answered = client.post("/", data={**base, "answer": f"{DYSPNEA}|absent"}).get_data(as_text=True)
    assert f'name="f_id" value="{DYSPNEA}"' in answered
    removed = client.post("/", data={**base, "remove": COUGH}).get_data(as_text=True)
    assert f'name="f_id" value="{COUGH}"' not in removed


def test_form_reports_bad_numbers_on_the_field(client):
    token = _csrf(client, "/?lang=en")
    response = client.post("/", data={"csrf_token": token, "f_id": [FEVER], "heart_rate": "900"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="heart_rate"' in page and 'aria-invalid="true"' in page and "plausible range" in page


def test_disease_page_links_sources(client):
    page = client.get("/diseases/DXG:influenza?lang=es").get_data(as_text=True)
    assert "Gripe" in page and "https://pubmed.ncbi.nlm.nih.gov/" in page
    assert client.get("/diseases/OMIM:0000000").status_code == 404


# ---- JSON API ------------------------------------------------------------------------------------


def test_diagnose_returns_ranking_explanations_and_questions(client, kb):
    response = client.post(
        "/api/v1/diagnose",
        json={
            "observed": [{"id": FEVER, "severity": "severe"}, COUGH],
            "excluded": [DYSPNEA],
            "age": 34,
            "sex": "female",
            "context": "primary-care",
            "vitals": {"temperature_c": 38.9, "heart_rate": 104},
            "top": 10,
            "explain": 3,
            "questions": 5,
        },
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["credit"] == kb.meta["credit"] and body["hpo_release"] == kb.release
    assert body["model_version"] and body["kb_version"] == kb.version
    ranking = body["ranking"]
    assert len(ranking) == 10
    assert [r["probability"] for r in ranking] == sorted((r["probability"] for r in ranking), reverse=True)
    assert 0 < sum(r["probability"] for r in ranking) + body["other_probability"] <= 1.0 + 1e-9
    assert all("explanation" in r for r in ranking[:3]) and "explanation" not in ranking[3]
    contributions = ranking[0]["explanation"]["contributions"]
    assert {c["id"] for c in contributions} >= {FEVER, COUGH, DYSPNEA}
    assert all(c["match"] and c["direction"] in ("up", "down") for c in contributions)
    assert len(body["questions"]) == 5
    assert {f["source"] for f in body["findings"]} == {"reported", "vitals"}  # tachycardia from the vitals
    assert all(r["kind"] in ("orphan", "common") and r["url"].startswith("/diseases/") for r in ranking)


def test_diagnose_in_spanish_with_sources_filter(client):
    body = client.post(
        "/api/v1/diagnose", json={"observed": [FEVER, COUGH], "lang": "es", "sources": ["curated"]}
    ).get_json()
    assert all(r["source"] == "curated" for r in body["ranking"])
    assert {f["label"] for f in body["findings"]} == {"Fiebre", "Tos"}


def test_diagnose_accepts_a_phenopacket(client):
    packet = {
        "id": "case-1",
        "subject": {"id": "p1", "sex": "MALE", "timeAtLastEncounter": {"age": {"iso8601duration": "P5Y"}}},
        "phenotypicFeatures": [
            {"type": {"id": "HP:0001631", "label": "Atrial septal defect"}},
            {"type": {"id": "HP:0001199", "label": "Triphalangeal thumb"}},
            {"type": {"id": "HP:0001250"}, "excluded": True},
            {"type": {"id": "HP:9999999"}},
        ],
    }
    response = client.post("/api/v1/diagnose", json={"phenopacket": packet, "top": 5})
    body = response.get_json()
    assert response.status_code == 200
    assert body["case_id"] == "case-1" and body["context"] == "rare-disease-clinic"
    assert len(body["ranking"]) == 5
    assert {f["id"]: f["present"] for f in body["findings"]} == {
        "HP:0001631": True,
        "HP:0001199": True,
        "HP:0001250": False,
    }
    assert any("HP:9999999" in w for w in body["warnings"])


def test_no_findings_gives_priors_with_a_note(client):
    body = client.post("/api/v1/diagnose", json={}).get_json()
    assert body["ranking"] and body["notes"]


BAD = [
    ("malformed json", b"{not json", "application/json", 400, "body"),
    ("not an object", b"[1, 2]", "application/json", 400, "body"),
    ("empty body", b"", "application/json", 400, "body"),
    ("NaN literal", b'{"age": NaN}', "application/json", 400, "body"),
    ("deep nesting", b'{"a":' + b"[" * 50_000 + b"]" * 50_000 + b"}", "application/json", 400, "body"),
    ("invalid utf-8", b'{"observed": ["\xff"]}', "application/json", 400, "body"),
    ("form encoded", b"observed=HP:0001945", "application/x-www-form-urlencoded", 415, "Content-Type"),
]
BAD_FIELDS = [
    ({"age": "thirty"}, "age"),
    ({"age": 200}, "age"),
    ({"age": True}, "age"),
    ({"sex": "robot"}, "sex"),
    ({"context": "icu"}, "context"),
    ({"observed": "HP:0001945"}, "observed"),
    ({"observed": [FEVER, 7]}, "observed[1]"),
    ({"observed": ["fever"]}, "observed[0]"),
    ({"observed": [FEVER, "HP:9999999"]}, "observed[1]"),
    ({"observed": [{"id": FEVER, "severity": "extreme"}]}, "observed[0].severity"),
    ({"excluded": ["HP:12"]}, "excluded[0]"),
    ({"observed": [FEVER], "excluded": [FEVER]}, "excluded"),
    ({"vitals": {"heart_rate": 900}}, "vitals.heart_rate"),
    ({"vitals": {"temperature_f": 20}}, "vitals.temperature_f"),
    ({"vitals": {"pulse": 80}}, "vitals.pulse"),
    ({"top": 0}, "top"),
    ({"top": 10**30}, "top"),
    ({"explain": -1}, "explain"),
    ({"sources": ["PUBMED"]}, "sources[0]"),
    ({"lang": "fr"}, "lang"),
    ({"symptoms": [FEVER]}, "symptoms"),
    ({"phenopacket": {"id": "x"}, "observed": [FEVER]}, "observed"),
    ({"phenopacket": {"id": "x", "phenotypicFeatures": "fever"}}, "phenopacket"),
    ({"phenopacket": {"subject": {}}}, "phenopacket"),
    ({"phenopacket": []}, "phenopacket"),
]


@pytest.mark.parametrize(("name", "body", "content_type", "status", "field"), BAD, ids=[b[0] for b in BAD])
def test_diagnose_rejects_bad_bodies(client, name, body, content_type, status, field):
    response = client.post("/api/v1/diagnose", data=body, content_type=content_type)
    assert response.status_code == status
    assert response.get_json()["field"] == field
    assert response.get_json()["error"]


@pytest.mark.parametrize(("payload", "field"), BAD_FIELDS, ids=[f for _, f in BAD_FIELDS])
def test_diagnose_names_the_field_at_fault(client, payload, field):
    response = client.post("/api/v1/diagnose", json=payload)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["field"] == field


def test_huge_body_is_413(client):
    response = client.post(
        "/api/v1/diagnose", data=b"{" + b" " * 300_000 + b"}", content_type="application/json"
    )
    assert response.status_code == 413
    assert response.get_json()["field"] == "body"


def test_unknown_routes_and_methods_are_json_4xx(client):
    assert client.get("/api/v1/nothing").status_code == 404
    assert client.get("/api/v1/nothing").get_json()["error"]
    response = client.get("/api/v1/diagnose")
    assert response.status_code == 405 and response.get_json()["field"] == "method"


def test_phenotype_search(client):
    def ids(query: str, lang: str = "en") -> list[str]:
        response = client.get("/api/v1/phenotypes", query_string={"q": query, "lang": lang})
        assert response.status_code == 200
        return [r["id"] for r in response.get_json()["results"]]

    assert ids("fever")[0] == FEVER
    assert ids("fie", "es")[0] == FEVER  # prefix, Spanish
    assert ids("dol cab", "es")[0] == "HP:0002315"  # every word a prefix: "Dolor de cabeza"
    assert RASH in ids("erupcion", "es")  # accent-insensitive ("Erupción cutánea")
    assert ids("shortness of breath")[0] == DYSPNEA  # layperson synonym
    assert ids("HP:0001945") == [FEVER]
    body = client.get("/api/v1/phenotypes?q=fiebre&lang=es").get_json()
    assert body["results"][0]["label"] == "Fiebre" and body["results"][0]["label_en"] == "Fever"
    assert body["credit"]
    assert client.get("/api/v1/phenotypes?q=xyzzyq").get_json()["results"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [("", "q"), ("?q=fev&limit=0", "limit"), ("?q=fev&limit=abc", "limit"), ("?q=fev&lang=de", "lang")],
)
def test_phenotype_search_bad_parameters(client, query, field):
    response = client.get(f"/api/v1/phenotypes{query}")
    assert response.status_code == 400 and response.get_json()["field"] == field


def test_extract_marks_negations(client):
    text = "Fiebre y tos desde ayer. Niega disnea, sin erupción cutánea; cefalea intensa."
    body = client.post("/api/v1/extract", json={"text": text, "lang": "es"}).get_json()
    found = {f["id"]: f for f in body["findings"]}
    assert found[FEVER]["present"] and found[COUGH]["present"]
    assert not found[DYSPNEA]["present"] and not found[RASH]["present"]
    assert found["HP:0002315"]["severity"] == "severe"
    english = client.post("/api/v1/extract", json={"text": "No fever, denies cough. Has rash."}).get_json()
    states = {f["id"]: f["present"] for f in english["findings"]}
    assert states == {FEVER: False, COUGH: False, RASH: True}
    assert client.post("/api/v1/extract", json={"text": 5}).get_json()["field"] == "text"


def test_disease_api(client):
    body = client.get("/api/v1/diseases/DXG:influenza?lang=es").get_json()
    assert body["label"] == "Gripe" and body["kind"] == "common" and body["icd10"]
    assert body["phenotypes"] and body["credit"]
    frequencies = [p["frequency"] for p in body["phenotypes"] if p["frequency"] is not None]
    assert frequencies == sorted(frequencies, reverse=True)
    refs = [r for p in body["phenotypes"] for r in p["references"]]
    assert any(
        r["url"].startswith("https://pubmed.ncbi.nlm.nih.gov/") for r in refs if r["id"].startswith("PMID")
    )
    lung_abscess = client.get("/api/v1/diseases/DXG:abscess_of_the_lung").get_json()
    literature = {
        p["label"]: r
        for p in lung_abscess["phenotypes"]
        for r in p["references"]
        if r["id"].startswith("dataset:HSDN")
    }
    assert literature["Fever"]["url"] == "https://meshb.nlm.nih.gov/record/ui?ui=D008169"  # Lung Abscess
    rare = client.get("/api/v1/diseases/OMIM:142900").get_json()
    assert rare["orphan"] and rare["source_url"] == "https://omim.org/entry/142900"
    missing = client.get("/api/v1/diseases/OMIM:0000000")
    assert missing.status_code == 404 and missing.get_json()["field"] == "disease_id"


def test_openapi_describes_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    paths = set(spec["paths"])
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/api/v1") :]) or "/"
            assert path in paths, path
    request_schema = spec["components"]["schemas"]["DiagnoseRequest"]
    assert {"observed", "excluded", "age", "vitals", "phenopacket"} <= set(request_schema["properties"])
    assert "ObservedItem" in spec["components"]["schemas"]


# ---- SPARQL, reloads, admin, rate limits (toy KB: quick to build and to reload) -----------------


def test_sparql_select_ask_and_limits(toy_home):
    client = _app(toy_home, DXGRAPH_SPARQL_MAX_ROWS="50").test_client()
    query = "SELECT ?d ?label WHERE { ?d a dx:Disease ; rdfs:label ?label } ORDER BY ?d"
    body = client.post("/api/v1/sparql", json={"query": query}).get_json()
    assert body["variables"] == ["d", "label"] and len(body["rows"]) == 4 and not body["truncated"]
    assert body["rows"][0]["d"] == "OMIM:100001" and body["credit"]
    limited = client.post("/api/v1/sparql", json={"query": query, "limit": 2}).get_json()
    assert len(limited["rows"]) == 2 and limited["truncated"]
    raw = client.post("/api/v1/sparql", data="ASK { ?s ?p ?o }", content_type="application/sparql-query")
    assert raw.get_json()["rows"] == [{"ask": "true"}]
    for bad, field in [
        ({"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}, "query"),
        ({"query": "DELETE WHERE { ?s ?p ?o }"}, "query"),
        ({"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"}, "query"),
        ({"query": "SELECT ?x WHERE { ?x"}, "query"),
        ({"query": ""}, "query"),
        ({"query": query, "limit": 51}, "limit"),
        ({"query": query, "limit": "2"}, "limit"),
        ({"sparql": query}, "query"),
    ]:
        response = client.post("/api/v1/sparql", json=bad)
        assert response.status_code == 400, (bad, response.get_json())
        assert response.get_json()["field"] == field


def test_sparql_without_store_is_503(fresh_toy_home):
    client = _app(fresh_toy_home).test_client()
    response = client.post("/api/v1/sparql", json={"query": "ASK { ?s ?p ?o }"})
    assert response.status_code == 503 and "dxgraph kb build" in response.get_json()["error"]


def _promote_toy_model(home: Path, version: str) -> None:
    from knowledge.kb import load_current

    kb = load_current(home / "kb")
    ModelArtifact(version, kb.version, ModelParams()).save(home / "models" / version)
    registry.promote(home / "models", version, "test")


def test_promoted_model_is_picked_up_without_restart(fresh_toy_home):
    client = _app(fresh_toy_home).test_client()
    payload = {"observed": ["HP:0001250"]}
    assert client.post("/api/v1/diagnose", json=payload).get_json()["model_version"] == "literature-only"
    _promote_toy_model(fresh_toy_home, "toy-model-1")
    body = client.post("/api/v1/diagnose", json=payload).get_json()
    assert body["model_version"] == "toy-model-1"
    assert client.get("/healthz").headers["X-Model-Version"] == "toy-model-1"


def test_admin_reload_needs_the_token(fresh_toy_home):
    disabled = _app(fresh_toy_home).test_client()
    assert disabled.post("/api/v1/admin/reload").status_code == 403
    client = _app(fresh_toy_home, DXGRAPH_ADMIN_TOKEN="s3cret-token").test_client()
    assert client.post("/api/v1/admin/reload").status_code == 403
    wrong = client.post("/api/v1/admin/reload", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403 and wrong.get_json()["field"] == "Authorization"
    _promote_toy_model(fresh_toy_home, "toy-model-2")
    ok = client.post("/api/v1/admin/reload", headers={"Authorization": "Bearer s3cret-token"})
    assert ok.status_code == 200
    assert ok.get_json()["reloaded"] and ok.get_json()["model_version"] == "toy-model-2"


def test_rate_limit_is_configurable(fresh_toy_home):
    client = _app(fresh_toy_home, DXGRAPH_RATE_LIMIT="3 per minute").test_client()
    statuses = [client.get("/api/v1/phenotypes?q=seiz").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/phenotypes?q=seiz")
    assert limited.get_json()["error"] and limited.headers.get("Retry-After")
    assert client.get("/healthz").status_code == 200  # health checks are never throttled


def test_bad_configuration_is_refused(fresh_toy_home):
    with pytest.raises(ValueError, match="DXGRAPH_RATE_LIMIT"):
        _app(fresh_toy_home, DXGRAPH_RATE_LIMIT="lots")


# ---- fuzz: no payload may cause a 5xx ------------------------------------------------------------

_ids = st.sampled_from([FEVER, COUGH, DYSPNEA, RASH, "HP:0000001", "HP:9999999", "HP:0004715", "hp:1", ""])
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
_observed = st.lists(
    _ids
    | st.fixed_dictionaries(
        {"id": _ids}, optional={"severity": st.sampled_from(["mild", "severe", "x", None])}
    )
    | _json,
    max_size=5,
)
_vitals = st.dictionaries(
    st.sampled_from(
        [
            "temperature_c",
            "temperature_f",
            "heart_rate",
            "respiratory_rate",
            "systolic_bp",
            "diastolic_bp",
            "spo2",
            "x",
        ]
    ),
    st.floats(allow_nan=False) | st.integers(-(10**6), 10**6) | _json,
    max_size=4,
)
_packet = st.fixed_dictionaries(
    {},
    optional={
        "id": _json,
        "phenotypicFeatures": st.lists(
            st.fixed_dictionaries({"type": st.fixed_dictionaries({"id": _ids})}, optional={"excluded": _json})
            | _json,
            max_size=4,
        )
        | _json,
        "subject": st.fixed_dictionaries({}, optional={"sex": _json, "timeAtLastEncounter": _json}) | _json,
        "interpretations": _json,
    },
)
_payload = st.fixed_dictionaries(
    {},
    optional={
        "observed": _observed | _json,
        "excluded": st.lists(_ids, max_size=3) | _json,
        "age": st.floats(allow_nan=False) | st.integers() | _json,
        "sex": st.sampled_from(["female", "male", "unknown", "x"]) | _json,
        "context": st.sampled_from(["primary-care", "emergency", "rare-disease-clinic", "icu"]) | _json,
        "vitals": _vitals | _json,
        "top": st.integers(-5, 200) | _json,
        "sources": st.lists(st.sampled_from(["OMIM", "ORPHA", "DECIPHER", "curated", "x"]), max_size=3)
        | _json,
        "explain": st.integers(-2, 30) | _json,
        "questions": st.integers(-2, 30) | _json,
        "lang": st.sampled_from(["en", "es", "de"]) | _json,
        "phenopacket": _packet | _json,
        "extra": _json,
    },
)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(payload=_payload | _json)
def test_fuzz_diagnose_never_5xx(client, payload):
    response = client.post("/api/v1/diagnose", data=json.dumps(payload), content_type="application/json")
    assert response.status_code < 500, (payload, response.get_json())
    if response.status_code != 200:
        body = response.get_json()
        assert {"error", "field"} <= set(body) <= {"error", "field", "code", "params"}


def test_a_merged_twin_is_named_with_its_share_in_api_and_page(client):
    marfan = ["HP:0001166", "HP:0001083", "HP:0002616", "HP:0000768", "HP:0001519"]
    request = {"observed": marfan, "context": "rare-disease-clinic"}
    body = client.post("/api/v1/diagnose", json=request).get_json()
    top = body["ranking"][0]
    # Marfan syndrome is described three times (curated, OMIM, Orphanet): one entry, under the curated id
    assert top["disease_id"] == "DXG:marfan_syndrome"
    assert {"OMIM:154700", "ORPHA:558"} <= set(top["xrefs"])
    twin = top["also_described_as"]
    assert twin["disease_id"] in ("OMIM:154700", "ORPHA:558") and 0.0 < twin["share"] < 1.0
    assert not {"OMIM:154700", "ORPHA:558"} & {r["disease_id"] for r in body["ranking"]}
    page = client.post(
        "/?lang=en",
        data={
            "csrf_token": _csrf(client, "/?lang=en"),
            "f_id": marfan,
            "f_state": ["present"] * len(marfan),
            "f_sev": [""] * len(marfan),
            "context": "rare-disease-clinic",
            "action": "diagnose",
        },
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and f"Also catalogued as {twin['disease_id']}" in text


def test_onset_is_taken_from_api_and_form_and_bad_onset_is_named(client):
    body = client.post("/api/v1/diagnose", json={"observed": ["HP:0001250"], "age": 10, "onset": 12})
    assert body.status_code == 400 and body.get_json()["field"] == "onset"
    ok = client.post("/api/v1/diagnose", json={"observed": ["HP:0001250"], "age": 10, "onset": "HP:0003577"})
    assert ok.status_code == 200
    page = client.post(
        "/?lang=en",
        data={
            "csrf_token": _csrf(client, "/?lang=en"),
            "f_id": ["HP:0001250"],
            "f_state": ["present"],
            "f_sev": [""],
            "age": "10",
            "onset": "12",
            "context": "rare-disease-clinic",
            "action": "diagnose",
        },
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and 'id="onset"' in text and "after the current age" in text
