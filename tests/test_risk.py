"""Risk factors as evidence: the curated vocabulary and relative risks, the engine's likelihood ratios, the
note reader (English and Spanish), the CLI, the API and the form (issue 10: what is known of the patient
besides the findings tells near differentials apart)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from cli.main import main
from inference.engine import Diagnoser
from inference.evidence import EvidenceError, make_evidence
from inference.risk import RiskTable, likelihood_ratios
from tests.test_course import _csrf

HEMATURIA, FATIGUE = "HP:0000790", "HP:0012378"
PELVIC_PAIN, VAGINAL_BLEEDING = "HP:0034267", "HP:0000132"
BLADDER_CANCER, ECTOPIC = "DXG:bladder_cancer", "DXG:ectopic_pregnancy"


@pytest.fixture(scope="module")
def diagnoser(kb) -> Diagnoser:
    return Diagnoser(kb)


def _diagnosis(diagnoser, observed, top=50, **given):
    base = {"age_years": 62, "sex": "male", "context": "primary-care"}
    evidence = make_evidence(diagnoser.kb, observed, **{**base, **given})
    return diagnoser.diagnose(evidence, top=top)


def _probability(diagnosis, disease: str) -> float:
    return next(r.probability for r in diagnosis.ranking if r.disease_id == disease)


# ---- the likelihood ratios -----------------------------------------------------------------------


def test_relative_risk_becomes_the_likelihood_ratio_of_having_or_lacking_the_factor():
    with_it, without = likelihood_ratios(3.0, 0.25)
    assert with_it == pytest.approx(2.0) and without == pytest.approx(1 / 1.5)
    # averaged over the population, having the factor or not changes nothing: p LR+ + (1 - p) LR- = 1
    assert 0.25 * with_it + 0.75 * without == pytest.approx(1.0)
    required, denied = likelihood_ratios(1000, 0.03)
    assert required == pytest.approx(1 / 0.03, rel=0.05) and denied < 0.05
    protective, _ = likelihood_ratios(0.3, 0.1)
    assert protective < 1


def test_diseases_without_a_stated_risk_are_neutral_and_family_history_names_its_disease():
    term_info = {
        "risk_factors": {
            "smoking": {"label": "Smoker", "share": 0.25},
            "family_history_of_it": {"label": "Family", "share": 0.05},
        }
    }
    info = [
        {"risk": {"smoking": [3.0, "unverified"], "family_history_of_it": [2.0, "unverified"]}},
        {},
        {"risk": {"family_history_of_it": [4.0, "unverified"]}},
    ]
    table = RiskTable.from_kb(term_info, info)
    ratio = table.log_ratio({"smoking": True})
    assert ratio[0] == pytest.approx(np.log(2.0)) and ratio[1] == 0 and ratio[2] == 0
    assert table.log_ratio({"smoking": False})[0] == pytest.approx(np.log(1 / 1.5))
    family = table.log_ratio({}, family=[2])  # only the disease the family history names
    assert family[0] == 0 and family[2] == pytest.approx(np.log(4.0 / 1.15))
    assert table.explain(0, {"smoking": True}) == [("smoking", True, pytest.approx(np.log(2.0)))]


# ---- the shipped knowledge -----------------------------------------------------------------------


def test_the_vocabulary_and_links_are_shipped_with_sources(kb):
    factors = kb.term_info["risk_factors"]
    assert len(factors) >= 30 and all(
        f["label"] and f["label_es"] and 0 < f["share"] < 1 for f in factors.values()
    )
    assert "HP:0000819" in factors["diabetes"]["history_terms"]
    linked = [info["risk"] for info in kb.disease_info if info.get("risk")]
    assert len(linked) >= 500
    values = [v for risk in linked for v in risk.values()]
    assert all((rr >= 1.5 or rr <= 0.5) and rr <= 1000 and source for rr, source in values)
    smoking = kb.disease_info[kb.disease_index[BLADDER_CANCER]]["risk"]["smoking"]
    assert smoking[0] >= 2  # a textbook link: smoking and bladder cancer
    assert all(not d.startswith("DXG:") or True for d in kb.disease_ids)


def test_a_bad_risk_link_is_named_with_file_and_line(tmp_path, capsys):
    bad = tmp_path / "bad_risk.ttl"
    bad.write_text(
        "@prefix dx:   <https://w3id.org/dxgraph/vocab#> .\n"
        "@prefix dxd:  <https://w3id.org/dxgraph/disease/> .\n"
        "@prefix dxr:  <https://w3id.org/dxgraph/risk/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        'dxr:smoking a dx:RiskFactor ; rdfs:label "Smoker"@en , "Fumador"@es ;\n'
        '    dx:populationShare 0.25 ; skos:definition "Smokes"@en .\n'
        "dxd:DXG_migraine dx:riskFactor\n"
        '    [ dx:factor dxr:smoking ; dx:relativeRisk 1.2 ; dx:riskSource "unverified" ] ,\n'
        '    [ dx:factor dxr:smokin ; dx:relativeRisk 3 ; dx:riskSource "unverified" ] ,\n'
        "    [ dx:factor dxr:smoking ; dx:relativeRisk 2 ] .\n",
        encoding="utf-8",
    )
    assert main(["kb", "validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert re.search(r"bad_risk\.ttl:9:.*between 0\.5 and 1\.5 is too weak", err), err
    assert re.search(r"bad_risk\.ttl:\d+:.*unknown factor 'smokin'", err), err
    assert re.search(r"bad_risk\.ttl:\d+:.*needs one riskSource", err), err


# ---- the engine ----------------------------------------------------------------------------------


def test_smoking_raises_bladder_cancer_and_is_explained(diagnoser):
    plain = _diagnosis(diagnoser, [HEMATURIA, FATIGUE])
    smoker = _diagnosis(diagnoser, [HEMATURIA, FATIGUE], risk_factors={"smoking": True})
    never = _diagnosis(diagnoser, [HEMATURIA, FATIGUE], risk_factors={"smoking": False})
    p = [_probability(d, BLADDER_CANCER) for d in (never, plain, smoker)]
    assert p[0] < p[1] < p[2]
    effects = diagnoser.risk.explain(diagnoser.kb.disease_index[BLADDER_CANCER], {"smoking": True})
    assert effects[0][0] == "smoking" and effects[0][2] > 0


def test_a_family_history_raises_only_the_disease_it_names(diagnoser):
    kb = diagnoser.kb
    row = kb.disease_index["DXG:migraine"]
    assert kb.disease_info[row]["risk"]["family_history_of_it"][0] > 1
    evidence = make_evidence(kb, ["HP:0002315"], age_years=30, sex="female", family_history=["DXG:migraine"])
    log_ratio = diagnoser.risk.log_ratio(evidence.risk_factors, diagnoser.family_rows(evidence))
    assert log_ratio[row] > 0 and np.count_nonzero(log_ratio) == 1


def test_a_denied_risk_factor_never_buries_a_time_critical_diagnosis(diagnoser):
    """'Not pregnant' lowers an ectopic pregnancy in the ranking (about 2.5 times at the reviewed relative
    risk of 50) but not in the don't-miss block: a pregnancy is often unknown or denied."""
    args = {"age_years": 26, "sex": "female", "context": "emergency"}
    asked = _diagnosis(diagnoser, [PELVIC_PAIN, VAGINAL_BLEEDING], top=100, **args)
    denied = _diagnosis(
        diagnoser, [PELVIC_PAIN, VAGINAL_BLEEDING], top=100, risk_factors={"pregnant": False}, **args
    )
    assert _probability(denied, ECTOPIC) < _probability(asked, ECTOPIC)
    flagged = {d.disease_id: d for d in asked.dont_miss}
    assert ECTOPIC in flagged, [d.disease_id for d in asked.dont_miss]
    assert ECTOPIC in {d.disease_id for d in denied.dont_miss}


