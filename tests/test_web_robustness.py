"""What one client must not be able to break, through the real app (Flask test client, toy KB)."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from pathlib import Path

import pytest

from inference.artifact import ModelArtifact
from inference.loading import PROMOTED_POINTER, PointerError, load_diagnoser
from inference.params import ModelParams
from knowledge.build import build, read_sources
from knowledge.config import Settings, load_settings
from knowledge.kb import KnowledgeBase, load_current, publish
from knowledge.sparql import ensure_store
from knowledge.staging import STALE_AFTER_S, clean_stale
from learning.ops import registry
from web import create_app
from web.ratelimit import SharedRateLimit

TOY_HPO = Path(__file__).resolve().parent / "data" / "toy_hpo"
WEB_ENV = (
    "DXGRAPH_RATE_LIMIT",
    "DXGRAPH_ADMIN_TOKEN",
    "DXGRAPH_MAX_BODY_BYTES",
    "DXGRAPH_SECRET_KEY",
    "DXGRAPH_SPARQL_MAX_ROWS",
    "DXGRAPH_SPARQL_TIMEOUT",
    "DXGRAPH_TRUST_PROXY",
    "DXGRAPH_REQUEST_BUDGET_MS",
)
SEIZURE = "HP:0001250"


def toy_kb(empty_ontologies: Path) -> KnowledgeBase:
    """The tiny HPO release of tests/data/toy_hpo, compiled by the real build (see tests/toy.py)."""
    empty_ontologies.mkdir(parents=True, exist_ok=True)
    return build(read_sources(TOY_HPO), empty_ontologies)


def settings_for(home: Path) -> Settings:
    base = load_settings()
    return Settings(home=home, hpo_dir=base.hpo_dir, ontologies_dir=base.ontologies_dir)


def make_app(home: Path, **env: str):
    with pytest.MonkeyPatch.context() as patch:
        for name in WEB_ENV:
            patch.delenv(name, raising=False)
        for name, value in env.items():
            patch.setenv(name, value)
        return create_app(settings_for(home), testing=True)


@pytest.fixture(scope="module")
def toy_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("robust_home")
    publish(toy_kb(home / "ontologies"), home / "kb")
    return home


@pytest.fixture(scope="module")
def client(toy_home):
    return make_app(toy_home).test_client()


# ---- odd digits and hosts: 4xx, never 500 ---------------------------------------------------------


@pytest.mark.parametrize(
    "limit", ["%C2%B2", "%D9%A3", "%EF%BC%95", "1e1", "-1", "+5", " 5", "", "99999999999"]
)
def test_phenotype_limit_accepts_ascii_digits_only(client, limit):
    response = client.get(f"/api/v1/phenotypes?q=seiz&limit={limit}")
    assert response.status_code == 400
    assert response.get_json()["field"] == "limit"
    assert client.get("/api/v1/phenotypes?q=seiz&limit=5").status_code == 200


@pytest.mark.parametrize("limit", ["%C2%B2", "%D9%A3", "0", ""])
def test_sparql_limit_accepts_ascii_digits_only(client, limit):
    response = client.post(
        f"/api/v1/sparql?limit={limit}", data="ASK { ?s ?p ?o }", content_type="application/sparql-query"
    )
    assert response.status_code == 400
    assert response.get_json()["field"] == "limit"


@pytest.mark.parametrize("host", ["a" * 64, "a" * 300, "a..b", "x." + "b" * 70 + ".org"])
@pytest.mark.parametrize("path", ["/", "/diseases/OMIM:100001", "/no-such-page", "/api/v1/"])
def test_an_unusable_host_header_is_400(client, host, path):
    response = client.get(path, headers={"Host": host})
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.get_json()["error"]
    else:
        assert "Host" in response.get_data(as_text=True)


# ---- the production pointer and staging leftovers -------------------------------------------------


def _save_model(home: Path, version: str) -> None:
    kb = load_current(home / "kb")
    ModelArtifact(version, kb.version, ModelParams()).save(home / "models" / version)


@pytest.mark.parametrize("garbage", [b"\xff\xfe\x00garbage", b"../../etc/passwd", b"", b"no-such-model\n"])
def test_a_damaged_pointer_serves_the_last_valid_promotion(tmp_path, garbage):
    home = tmp_path / "home"
    publish(toy_kb(tmp_path / "ontologies"), home / "kb")
    for version in ("toy-a", "toy-b"):
        _save_model(home, version)
        registry.promote(home / "models", version, "test")
    client = make_app(home).test_client()
    (home / "models" / PROMOTED_POINTER).write_bytes(garbage)
    for _ in range(5):
        response = client.post("/api/v1/diagnose", json={"observed": [SEIZURE]})
        assert response.status_code == 200
        assert response.get_json()["model_version"] == "toy-b"
        assert response.headers["X-Model-Version"] == "toy-b"
    assert registry.champion(home / "models") == "toy-b"
    # a fresh process (a re-forked worker, the CLI) resolves the same model
    assert make_app(home).test_client().get("/api/v1/").get_json()["model_version"] == "toy-b"
    assert load_diagnoser(load_current(home / "kb"), home / "models").model_version == "toy-b"


def test_a_damaged_pointer_without_history_is_a_clear_error(tmp_path):
    home = tmp_path / "home"
    publish(toy_kb(tmp_path / "ontologies"), home / "kb")
    (home / "models").mkdir(parents=True)
    (home / "models" / PROMOTED_POINTER).write_bytes(b"\x00\x01 garbage")
    with pytest.raises(PointerError, match="dxgraph models promote"):
        load_diagnoser(load_current(home / "kb"), home / "models")
    with pytest.raises(PointerError, match="does not name a model version"):
        make_app(home)


def test_stale_staging_directories_are_removed_by_the_next_save(tmp_path):
    home = tmp_path / "home"
    publish(toy_kb(tmp_path / "ontologies"), home / "kb")
    models = home / "models"
    stale, fresh = models / ".staging-killed", models / ".staging-running"
    for directory in (stale, fresh):
        directory.mkdir(parents=True)
        (directory / "links.npz").write_bytes(b"partial")
    old = time.time() - 2 * STALE_AFTER_S
    os.utime(stale, (old, old))
    _save_model(home, "toy-c")
    assert not stale.exists(), "a killed run's staging directory stays forever"
    assert fresh.exists(), "a concurrent save's staging directory must be spared"
    assert (models / "toy-c" / "model.json").is_file()
    assert clean_stale(home / "kb") == []


# ---- SPARQL: a query that runs away is stopped, and its slot is free again -----------------------

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
CARTESIAN_SORTED = "SELECT ?a ?d ?g WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"


@pytest.fixture(scope="module")
def sparql_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("sparql_home")
    kb = toy_kb(home / "ontologies")
    ensure_store(kb, publish(kb, home / "kb"))
    return home


def test_expensive_sparql_is_stopped_and_frees_its_slot_while_diagnose_answers(sparql_home):
    app = make_app(sparql_home, DXGRAPH_SPARQL_TIMEOUT="1.5", DXGRAPH_SPARQL_SLOTS="2")
    answers: list[tuple[int, dict, str | None, float]] = []

    def expensive() -> None:
        started = time.monotonic()
        response = app.test_client().post("/api/v1/sparql", json={"query": CARTESIAN})
        answers.append(
            (
                response.status_code,
                response.get_json(),
                response.headers.get("Retry-After"),
                time.monotonic() - started,
            )
        )

    threads = [threading.Thread(target=expensive) for _ in range(4)]
    for thread in threads:
        thread.start()
    client = app.test_client()
    latencies = []
    for _ in range(10):
        started = time.monotonic()
        assert client.post("/api/v1/diagnose", json={"observed": [SEIZURE]}).status_code == 200
        latencies.append(time.monotonic() - started)
    for thread in threads:
        thread.join(timeout=30)
    statuses = sorted(status for status, *_ in answers)
    assert len(answers) == 4 and set(statuses) <= {422, 503}, answers
    assert statuses.count(422) >= 2  # both slots ran a query until it was stopped
    for status, body, retry_after, elapsed in answers:
        if status == 422:
            assert body["field"] == "query" and "stopped after 1.5 s" in body["error"], body
            assert elapsed < 1.5 + 2.0  # the hard timeout, not "between result rows"
        else:
            assert retry_after and int(retry_after) >= 1 and "busy" in body["error"]
    assert max(latencies) < 1.0, latencies  # diagnose never waited for SPARQL
    cheap = client.post("/api/v1/sparql", json={"query": "ASK { ?s ?p ?o }"})
    assert cheap.status_code == 200 and cheap.get_json()["rows"] == [{"ask": "true"}]  # slots freed


def test_sparql_memory_limit_stops_a_query(sparql_home):
    client = make_app(sparql_home, DXGRAPH_SPARQL_TIMEOUT="20", DXGRAPH_SPARQL_MEMORY_MB="64").test_client()
    started = time.monotonic()
    response = client.post("/api/v1/sparql", json={"query": CARTESIAN_SORTED, "limit": 5})
    assert response.status_code == 422, response.get_json()
    assert "64 MB" in response.get_json()["error"]
    assert time.monotonic() - started < 20


# ---- the rate limit: one budget per client address, all routes and all worker processes ----------


def test_the_rate_limit_is_shared_by_routes_and_forked_processes():
    limiter = SharedRateLimit("30 per minute")
    now = 1_000_020.0  # early in a minute window
    context = multiprocessing.get_context("fork")
    allowed = context.Queue()

    def worker() -> None:
        allowed.put(sum(limiter.hit("10.0.0.1", now).allowed for _ in range(25)))

    processes = [context.Process(target=worker) for _ in range(2)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=30)
    assert allowed.get(timeout=5) + allowed.get(timeout=5) == 30  # 50 tries, one budget of 30
    refused = limiter.hit("10.0.0.1", now)
    assert not refused.allowed and 1 <= refused.retry_after <= 60
    assert limiter.hit("10.0.0.2", now).allowed  # another client has its own budget
    assert limiter.hit("10.0.0.1", now + 60).allowed  # the next window


def test_rate_limit_counts_all_routes_together(toy_home):
    client = make_app(toy_home, DXGRAPH_RATE_LIMIT="4 per hour").test_client()
    statuses = [
        client.get("/api/v1/phenotypes?q=seiz").status_code,
        client.get("/api/v1/").status_code,
        client.post("/api/v1/diagnose", json={"observed": [SEIZURE]}).status_code,
        client.get("/").status_code,
        client.get("/api/v1/").status_code,
        client.get("/").status_code,
    ]
    assert statuses == [200, 200, 200, 200, 429, 429]
    assert client.get("/healthz").status_code == 200
    page = client.get("/")
    assert page.status_code == 429 and int(page.headers["Retry-After"]) >= 1
