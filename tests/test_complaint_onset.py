"""How the complaint started (sudden or gradual) as evidence: the curated shares, the engine's likelihood
ratios, the note reader (English and Spanish), the CLI, the API and the form (issue 10)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from cli.main import main
from inference.complaint_onset import SUDDEN_IN_CONSULTATIONS, OnsetTable, complaint_onset_ratios
from inference.engine import Diagnoser
from inference.evidence import EvidenceError, make_evidence
from tests.test_course import _csrf

HEADACHE, VOMITING = "HP:0002315", "HP:0002013"
SAH, MIGRAINE = "DXG:subarachnoid_hemorrhage", "DXG:migraine"


@pytest.fixture(scope="module")
def diagnoser(kb) -> Diagnoser:
    return Diagnoser(kb)


def _rank(diagnoser, disease: str, onset: str | None) -> int:
    evidence = make_evidence(
        diagnoser.kb,
        [HEADACHE, VOMITING],
        age_years=45,
        sex="female",
        context="emergency",
        complaint_onset=onset,
    )
    return [r.disease_id for r in diagnoser.diagnose(evidence, top=100).ranking].index(disease)


def test_ratios_average_to_one_over_consulting_patients():
    sudden, gradual = complaint_onset_ratios(0.9)
    assert sudden == pytest.approx(0.9 / SUDDEN_IN_CONSULTATIONS) and gradual < 1
    # a disease as often sudden as the average complaint is neutral
    assert complaint_onset_ratios(SUDDEN_IN_CONSULTATIONS) == pytest.approx((1.0, 1.0))
    table = OnsetTable.from_info(
        [{"complaint_onset": "sudden", "sudden_share": 0.9}, {"complaint_onset": "either"}, {}]
    )
    assert table.log_ratio("sudden")[0] > 0 and table.log_ratio("gradual")[0] < 0
    assert table.log_ratio("sudden")[1:].tolist() == [0, 0] and not np.any(table.log_ratio(None))


def test_the_shipped_file_covers_every_curated_disease(kb):
    curated = [info for d, info in zip(kb.disease_ids, kb.disease_info, strict=True) if d.startswith("DXG:")]
    assert all(info.get("complaint_onset") in ("sudden", "gradual", "either") for info in curated)
    sah = kb.disease_info[kb.disease_index[SAH]]
    assert sah["complaint_onset"] == "sudden" and sah["sudden_share"] >= 0.7


def test_a_sudden_start_raises_a_thunderclap_headache_a_gradual_one_lowers_it(diagnoser):
    assert _rank(diagnoser, SAH, "sudden") < _rank(diagnoser, SAH, None) < _rank(diagnoser, SAH, "gradual")
    assert _rank(diagnoser, MIGRAINE, "gradual") <= _rank(diagnoser, MIGRAINE, "sudden")


def test_a_gradual_start_is_not_held_against_a_time_critical_diagnosis(diagnoser):
    """The don't-miss block's cautious posterior forgives an atypical start as it forgives an atypical
    duration: a subarachnoid haemorrhage told as gradual keeps its cautious probability (the block shows the
    five most likely of those that reach the threshold)."""
    from inference.dont_miss import cautious_log_posterior

    kb = diagnoser.kb
    row = kb.disease_index[SAH]
    args = {"age_years": 45, "sex": "female", "context": "emergency"}
    cautious = {}
    for onset in (None, "gradual"):
        evidence = make_evidence(kb, [HEADACHE, VOMITING], complaint_onset=onset, **args)
        diagnosis = diagnoser.diagnose(evidence, top=10)
        present = [ll for f, ll in zip(diagnosis.used, diagnosis.likelihoods, strict=True) if f.present]
        forgiven = diagnoser.course_and_risk(evidence)
        log_cautious = cautious_log_posterior(
            diagnosis.log_posterior, present, diagnoser.dont_miss_mask, forgiven
        )
        cautious[onset] = float(np.exp(log_cautious[row]))
    assert cautious["gradual"] >= diagnoser.params.dont_miss_threshold
    assert cautious["gradual"] >= 0.9 * cautious[None]


def test_a_bad_onset_names_the_field(kb):
    with pytest.raises(EvidenceError) as error:
        make_evidence(kb, [HEADACHE], complaint_onset="fast")
    assert error.value.field == "complaint_onset"


def test_a_bad_onset_line_is_named_with_file_and_line(tmp_path, capsys):
    bad = tmp_path / "bad_onset.ttl"
    bad.write_text(
        "@prefix dx:   <https://w3id.org/dxgraph/vocab#> .\n"
        "@prefix dxd:  <https://w3id.org/dxgraph/disease/> .\n"
        'dxd:DXG_migraine dx:complaintOnset "slowish" ; dx:onsetSource "unverified" .\n'
        'dxd:DXG_subarachnoid_hemorrhage dx:complaintOnset "sudden" ; dx:suddenShare 1.5 .\n',
        encoding="utf-8",
    )
    assert main(["kb", "validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert re.search(r"bad_onset\.ttl:3:.*complaintOnset is 'sudden', 'gradual' or 'either'", err), err
    assert re.search(r"bad_onset\.ttl:4:.*suddenShare is one number in \(0, 1\)", err), err
    assert re.search(r"bad_onset\.ttl:4:.*needs one onsetSource", err), err


# ---- notes ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "onset"),
    [
        ("Sudden onset severe headache an hour ago.", "en", "sudden"),
        ("She woke with crushing chest pain.", "en", "sudden"),
        ("Gradually worsening breathlessness over two weeks.", "en", "gradual"),
        ("Insidious onset of fatigue and weight loss.", "en", "gradual"),
        ("Cefalea de inicio brusco mientras hacía ejercicio.", "es", "sudden"),
        ("Disnea progresiva desde hace un mes.", "es", "gradual"),
        ("Acute onset of fever and severe throat pain.", "en", "sudden"),
        ("He awoke with severe knee pain.", "en", "sudden"),
        ("Progressing numbness of both feet.", "en", "gradual"),
        ("Dolor lumbar de inicio agudo al levantar una caja.", "es", "sudden"),
        ("Cough for 3 days. No sudden vision loss.", "en", None),
        ("Chest pain.\nFamily history: sudden death of his father.", "en", None),
        # waking with it, a few words apart
        ("He had woken up in the middle of the night with a tight chest pain.", "en", "sudden"),
        ("He awakens the next morning with severe right knee pain.", "en", "sudden"),
        ("Se despertó de madrugada con un dolor torácico opresivo.", "es", "sudden"),
        ("He woke up several times at night. Cough for 3 weeks.", "en", None),
    ],
)
def test_the_note_reads_how_the_complaint_started(read, text, lang, onset):
    assert read(text, lang).complaint_onset == onset


# ---- CLI, API, form ---------------------------------------------------------------------------------


def test_cli_takes_and_explains_the_start(kb_home, capsys):
    base = ["--home", str(kb_home), "diagnose", "--symptoms", f"{HEADACHE},{VOMITING}", "--age", "45"]
    assert main([*base, "--context", "emergency", "--complaint-onset", "sudden", "--explain", "5"]) == 0
    assert "started suddenly: typical of this disease" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main([*base, "--complaint-onset", "fast"])


def test_notes_batch_reads_the_start(kb_home, tmp_path):
    notes = tmp_path / "notes.jsonl"
    rows = [
        {"id": "a", "text": "45 year old woman. Sudden onset severe headache and vomiting."},
        {"id": "b", "text": "45 year old woman. Headache and vomiting."},
    ]
    notes.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    args = [
        "--home",
        str(kb_home),
        "diagnose",
        "--notes",
        str(notes),
        "--context",
        "emergency",
        "--top",
        "100",
    ]
    assert main([*args, "--out", str(out)]) == 0
    results = {r["case_id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert results["a"]["extracted"]["complaint_onset"] == "sudden"
    ranks = {k: [d["disease_id"] for d in r["ranking"]] for k, r in results.items()}
    assert ranks["a"].index(SAH) < ranks["b"].index(SAH)


@pytest.fixture(scope="module")
def client(kb_home):
    from tests.test_web_api import _app

    return _app(kb_home).test_client()


def test_api_takes_the_start_and_says_how_it_fits(client):
    body = {"observed": [HEADACHE, VOMITING], "age": 45, "sex": "female", "context": "emergency", "top": 30}
    answer = client.post(
        "/api/v1/diagnose", json={**body, "complaint_onset": "sudden", "lang": "es"}
    ).get_json()
    item = next(d for d in answer["ranking"] if d["disease_id"] == SAH)
    assert item["complaint_onset"]["log_ratio"] > 0
    assert item["complaint_onset"]["words"] == "comienzo brusco: habitual en esta enfermedad"
    bad = client.post("/api/v1/diagnose", json={**body, "complaint_onset": "fast"})
    assert bad.status_code == 400 and bad.get_json()["field"] == "complaint_onset"


def test_form_select_reaches_the_engine_and_the_note_fills_it(client):
    token = _csrf(client, "/?lang=en")
    data = {"csrf_token": token, "f_id": [HEADACHE, VOMITING], "f_state": ["present", "present"], "age": "45"}
    page = client.post("/", data={**data, "complaint_onset": "sudden", "context": "emergency"})
    html = page.get_data(as_text=True)
    assert '<option value="sudden" selected>' in html
    assert re.search(r'<p class="onset hint">Started suddenly: typical of this disease\.', html)
    note = {"csrf_token": token, "note": "Cefalea de inicio brusco.", "action": "extract"}
    read = client.post("/?lang=es", data=note).get_data(as_text=True)
    assert '<option value="sudden" selected>' in read
    assert 'data-field="complaint_onset">Comienzo: Brusco (segundos a minutos) (rellenado)' in read
