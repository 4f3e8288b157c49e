"""The API's `dont_miss` list as the site shows it: rank as listed (or below the list), standing in plain
words in English and Spanish, guideline title, supporting findings (issue 11)."""

from __future__ import annotations

import re

import pytest

from knowledge.config import Settings, load_settings
from web import create_app
from web.wording import standing

MI = "DXG:acute_myocardial_infarction"
CHEST_PAIN, DYSPNEA, SWEATING = "HP:0100749", "HP:0002094", "HP:0000975"


@pytest.fixture(scope="module")
def client(kb_home):
    base = load_settings()
    settings = Settings(home=kb_home, hpo_dir=base.hpo_dir, ontologies_dir=base.ontologies_dir)
    with pytest.MonkeyPatch.context() as patch:
        for name in ("DXGRAPH_RATE_LIMIT", "DXGRAPH_ADMIN_TOKEN", "DXGRAPH_MAX_BODY_BYTES"):
            patch.delenv(name, raising=False)
        return create_app(settings, testing=True).test_client()


def _diagnose(client, observed, age, sex, context, lang="en") -> dict:
    body = {"observed": observed, "age": age, "sex": sex, "context": context, "lang": lang}
    answer = client.post("/api/v1/diagnose", json={**body, "top": 10, "explain": 0, "questions": 0})
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_myocardial_infarction_in_the_top_3_and_flagged(client, lang):
    result = _diagnose(client, [CHEST_PAIN, DYSPNEA, SWEATING], 68, "male", "emergency", lang)
    assert MI in [d["disease_id"] for d in result["ranking"][:3]]
    item = next(d for d in result["dont_miss"] if d["disease_id"] == MI)
    listed = next(d for d in result["ranking"] if d["disease_id"] == MI)
    assert item["in_ranking"] and item["rank"] == listed["rank"] and item["label"] == listed["label"]
    assert item["guideline_title"] == "ESC Acute coronary syndromes 2023"
    assert {f["id"] for f in item["supporting"]} == {CHEST_PAIN, DYSPNEA, SWEATING}
    pattern = (
        r"^\d+\.\d% now, number [123] in the list$"
        if lang == "en"
        else r"^\d+,\d % ahora, n\.º [123] de la lista$"
    )
    assert re.match(pattern, item["words"]), item["words"]


def test_a_flagged_disease_below_the_list_is_kept_with_its_place(client):
    result = _diagnose(client, ["HP:0002027", "HP:0002013"], 20, "male", "primary-care")
    listed = {d["disease_id"] for d in result["ranking"]}
    below = [d for d in result["dont_miss"] if not d["in_ranking"]]
    assert below and all(d["disease_id"] not in listed for d in below)
    assert all(d["rank"] > len(result["ranking"]) and d["words"].endswith("below the list") for d in below)


def test_standing_in_plain_words():
    assert standing(0.465, 1, True) == "46.5% now, number 1 in the list"
    assert standing(0.007, 28, False) == "0.7% now (about 1 in 140), number 28, below the list"
    assert standing(0.0001, 140, False, "es") == (
        "<0,1 % ahora (alrededor de 1 de cada 10.000), n.º 140, por debajo de la lista"
    )
