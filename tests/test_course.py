"""How long the complaint has lasted: the curated typical durations, the engine's factor, the note reader,
the CLI, the API and the form (issue 10: the time course tells near differentials apart)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from cli.main import main
from inference.course import BIN_DAYS, BINS, CourseTable, course_factors, duration_bin, duration_bin_weights
from inference.engine import Diagnoser
from inference.evidence import EvidenceError, make_evidence

CHEST_PAIN, DYSPNEA = "HP:0100749", "HP:0002094"
MI, CORONARY = "DXG:acute_myocardial_infarction", "DXG:coronary_atherosclerosis"


@pytest.fixture(scope="module")
def diagnoser(kb) -> Diagnoser:
    return Diagnoser(kb)


def _rank(diagnoser, disease: str, days: float | None) -> int:
    evidence = make_evidence(
        diagnoser.kb, [CHEST_PAIN, DYSPNEA], age_years=60, sex="male", context="emergency", duration_days=days
    )
    ranking = [r.disease_id for r in diagnoser.diagnose(evidence, top=50).ranking]
    return ranking.index(disease)


# ---- the factor -------------------------------------------------------------------------------------


def test_bins_and_their_bounds():
    assert [duration_bin(d) for d in (0.1, 0.99, 1.5, 6.9, 8.5, 41, 43, 3650)] == [
        "hours", "hours", "days", "days", "weeks", "weeks", "months", "months"
    ]  # fmt: skip
    assert duration_bin_weights(3).tolist() == [0, 1, 0, 0]
    assert duration_bin_weights(7).tolist() == [0, 0.5, 0.5, 0]  # a week is as much days as weeks
    assert duration_bin_weights(1).tolist() == [0.5, 0.5, 0, 0]
    assert all(duration_bin(days) == name for name, days in BIN_DAYS.items())


def test_a_typical_duration_is_neutral_a_far_one_penalised_most():
    factors = course_factors(["hours"], 0.3)
    assert factors[0] == 1.0
    assert factors[1] == pytest.approx(np.sqrt(0.3))  # next to a typical bin
    assert factors[2] == factors[3] == pytest.approx(0.3)
    assert course_factors(["days", "weeks"], 0.3).tolist()[1:3] == [1.0, 1.0]


def test_diseases_without_a_stated_course_are_untouched():
    table = CourseTable.from_info([{"course": ["months"]}, {}, {"course": ["any"]}], 0.3)
    ratio = table.log_ratio(0.2)
    assert ratio[0] == pytest.approx(np.log(0.3)) and ratio[1] == 0 and ratio[2] == 0
    assert table.log_ratio(None).tolist() == [0, 0, 0]


def test_every_curated_disease_has_a_reviewed_course(kb):
    curated = [i for i, d in enumerate(kb.disease_ids) if d.startswith("DXG:")]
    assert len(curated) >= 700
    for index in curated:
        info = kb.disease_info[index]
        assert info.get("course") and set(info["course"]) <= set(BINS) | {"any"}, kb.disease_ids[index]
        assert info.get("course_source"), kb.disease_ids[index]


def test_hours_of_chest_pain_rank_infarction_above_chronic_coronary_disease(diagnoser):
    assert _rank(diagnoser, MI, 0.1) < _rank(diagnoser, CORONARY, 0.1)
    assert _rank(diagnoser, MI, 120) > _rank(diagnoser, CORONARY, 120)
    assert _rank(diagnoser, MI, 0.1) < _rank(diagnoser, MI, None) < _rank(diagnoser, MI, 120)


def test_phenopacket_style_evidence_without_duration_is_unchanged(diagnoser):
    kb = diagnoser.kb
    without = make_evidence(kb, [CHEST_PAIN], age_years=50)
    assert without.duration_days is None
    assert np.array_equal(diagnoser.patient_log_likelihood(without), diagnoser.demographics.log_likelihood(
        diagnoser.params, 50, None, None
    ))  # fmt: skip


@pytest.mark.parametrize(
    ("days", "message"),
    [(-1, "not a duration in days"), ("soon", "not a number of days"), (40_000, "not a duration in days")],
)
def test_bad_durations_name_the_field(kb, days, message):
    with pytest.raises(EvidenceError) as error:
        make_evidence(kb, [CHEST_PAIN], duration_days=days)
    assert error.value.field == "duration_days" and message in str(error.value)


def test_a_duration_longer_than_the_life_is_refused(kb):
    with pytest.raises(EvidenceError, match="longer than the patient's life"):
        make_evidence(kb, [CHEST_PAIN], age_years=2, duration_days=3650)


# ---- the knowledge files ----------------------------------------------------------------------------


def test_a_bad_typical_duration_is_named_with_file_and_line(tmp_path, capsys):
    bad = tmp_path / "bad_course.ttl"
    bad.write_text(
        "@prefix dx:   <https://w3id.org/dxgraph/vocab#> .\n"
        "@prefix dxd:  <https://w3id.org/dxgraph/disease/> .\n"
        "\n"
        'dxd:DXG_common_cold dx:typicalDuration "fortnight" ; dx:durationSource "unverified" .\n'
        'dxd:DXG_migraine dx:typicalDuration "hours days" .\n',
        encoding="utf-8",
    )
    assert main(["kb", "validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert re.search(r"bad_course\.ttl:4:.*typicalDuration is 'any' or 1-3 of hours", err), err
    assert re.search(r"bad_course\.ttl:5:.*needs one durationSource", err), err


# ---- notes ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "days"),
    [
        ("Cough for 3 days, no fever.", "en", 3),
        ("He presents with a 2 hours history of chest pain.", "en", 2 / 24),
        ("Sore throat since yesterday.", "en", 1),
        ("A couple of days of diarrhoea.", "en", 2),
        ("Headache for 2-3 weeks.", "en", 21),
        ("Tos desde hace 2 semanas.", "es", 14),
        ("Fiebre de 3 días de evolución.", "es", 3),
        ("Dolor abdominal desde ayer.", "es", 1),
        ("Shortness of breath since morning.", "en", 0.25),
        ("Disnea desde esta mañana.", "es", 0.25),
        ("Blood in the stool several times over the last week.", "en", 7),
        ("Ten days of bloody diarrhoea up to 12 times a day.", "en", 10),
    ],
)
def test_the_note_reads_how_long_the_complaint_has_lasted(read, text, lang, days):
    reading = read(text, lang).duration
    assert reading is not None and reading.value == pytest.approx(days, rel=1e-3)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("She is 32 weeks pregnant with abdominal pain.", "en"),
        ("Chest pain lasting 20 minutes at a time.", "en"),
        ("Primigravida at 10 weeks with vomiting.", "en"),
        ("Confused. Temp 36.6, HR 122, BP 90/60.", "en"),
        ("Seizure lasting about 3 minutes.", "en"),
        ("Diarrhoea 3 times a day.", "en"),
        ("Chest pain.\nPast medical history: asthma for 10 years.", "en"),
        ("Mujer de 34 años con tos.", "es"),
        ("Antecedentes personales: diabetes desde hace 5 años.", "es"),
    ],
)
def test_ages_gestations_episodes_and_history_are_not_the_complaint(read, text, lang):
    assert read(text, lang).duration is None


def test_notes_batch_uses_the_duration_the_note_gives(kb_home, tmp_path):
    notes = tmp_path / "notes.jsonl"
    rows = [
        {"id": "a", "text": "60 year old man. Crushing chest pain and shortness of breath for 1 hour."},
        {"id": "b", "text": "60 year old man. Chest pain and shortness of breath for 4 months."},
    ]
    notes.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    args = ["--home", str(kb_home), "diagnose", "--notes", str(notes), "--context", "emergency"]
    assert main([*args, "--top", "50", "--out", str(out)]) == 0
    results = {r["case_id"]: r for r in map(json.loads, out.read_text().splitlines())}
    ranks = {k: [d["disease_id"] for d in r["ranking"]] for k, r in results.items()}
    assert results["a"]["extracted"]["duration_days"] == pytest.approx(1 / 24, rel=1e-3)
    assert results["b"]["extracted"]["duration_days"] == pytest.approx(120, rel=0.05)
    assert ranks["a"].index(MI) < ranks["b"].index(MI)


def test_symptoms_command_takes_a_duration(kb_home, capsys):
    base = ["--home", str(kb_home), "diagnose", "--symptoms", f"{CHEST_PAIN},{DYSPNEA}", "--age", "60"]
    assert main([*base, "--context", "emergency", "--duration-days", "0.1", "--explain", "0"]) == 0
    acute = capsys.readouterr().out
    assert main([*base, "--context", "emergency", "--duration-days", "-2"]) == 2
    assert "duration_days" in capsys.readouterr().err
    assert "Acute myocardial infarction" in acute.splitlines()[1] or MI in acute.splitlines()[1], acute


# ---- API and form -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(kb_home):
    from tests.test_web_api import _app

    return _app(kb_home).test_client()


def _diagnose(client, **extra):
    body = {"observed": [CHEST_PAIN, DYSPNEA], "age": 60, "sex": "male", "context": "emergency", "top": 20}
    return client.post("/api/v1/diagnose", json={**body, **extra})


def test_api_takes_the_duration_and_says_how_it_bears_on_each_disease(client):
    hours = _diagnose(client, duration_days=0.1, lang="en").get_json()["ranking"]
    months = _diagnose(client, duration_days=120).get_json()["ranking"]
    assert [r["disease_id"] for r in hours].index(MI) < [r["disease_id"] for r in months].index(MI)
    mi = next(r for r in hours if r["disease_id"] == MI)
    assert mi["duration"]["typical"] == ["hours", "days"] and mi["duration"]["log_ratio"] == 0
    assert mi["duration"]["words"] == (
        "symptoms for 2 hours: typical of this disease (usually under a day or 1-7 days)"
    )
    chronic = next(r for r in months if r["disease_id"] == CORONARY)
    assert chronic["duration"]["log_ratio"] == 0 and "typical" in chronic["duration"]["words"]
    late = next(r for r in months if r["disease_id"] == MI)
    assert late["duration"]["log_ratio"] < 0 and "unusual" in late["duration"]["words"]
    es = _diagnose(client, duration_days=3, lang="es").get_json()["ranking"]
    assert any(r.get("duration", {}).get("words", "").startswith("síntomas desde hace 3 días") for r in es)
    assert all("duration" not in r for r in _diagnose(client).get_json()["ranking"])


@pytest.mark.parametrize("value", [-1, "3 days", 1e9, True])
def test_api_names_a_bad_duration(client, value):
    response = _diagnose(client, duration_days=value)
    assert response.status_code == 400
    assert "duration_days" in json.dumps(response.get_json())


def test_api_refuses_a_duration_longer_than_the_life(client):
    response = _diagnose(client, age=1, duration_days=3650)
    assert response.status_code == 400 and response.get_json()["field"] == "duration_days"


def _csrf(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_form_duration_select_reaches_the_engine_and_the_note_fills_it(client):
    token = _csrf(client, "/?lang=en")
    data = {
        "csrf_token": token,
        "f_id": [CHEST_PAIN, DYSPNEA],
        "f_state": ["present", "present"],
        "age": "60",
        "context": "emergency",
    }
    page = client.post("/", data={**data, "duration": "hours", "action": "diagnose"}).get_data(as_text=True)
    assert '<option value="hours" selected>' in page
    typical = r'<p class="course hint">Symptoms for 6 hours: typical of this disease \(usually [^)]+\)\.'
    assert re.search(typical, page)
    bogus = client.post("/", data={**data, "duration": "ages", "action": "diagnose"}).get_data(as_text=True)
    assert 'class="ranking"' in bogus and 'class="course hint"' not in bogus  # unknown value: not stated
    note = {"csrf_token": token, "note": "Tos desde hace 2 semanas.", "action": "extract"}
    read = client.post("/?lang=es", data=note).get_data(as_text=True)
    assert '<option value="weeks" selected>' in read
    assert 'data-field="duration">Síntomas desde hace: 1-6 semanas (rellenado)' in read


def test_an_atypical_duration_never_buries_a_time_critical_diagnosis(diagnoser):
    """The don't-miss block's cautious posterior does not hold the duration against a time-critical disease
    (an infarction can present after days): its cautious probability at 4 months is no lower than with no
    duration, while its ranked probability is."""
    kb = diagnoser.kb

    def flagged(days):
        evidence = make_evidence(
            kb, [CHEST_PAIN, DYSPNEA], age_years=60, sex="male", context="emergency", duration_days=days
        )
        diagnosis = diagnoser.diagnose(evidence, top=10)
        block = {flag.disease_id: flag for flag in diagnosis.dont_miss}
        ranked = diagnosis.log_posterior[kb.disease_index[MI]]
        return block, ranked

    unknown, ranked_unknown = flagged(None)
    late, ranked_late = flagged(120)
    assert MI in unknown and MI in late
    assert ranked_late < ranked_unknown  # the ranking weighs the duration...
    assert late[MI].cautious_probability >= unknown[MI].cautious_probability * 0.9  # ...the block does not
