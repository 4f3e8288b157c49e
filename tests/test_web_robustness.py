"""What one client must not be able to break, through the real app (Flask test client, toy KB)."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.build import build, read_sources
from knowledge.config import Settings, load_settings
from knowledge.kb import KnowledgeBase, publish
from web import create_app

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


@pytest.mark.parametrize("limit", ["%C2%B2", "%D9%A3", "%EF%BC%95", "1e1", "-1", "+5", " 5", "", "99999999999"])
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