@pytest.mark.parametrize(
    ("given", "field", "words"),
    [
        ({"risk_factors": {"smokin": True}}, "risk_factors", "unknown risk factor 'smokin'"),
        ({"risk_factors": {"smoking": "yes"}}, "risk_factors", "must be true or false"),
        ({"risk_factors": {"pregnant": True}, "sex": "male"}, "risk_factors", "male patient"),
        ({"risk_factors": {"family_history_of_it": True}}, "risk_factors", "family_history instead"),
        ({"family_history": ["DXG:nope"]}, "family_history", "unknown disease id"),
        ({"risk_factors": "smoking"}, "risk_factors", "must be an object"),
    ],
)
def test_bad_risk_factors_name_the_field(kb, given, field, words):
    with pytest.raises(EvidenceError) as error:
        make_evidence(kb, [HEMATURIA], **given)
    assert error.value.field == field and words in str(error.value)


def test_a_list_of_ids_with_minus_for_absent_is_accepted(kb):
    evidence = make_evidence(kb, [HEMATURIA], risk_factors=["smoking", "-heavy_alcohol"])
    assert evidence.risk_factors == {"smoking": True, "heavy_alcohol": False}


# ---- notes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "factors"),
    [
        ("He smokes 20 cigarettes a day.", "en", {"smoking": True}),
        (
            "Non-smoker. No recent travel, no sick contacts.",
            "en",
            {"smoking": False, "travel_abroad": False, "sick_contact": False},
        ),
        ("Known diabetic, unwell for 2 days with vomiting.", "en", {"diabetes": True}),
        (
            "Past medical history: hypertension and COPD.",
            "en",
            {"hypertension": True, "chronic_lung_disease": True},
        ),
        (
            "Social history: drinks 8 beers a day, new partner.",
            "en",
            {"heavy_alcohol": True, "new_sexual_partner": True},
        ),
        ("Returned from Thailand last week with fever.", "en", {"travel_abroad": True}),
        ("She is 10 weeks pregnant with vomiting.", "en", {"pregnant": True}),
        ("Negative pregnancy test.", "en", {"pregnant": False}),
        ("She started amoxicillin two days ago for a sinus infection.", "en", {"recent_antibiotics": True}),
        ("No fuma. Bebedor de 6 cervezas al día.", "es", {"smoking": False, "heavy_alcohol": True}),
        ("Embarazada de 10 semanas, diabética.", "es", {"pregnant": True, "diabetes": True}),
        (
            "Antecedentes personales: hipertensión, EPOC.",
            "es",
            {"hypertension": True, "chronic_lung_disease": True},
        ),
        (
            "Viaje reciente a Tailandia. Sin contactos enfermos.",
            "es",
            {"travel_abroad": True, "sick_contact": False},
        ),
        ("Family history: older brother has a cold.", "en", {"sick_contact": True}),
        ("Fever and cough. His daughter tested positive for influenza.", "en", {"sick_contact": True}),
        ("Fever and cough. He tested positive for influenza.", "en", {"sick_contact": None}),
        ("Positive urine pregnancy test, pelvic pain.", "en", {"pregnant": True}),
        (
            "Returned from a 12 hour flight 4 days ago with a swollen calf.",
            "en",
            {"immobility_or_surgery": True},
        ),
        ("Motorcyclist hit a car at 60 km/h.", "en", {"recent_trauma": True}),
        # an operation named by its procedure; "no postoperative complications" does not deny it
        (
            "Admitted overnight after an elective inguinal hernia repair. There are no immediate "
            "postoperative complications, but he wakes with a painful knee.",
            "en",
            {"immobility_or_surgery": True},
        ),
        ("Dolor abdominal tras una colecistectomía hace 3 días.", "es", {"immobility_or_surgery": True}),
        ("No postoperative complications were recorded. Knee pain.", "en", {"immobility_or_surgery": None}),
        (
            "Itchy rash. He lives in a nursing home where two other residents had similar episodes.",
            "en",
            {"sick_contact": True},
        ),
        (
            "Prurito. Vive en una residencia; otros residentes han tenido episodios similares.",
            "es",
            {"sick_contact": True},
        ),
        ("Itchy rash with similar episodes in the past.", "en", {"sick_contact": None}),
        # the event a complaint followed is recent, even told with its article
        ("Knee pain after a fall.", "en", {"recent_trauma": True}),
        ("Calf swelling after a long flight.", "en", {"immobility_or_surgery": True}),
        ("Dolor en la pantorrilla tras un vuelo largo.", "es", {"immobility_or_surgery": True}),
        ("Past medical history: knee surgery after a fall in 2010.", "en", {"recent_trauma": None}),
        ("Distended abdomen with a midline laparotomy scar.", "en", {"immobility_or_surgery": None}),
        ("Abdomen distendido con cicatriz de laparotomía media.", "es", {"immobility_or_surgery": None}),
    ],
)
def test_the_note_reads_risk_factors(read, text, lang, factors):
    got = read(text, lang).risk_factors
    assert {k: got.get(k) for k in factors} == factors, got


