"""/api/v1/diagnose takes a GA4GH phenopacket as the body itself (recognised by its fields) as well as
wrapped as {"phenopacket": ...}; a mistaken mix says how to send one."""

from __future__ import annotations

import pytest

from knowledge.config import Settings, load_settings
from web import create_app

PACKET = {
    "id": "case-1",
    "subject": {"id": "p1", "sex": "FEMALE", "timeAtLastEncounter": {"age": {"iso8601duration": "P14Y"}}},
    "phenotypicFeatures": [
        {"type": {"id": "HP:0001166", "label": "Arachnodactyly"}},
        {"type": {"id": "HP:0001083", "label": "Ectopia lentis"}},
        {"type": {"id": "HP:0000768", "label": "Pectus carinatum"}},
        {"type": {"id": "HP:0001250"}, "excluded": True},
    ],
    "metaData": {"created": "2024-01-01T00:00:00Z", "resources": []},
}


@pytest.fixture(scope="module")
def client(kb_home):
    base = load_settings()
    settings = Settings(home=kb_home, hpo_dir=base.hpo_dir, ontologies_dir=base.ontologies_dir)
    with pytest.MonkeyPatch.context() as patch:
        for name in ("DXGRAPH_RATE_LIMIT", "DXGRAPH_ADMIN_TOKEN", "DXGRAPH_MAX_BODY_BYTES"):
            patch.delenv(name, raising=False)
        app = create_app(settings, testing=True)
    return app.test_client()


def test_bare_and_wrapped_phenopacket_give_the_same_answer(client):
    wrapped = client.post("/api/v1/diagnose", json={"phenopacket": PACKET, "top": 5})
    bare = client.post("/api/v1/diagnose?top=5", json=PACKET)
    assert wrapped.status_code == bare.status_code == 200, bare.get_json()
    first, second = wrapped.get_json(), bare.get_json()
    assert first["case_id"] == second["case_id"] == "case-1"
    assert [r["disease_id"] for r in first["ranking"]] == [r["disease_id"] for r in second["ranking"]]
    assert len(second["ranking"]) == 5 and second["context"] == "rare-disease-clinic"
    assert {f["id"] for f in second["findings"]} >= {"HP:0001166", "HP:0001083", "HP:0001250"}


def test_options_beside_a_bare_phenopacket_or_in_the_query(client):
    beside = client.post("/api/v1/diagnose", json={**PACKET, "top": 3, "lang": "es"}).get_json()
    assert len(beside["ranking"]) == 3 and beside["lang"] == "es"
    query = client.post("/api/v1/diagnose?lang=es&top=2&explain=0", json=PACKET).get_json()
    assert len(query["ranking"]) == 2 and "explanation" not in query["ranking"][0]
    bad = client.post("/api/v1/diagnose?top=x", json=PACKET)
    assert bad.status_code == 400 and bad.get_json()["field"] == "top"


def test_a_phenopacket_mixed_with_findings_is_named(client):
    response = client.post("/api/v1/diagnose", json={**PACKET, "observed": ["HP:0001945"]})
    body = response.get_json()
    assert response.status_code == 400 and body["field"] == "observed"
    assert "phenopacket or findings, not both" in body["error"]


def test_a_stray_phenopacket_field_says_how_to_send_one(client):
    response = client.post("/api/v1/diagnose", json={"id": "case-1", "observed": ["HP:0001945"]})
    body = response.get_json()
    assert response.status_code == 400 and body["field"] == "id"
    assert '{"phenopacket"' in body["error"] and "as the body" in body["error"]
    assert "Extra inputs are not permitted" not in body["error"]