@pytest.mark.parametrize(
    ("text", "lang", "absent"),
    [
        ("He fell asleep watching television.", "en", "recent_trauma"),
        ("Drinks alcohol socially.", "en", "heavy_alcohol"),
        ("Her father smokes.", "en", "smoking"),
        ("Diabetes insipidus was ruled out last year.", "en", "diabetes"),
        ("Su padre fuma.", "es", "smoking"),
        ("Social history: smokes cannabis occasionally.", "en", "smoking"),
        ("Hábitos: fuma porros los fines de semana.", "es", "smoking"),
    ],
)
def test_what_is_not_the_patients_risk_factor_is_not_read(read, text, lang, absent):
    assert read(text, lang).risk_factors.get(absent) is not True


@pytest.mark.parametrize(
    ("text", "lang", "diseases"),
    [
        ("Family history: his father had prostate cancer.", "en", ["DXG:prostate_cancer"]),
        ("Her mother suffers from migraines.", "en", ["DXG:migraine"]),
        ("Family history: no prostate cancer in the family.", "en", []),
        ("Antecedentes familiares: madre con migraña.", "es", ["DXG:migraine"]),
        ("She has migraine. Her mother is well.", "en", []),
        ("Family history: her sister has hypothyroidism.", "en", ["DXG:hypothyroidism"]),
        ("Antecedentes familiares: su hermana tiene hipotiroidismo.", "es", ["DXG:hypothyroidism"]),
        ("Family history: his daughter had influenza last week.", "en", []),
    ],
)
def test_the_note_reads_the_diseases_a_family_history_names(read, text, lang, diseases):
    assert read(text, lang).family_history == diseases


# ---- CLI -----------------------------------------------------------------------------------------


def test_symptoms_command_takes_risk_factors_and_explains_them(kb_home, capsys):
    base = ["--home", str(kb_home), "diagnose", "--symptoms", f"{HEMATURIA},{FATIGUE}", "--age", "62"]
    assert main([*base, "--sex", "male", "--risk", "smoking,-heavy_alcohol", "--explain", "3"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"\+ risk factor: Smoker [^:]*: [\d.]+ times more likely", out), out
    assert main([*base, "--risk", "smokin"]) == 2
    assert "unknown risk factor 'smokin'" in capsys.readouterr().err


def test_notes_batch_reads_and_takes_risk_factors(kb_home, tmp_path):
    notes = tmp_path / "notes.jsonl"
    rows = [
        {"id": "read", "text": "62 year old man with blood in the urine. He smokes a pack a day."},
        {
            "id": "given",
            "text": "62 year old man with blood in the urine.",
            "risk_factors": {"smoking": True},
        },
        {"id": "none", "text": "62 year old man with blood in the urine."},
    ]
    notes.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert (
        main(["--home", str(kb_home), "diagnose", "--notes", str(notes), "--top", "50", "--out", str(out)])
        == 0
    )
    results = {r["case_id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert results["read"]["extracted"]["risk_factors"] == {"smoking": True}
    share = {
        k: next(d["probability"] for d in r["ranking"] if d["disease_id"] == BLADDER_CANCER)
        for k, r in results.items()
    }
    assert share["read"] == pytest.approx(share["given"]) and share["read"] > share["none"]


# ---- API and form --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(kb_home):
    from tests.test_web_api import _app

    return _app(kb_home).test_client()


def test_api_takes_risk_factors_and_says_how_each_moves_a_disease(client):
    body = {"observed": [HEMATURIA], "age": 62, "sex": "male", "top": 20, "lang": "es"}
    answer = client.post("/api/v1/diagnose", json={**body, "risk_factors": {"smoking": True}}).get_json()
    item = next(d for d in answer["ranking"] if d["disease_id"] == BLADDER_CANCER)
    (said,) = [r for r in item["risk_factors"] if r["factor"] == "smoking"]
    assert said["present"] and said["likelihood_ratio"] > 1 and "veces más probable" in said["words"]
    assert said["label"].startswith("Fumador")
    bad = client.post("/api/v1/diagnose", json={**body, "risk_factors": {"smoking": "yes"}})
    assert bad.status_code == 400 and bad.get_json()["field"].startswith("risk_factors")
    unknown = client.post("/api/v1/diagnose", json={**body, "family_history": ["DXG:nope"]})
    assert unknown.status_code == 400 and unknown.get_json()["field"] == "family_history"


def test_api_lists_the_risk_factors_and_extract_reads_them(client):
    listed = client.get("/api/v1/risk-factors?lang=en").get_json()["results"]
    smoking = next(r for r in listed if r["id"] == "smoking")
    assert smoking["diseases"] >= 20 and smoking["given_as"] == "risk_factors"
    assert client.get("/api/v1/risk-factors?lang=xx").status_code == 400
    text = "Tos y fiebre. No fuma. Su madre tiene migraña."
    data = client.post("/api/v1/extract", json={"text": text, "lang": "es"}).get_json()
    assert data["risk_factors"] == {"smoking": False}
    assert data["family_history"] == [{"id": "DXG:migraine", "label": data["family_history"][0]["label"]}]
    (mention,) = data["risk_mentions"]
    assert mention["quote"].startswith("No fuma")


def test_form_risk_selects_reach_the_engine_and_the_note_fills_them(client):
    token = _csrf(client, "/?lang=en")
    data = {"csrf_token": token, "f_id": [HEMATURIA], "f_state": ["present"], "age": "62", "sex": "male"}
    page = client.post("/", data={**data, "risk_smoking": "yes", "action": "diagnose"}).get_data(as_text=True)
    assert '<option value="yes" selected>' in page
    assert re.search(r'<p class="risk hint">Smoker [^<]*times more likely', page), page[:500]
    note = {
        "csrf_token": token,
        "note": "Hematuria. No fuma. Su padre tuvo cáncer de próstata.",
        "action": "extract",
    }
    read = client.post("/?lang=es", data=note).get_data(as_text=True)
    assert re.search(r'data-field="risk_smoking">Fumador[^<]*: No \(rellenado\)', read), read
    assert 'name="family" value="DXG:prostate_cancer"' in read
    removed = client.post(
        "/", data={**data, "family": "DXG:prostate_cancer", "remove_family": "DXG:prostate_cancer"}
    )
    assert 'name="family" value="DXG:prostate_cancer"' not in removed.get_data(as_text=True)


def test_vignette_risk_mapping_holds_ids_only():
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "vignette_risks.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [r["file_line"] for r in rows] == list(range(1, 223))
    assert all(set(r) == {"file_line", "present", "absent", "family_of"} for r in rows)
    assert all(len(name) <= 40 for r in rows for name in r["family_of"])


def test_the_disease_page_and_api_list_its_risk_factors(client):
    data = client.get(f"/api/v1/diseases/{BLADDER_CANCER}").get_json()
    smoking = next(r for r in data["risk_factors"] if r["factor"] == "smoking")
    assert smoking["relative_risk"] >= 2 and smoking["source"]["id"]
    assert [r["relative_risk"] for r in data["risk_factors"]] == sorted(
        (r["relative_risk"] for r in data["risk_factors"]), reverse=True
    )
    page = client.get(f"/diseases/{BLADDER_CANCER}?lang=es").get_data(as_text=True)
    assert re.search(r'<ul class="risk-factors"><li>Fumador[^<]*: riesgo relativo ×[\d,]+', page)
    assert client.get("/api/v1/diseases/OMIM:142900").get_json()["risk_factors"] == []


# ---- risk factors worth asking about ----------------------------------------------------------------


def test_the_factor_that_separates_the_differential_is_the_one_asked(diagnoser):
    from inference.risk_questions import risk_questions

    fever, headache = "HP:0001945", "HP:0002315"
    evidence = make_evidence(diagnoser.kb, [fever, headache, FATIGUE], age_years=30, sex="male")
    diagnosis = diagnoser.diagnose(evidence, top=10)
    asked = risk_questions(diagnoser, diagnosis, evidence, limit=5)
    assert asked and asked[0].expected_information_gain >= asked[-1].expected_information_gain > 0
    assert "sick_contact" in [q.factor for q in asked]  # influenza or not: a contagious illness around him
    assert not {"pregnant", "postpartum", "estrogen_use"} & {q.factor for q in asked}  # a man
    stated = make_evidence(
        diagnoser.kb,
        [fever, headache, FATIGUE],
        age_years=30,
        sex="male",
        risk_factors={"sick_contact": True},
    )
    again = risk_questions(diagnoser, diagnoser.diagnose(stated, top=10), stated, limit=5)
    assert "sick_contact" not in [q.factor for q in again]  # what was answered is not asked again


def test_api_and_form_offer_risk_questions_and_take_the_answer(client):
    body = {"observed": ["HP:0001945", "HP:0002315", FATIGUE], "age": 30, "sex": "male", "lang": "es"}
    answer = client.post("/api/v1/diagnose", json=body).get_json()
    assert answer["risk_questions"] and answer["risk_questions"][0]["label"]
    assert all(0 < q["probability_present"] < 1 for q in answer["risk_questions"])
    none = client.post("/api/v1/diagnose", json={**body, "questions": 0}).get_json()
    assert none["risk_questions"] == []
    token = _csrf(client, "/?lang=en")
    data = {"csrf_token": token, "f_id": ["HP:0001945", "HP:0002315"], "f_state": ["present", "present"]}
    page = client.post("/", data={**data, "age": "30", "sex": "male"}).get_data(as_text=True)
    factor = re.search(r'name="risk_answer" value="(\w+)\|yes"', page).group(1)
    answered = client.post("/", data={**data, "risk_answer": f"{factor}|yes"}).get_data(as_text=True)
    assert f'<select id="risk_{factor}" name="risk_{factor}"' in answered
    selected = re.search(rf'<select id="risk_{factor}".*?</select>', answered, re.S).group(0)
    assert '<option value="yes" selected>' in selected
