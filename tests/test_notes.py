"""Clinical notes as evidence (issue 12): the examples of the issue in English and Spanish, scope of negation,
context (history, family, hypothetical), numbers (vitals, age, durations), conflicts and repeats, and the
extractor behind the API, the CLI and ingestion."""

from __future__ import annotations

import json

import pytest

from cli.main import main
from learning.ingest.text_to_hpo import extract_findings

FEVER, COUGH, DYSPNEA, SORE_THROAT = "HP:0001945", "HP:0012735", "HP:0002094", "HP:0033050"
SWEATING, EXUDATE, HEADACHE, ASTHMA = "HP:0000975", "HP:0034035", "HP:0002315", "HP:0002099"
PEPTIC_ULCER, DIABETES, PNEUMONIA, RASH = "HP:0004398", "HP:0000819", "HP:0002090", "HP:0000988"
TACHYCARDIA, HYPOTENSION, HYPOXEMIA = "HP:0001649", "HP:0002615", "HP:0012418"


def states(result) -> dict[str, bool]:
    return {f.term: f.present for f in result.findings}


def context(result) -> dict[str, str]:
    return {m.term: m.status for m in result.context}


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        (
            "Patient is diaphoretic and short of breath. Tonsillar exudate.",
            "en",
            {SWEATING, DYSPNEA, EXUDATE},
        ),
        ("Paciente sudoroso, con falta de aire. Pus en las amígdalas.", "es", {SWEATING, DYSPNEA, EXUDATE}),
    ],
)
def test_lay_and_clinical_words_are_found(read, text, lang, expected):
    assert {t for t, present in states(read(text, lang)).items() if present} == expected


TEARING_PAIN, CHEST_PAIN, EPIPHORA = "HP:6000049", "HP:0100749", "HP:0009926"


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        (
            "Chest pain, which he describes as tearing, radiating to the back.",
            "en",
            {CHEST_PAIN, TEARING_PAIN},
        ),
        ("Dolor torácico desgarrante que irradia a la espalda.", "es", {TEARING_PAIN}),
        ("Excessive tearing from the right eye.", "en", {EPIPHORA}),
        ("Eye pain and tearing since yesterday.", "en", {EPIPHORA}),
    ],
)
def test_a_tearing_pain_is_its_character_not_tears(read, text, lang, expected):
    present = {t for t, p in states(read(text, lang)).items() if p}
    assert expected <= present
    assert (TEARING_PAIN in present) != (EPIPHORA in present)


ORTHOPNEA, DYSMENORRHEA, STRESS_INCONTINENCE, NOCTURIA = (
    "HP:0012764",
    "HP:0100607",
    "HP:0010992",
    "HP:0000017",
)


@pytest.mark.parametrize(
    ("text", "lang", "term", "not_findings"),
    [
        ("She is short of breath when lying flat.", "en", ORTHOPNEA, set()),
        ("Refiere disnea al acostarse.", "es", ORTHOPNEA, set()),
        ("Cramping pain that starts a day before each menstrual period.", "en", DYSMENORRHEA, set()),
        ("Dolor cólico con la regla desde hace un año.", "es", DYSMENORRHEA, set()),
        ("Involuntary leakage of urine when coughing or sneezing.", "en", STRESS_INCONTINENCE, {COUGH}),
        ("Escapes de orina al toser.", "es", STRESS_INCONTINENCE, {COUGH}),
        ("At night she has to go to the washroom more than usual.", "en", NOCTURIA, set()),
    ],
)
def test_findings_described_rather_than_named(read, text, lang, term, not_findings):
    found = states(read(text, lang))
    assert found.get(term) is True
    assert not not_findings & set(found)  # "when coughing" qualifies the leak: it is not a cough


def test_a_described_finding_is_negated_like_a_named_one(read):
    assert states(read("No shortness of breath on lying down.")).get(ORTHOPNEA) is False
    assert DYSMENORRHEA not in states(read("Abdominal pain. Her last period was two weeks ago, regular."))


def test_a_malformed_note_pattern_is_named_with_file_and_line(tmp_path):
    from knowledge.note_patterns import NotePatternError, read_note_patterns

    table = tmp_path / "curation" / "note_patterns.tsv"
    table.parent.mkdir()
    table.write_text(
        "hpo_id\thpo_label\tlang\thead\twith\tstatus\tnote\n"
        "HP:0012764\tOrthopnea\ten\tdyspnea\tlying flat\treviewed\tok\n"
        "HP:0012764\tOrthopnea\tfr\tdyspnee\tcouche\treviewed\tbad language\n",
        encoding="utf-8",
    )
    with pytest.raises(NotePatternError, match=r"note_patterns.tsv:3:"):
        read_note_patterns(tmp_path)


@pytest.mark.parametrize(
    ("text", "lang"),
    [("No tose. Tiene fiebre.", "es"), ("He is not coughing. Has fever.", "en")],
)
def test_verb_forms_and_their_negation(read, text, lang):
    assert states(read(text, lang)) == {COUGH: False, FEVER: True}


@pytest.mark.parametrize(
    ("text", "lang"),
    [("Dolor de garganta intenso, fiebre de 39.", "es"), ("Severe sore throat, fever of 39.", "en")],
)
def test_fever_with_a_number_is_a_temperature_not_a_severity(read, text, lang):
    result = read(text, lang)
    found = {f.term: f for f in result.findings}
    assert found[SORE_THROAT].severity == "severe"
    assert found[FEVER].present and found[FEVER].severity is None
    assert result.vitals == {"temperature_c": 39.0}


@pytest.mark.parametrize(
    ("text", "lang", "vitals"),
    [
        (
            "T 38.5, FC 120, FR 24, SpO2 89%, TA 85/50.",
            "es",
            {
                "temperature_c": 38.5,
                "heart_rate": 120,
                "respiratory_rate": 24,
                "spo2": 89,
                "systolic_bp": 85,
                "diastolic_bp": 50,
            },
        ),
        (
            "Temp 101 F, HR 120, RR 24, sat 89% on room air, BP 85/50 mmHg.",
            "en",
            {
                "temperature_c": 38.3,
                "heart_rate": 120,
                "respiratory_rate": 24,
                "spo2": 89,
                "systolic_bp": 85,
                "diastolic_bp": 50,
            },
        ),
        (
            "Tª 38,5 ºC; pulso 120 lpm; saturación de 89 %.",
            "es",
            {"temperature_c": 38.5, "heart_rate": 120, "spo2": 89},
        ),
    ],
)
def test_numbers_become_vitals(read, text, lang, vitals):
    result = read(text, lang)
    assert result.vitals == pytest.approx(vitals, abs=0.05)
    assert not result.findings  # labels and numbers are not findings themselves


def test_implausible_numbers_are_shown_not_used(read):
    result = read("FC 1200, T 85")
    assert result.vitals == {} and {r.name for r in result.readings if r.unreadable} == {
        "heart_rate",
        "temperature_c",
    }


@pytest.mark.parametrize(
    ("text", "lang", "age", "sex"),
    [
        ("37 year old Male with cough for 3 days.", "en", 37, "male"),
        ("Mujer de 34 años con tos desde hace 3 días.", "es", 34, "female"),
        ("An 18-month-old girl with fever of 2 days' duration.", "en", 1.5, "female"),
    ],
)
def test_ages_and_durations_are_not_findings(read, text, lang, age, sex):
    result = read(text, lang)
    assert result.age.value == pytest.approx(age) and result.sex == sex
    assert set(states(result)) <= {COUGH, FEVER}


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Peptic ulcer disease in his mother. His father has diabetes.", "en"),
        ("Úlcera péptica en su madre. Padre con diabetes.", "es"),
        ("Family history: peptic ulcer, diabetes.", "en"),
        ("Antecedentes familiares: úlcera péptica, diabetes.", "es"),
    ],
)
def test_family_history_is_not_a_present_finding(read, text, lang):
    result = read(text, lang)
    assert not result.findings
    assert context(result) == {PEPTIC_ULCER: "family", DIABETES: "family"}


@pytest.mark.parametrize(
    ("text", "lang"),
    [("Her mother reports she has fever.", "en"), ("Su madre refiere que tiene fiebre.", "es")],
)
def test_a_relative_who_reports_is_not_family_history(read, text, lang):
    assert states(read(text, lang)) == {FEVER: True}


@pytest.mark.parametrize(
    ("text", "lang", "status"),
    [
        ("Pneumonia was ruled out.", "en", "absent"),
        ("Neumonía descartada.", "es", "absent"),
        ("Chest X-ray to rule out pneumonia.", "en", "hypothetical"),
        ("Radiografía para descartar neumonía.", "es", "hypothetical"),
        ("Return if pneumonia signs.", "en", "hypothetical"),
        ("History of pneumonia.", "en", "history"),
        ("Antecedentes de neumonía.", "es", "history"),
        ("Past medical history: pneumonia", "en", "history"),
    ],
)
def test_ruled_out_hypothetical_and_past_mentions(read, text, lang, status):
    result = read(text, lang)
    if status == "absent":
        assert states(result) == {PNEUMONIA: False}
    else:
        assert not result.findings and context(result) == {PNEUMONIA: status}


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("No fever, cough or dyspnea.", "en", {FEVER: False, COUGH: False, DYSPNEA: False}),
        ("Sin fiebre, tos ni disnea.", "es", {FEVER: False, COUGH: False, DYSPNEA: False}),
        ("Denies fever but reports cough.", "en", {FEVER: False, COUGH: True}),
        ("Niega fiebre, refiere tos.", "es", {FEVER: False, COUGH: True}),
        ("Cough without fever, headache.", "en", {COUGH: True, FEVER: False, HEADACHE: True}),
        ("Afebrile, non-productive cough.", "en", {FEVER: False, COUGH: True}),
    ],
)
def test_negation_scope(read, text, lang, expected):
    assert states(read(text, lang)) == expected


@pytest.mark.parametrize(("text", "lang"), [("Sin tos.", "es"), ("No cough.", "en")])
def test_a_note_contradicting_an_entered_finding_is_shown(read, text, lang):
    result = read(text, lang, {COUGH: True})
    (finding,) = result.findings
    assert finding.known == "contradicts" and not finding.present
    observed, excluded, warnings = result.evidence()
    assert observed == [] and excluded == [] and "entry" in warnings[0]


@pytest.mark.parametrize(
    ("text", "lang"), [("Fiebre alta desde ayer.", "es"), ("Fever since yesterday.", "en")]
)
def test_findings_already_listed_are_returned_flagged(read, text, lang):
    (finding,) = read(text, lang, {FEVER: True}).findings
    assert finding.term == FEVER and finding.known == "listed"


@pytest.mark.parametrize(("text", "lang"), [("Tos. ... Sin tos.", "es"), ("Cough. ... No cough.", "en")])
def test_contradictions_inside_a_note_are_conflicts(read, text, lang):
    result = read(text, lang)
    (finding,) = result.findings
    assert finding.conflict and [m.status for m in finding.mentions] == ["present", "absent"]
    observed, excluded, warnings = result.evidence()
    # neither state is used until the doctor resolves it (unless the chief complaint names it)
    assert observed == [] and excluded == [] and "left out" in warnings[0]


@pytest.mark.parametrize(
    ("text", "lang"), [("Tos productiva. Sin tos.", "es"), ("Productive cough. No cough.", "en")]
)
def test_a_kind_present_and_its_parent_absent_is_a_conflict(read, text, lang):
    result = read(text, lang)
    cough = next(f for f in result.findings if f.term == COUGH)
    assert cough.conflict and not cough.present and cough.implied_by
    observed, excluded, warnings = result.evidence()
    assert COUGH not in excluded and any("left out" in w for w in warnings)


@pytest.mark.parametrize(
    ("text", "lang"), [("Fiebre. Refiere fiebre.", "es"), ("Fever. Reports fever.", "en")]
)
def test_repeats_are_kept_as_mentions(read, text, lang):
    (finding,) = read(text, lang).findings
    assert finding.repeated and not finding.conflict and [m.text.lower() for m in finding.mentions][0]


@pytest.mark.parametrize(
    ("text", "lang"),
    [("No bloody nipple discharge. Purulent nipple discharge.", "en")],
)
def test_a_qualified_negation_is_not_a_conflict(read, text, lang):
    (finding,) = read(text, lang).findings
    assert finding.present and not finding.conflict


def test_sections_and_coordination(read):
    text = (
        "Chief complaint: abdominal pain.\nNo nausea or vomiting, no cold or heat intolerance, "
        "no abdominal pain or distension.\nPMH: asthma.\nFH: diabetes in his father."
    )
    result = read(text)
    found = states(result)
    assert found["HP:0003270"] is False  # abdominal distension, by "abdominal pain or distension"
    assert found["HP:6000855"] is False and found["HP:0002046"] is False  # cold and heat intolerance
    assert context(result) == {ASTHMA: "history", DIABETES: "family"}


def test_the_lay_vocabulary_and_note_phrases_are_compiled_into_the_kb(kb):
    assert len(kb.term_info["lay_phrases"]) > 500
    assert any(p[0] == "JVD" for p in kb.term_info["note_phrases"]["HP:0030848"])


def test_ingestion_uses_the_same_extractor_with_vitals(kb):
    found = {(f.term, f.present) for f in extract_findings(kb, "Varón de 60 años. Sin tos. FC 130.", "es")}
    assert (COUGH, False) in found and (TACHYCARDIA, True) in found


def test_cli_note_and_notes(kb_home, tmp_path, capsys):
    note = tmp_path / "note.txt"
    note.write_text("Mujer de 34 años. Dolor de garganta intenso, fiebre de 39. No tose.", encoding="utf-8")
    assert (
        main(
            [
                "--home",
                str(kb_home),
                "diagnose",
                "--note",
                f"@{note}",
                "--lang",
                "es",
                "--model",
                "literature",
                "--top",
                "3",
                "--explain",
                "0",
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "temperature_c = 39" in printed and "HP:0012735" in printed and "probability" in printed
    lines = tmp_path / "notes.jsonl"
    lines.write_text(
        json.dumps({"id": "a", "text": "No cough. FC 130, TA 85/50, SpO2 88%.", "age": 70})
        + "\n"
        + "not json\n"
        + json.dumps({"id": "b", "text": "Fiebre y tos.", "lang": "es", "context": "emergency"})
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    assert (
        main(
            [
                "--home",
                str(kb_home),
                "diagnose",
                "--notes",
                str(lines),
                "--model",
                "literature",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["case_id"] for r in records] == ["a", "b"]
    assert {"ranking", "other_probability", "model", "hpo_release", "extracted"} <= set(records[0])
    assert {TACHYCARDIA, HYPOTENSION, HYPOXEMIA} <= set(records[0]["evidence"]["present"])
    assert records[0]["evidence"]["absent"][:1] == [COUGH] and records[0]["evidence"]["age"] == 70
    assert records[1]["evidence"]["context"] == "emergency"
    assert "not JSON" in capsys.readouterr().err


def test_api_extract_flags_entered_findings(kb_home):
    from tests.test_web_api import _app

    client = _app(kb_home).test_client()
    body = client.post(
        "/api/v1/extract",
        json={
            "text": "Sin tos. Fiebre de 39. Antecedentes familiares: asma.",
            "lang": "es",
            "present": [COUGH],
        },
    ).get_json()
    found = {f["id"]: f for f in body["findings"]}
    assert found[COUGH]["known"] == "contradicts" and found[FEVER]["present"]
    assert body["vitals"] == {"temperature_c": 39.0}
    assert {v["id"] for v in body["vital_findings"]} == {FEVER}
    assert [(m["id"], m["status"]) for m in body["context"]] == [(ASTHMA, "family")]
    assert body["warnings"]
    bad = client.post("/api/v1/extract", json={"text": "x", "present": "HP:1"})
    assert bad.status_code == 400


CHRONIC_COUGH, PRODUCTIVE_COUGH, RECURRENT_FEVER = "HP:0034315", "HP:0031245", "HP:0001954"
DIARRHEA, CHRONIC_DIARRHEA, NAUSEA, VOMITING, SNEEZE = (
    "HP:0002014",
    "HP:0002028",
    "HP:0002018",
    "HP:0002013",
    "HP:0025095",
)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("She has a chronic productive cough.", "en", {CHRONIC_COUGH, PRODUCTIVE_COUGH}),
        ("Recurrent episodes of fever.", "en", {RECURRENT_FEVER}),
        ("Tos crónica productiva.", "es", {CHRONIC_COUGH, PRODUCTIVE_COUGH}),
        ("Episodios recurrentes de fiebre.", "es", {RECURRENT_FEVER}),
        ("Afebrile, non-productive cough.", "en", {COUGH}),
    ],
)
def test_a_qualifier_near_a_finding_names_the_more_specific_term(read, text, lang, expected):
    assert {t for t, present in states(read(text, lang)).items() if present} == expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("He presented with a 6-month history of watery diarrhea.", "en", {CHRONIC_DIARRHEA}),
        ("Diarrhea for two years.", "en", {CHRONIC_DIARRHEA}),
        ("Diarrhea for 3 days.", "en", {DIARRHEA}),
        ("Tos desde hace 3 meses.", "es", {CHRONIC_COUGH}),
        ("Mujer de 34 años con tos desde hace 3 días.", "es", {COUGH}),  # the age is not a duration
        ("A 70 year old man with cough for 2 days.", "en", {COUGH}),
    ],
)
def test_a_long_duration_names_the_chronic_finding(read, text, lang, expected):
    assert {t for t, present in states(read(text, lang)).items() if present} == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [("He has nausea and vomiting.", "en"), ("Patient c/o N/V.", "en"), ("Tiene náuseas y vómitos.", "es")],
)
def test_a_term_joining_two_findings_is_read_as_both(read, text, lang):
    assert states(read(text, lang)) == {NAUSEA: True, VOMITING: True}


@pytest.mark.parametrize(
    ("text", "lang", "triggers"),
    [
        ("Chest pain on coughing and sneezing.", "en", {COUGH, SNEEZE}),
        ("Headache, more frequent with coughing or laughing or sneezing.", "en", {COUGH, SNEEZE}),
        ("The pain increases in intensity when straining and coughing.", "en", {COUGH}),
        ("Dolor torácico al toser.", "es", {COUGH}),
    ],
)
def test_an_action_that_brings_a_complaint_on_is_a_trigger(read, text, lang, triggers):
    result = read(text, lang)
    assert not triggers & set(states(result))
    assert {t for t, status in context(result).items() if status == "trigger"} == triggers


@pytest.mark.parametrize(
    ("text", "lang"), [("He presented with coughing and fever.", "en"), ("Tose y tiene fiebre.", "es")]
)
def test_an_action_that_is_the_complaint_is_a_finding(read, text, lang):
    assert states(read(text, lang)) == {COUGH: True, FEVER: True}


KNEE_PAIN, ANKLE_PAIN, LEG_PAIN, JOINT_SWELLING = "HP:0030839", "HP:0030840", "HP:0012514", "HP:0001386"


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Her ankle is painful.", "en", {ANKLE_PAIN}),
        ("His leg feels heavy and painful.", "en", {LEG_PAIN}),
        ("The knee is swollen.", "en", {JOINT_SWELLING}),
        ("La rodilla está dolorida.", "es", {KNEE_PAIN}),
        ("The abdomen is soft.", "en", set()),
    ],
)
def test_a_site_said_to_be_painful_or_swollen(read, text, lang, expected):
    assert {t for t, present in states(read(text, lang)).items() if present} == expected


HEMOPTYSIS, SCIATICA, RAYNAUD, SKIN_ULCER = "HP:0002105", "HP:0011868", "HP:0030880", "HP:0200042"
SLEEP_PARALYSIS, SCLERODACTYLY, LOW_BACK_PAIN = "HP:5200353", "HP:0011838", "HP:0003419"


@pytest.mark.parametrize(
    ("text", "lang", "term"),
    [
        ("Yellow sputum, sometimes blood-tinged.", "en", HEMOPTYSIS),
        ("Esputo con sangre.", "es", HEMOPTYSIS),
        ("Low back pain radiating down the left leg.", "en", SCIATICA),
        ("Lumbalgia irradiada a la pierna derecha.", "es", SCIATICA),
        ("Her fingers turn white then blue in the cold.", "en", RAYNAUD),
        ("Los dedos se ponen blancos con el frío.", "es", RAYNAUD),
        ("The skin on her fingers feels tight.", "en", SCLERODACTYLY),
        ("He is unable to move upon waking.", "en", SLEEP_PARALYSIS),
        ("No puede moverse al despertar.", "es", SLEEP_PARALYSIS),
        ("Large ulcer on his right lower leg.", "en", SKIN_ULCER),
        ("Úlcera en la pierna izquierda.", "es", SKIN_ULCER),
        ("Aches and pains that originate in the lower back.", "en", LOW_BACK_PAIN),
    ],
)
def test_more_findings_described_rather_than_named(read, text, lang, term):
    assert states(read(text, lang)).get(term) is True


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Patient c/o CP and SOB. HA.", "en", {CHEST_PAIN, DYSPNEA, HEADACHE}),
        ("She has cp.", "en", set()),  # an abbreviation only in capitals
        ("Complaining of hotness, off food, threw up twice.", "en", {FEVER, "HP:0004396", VOMITING}),
        ("Fiebre de bajo grado, se ahoga al caminar.", "es", {"HP:0011134", DYSPNEA, "HP:0002875"}),
    ],
)
def test_clinical_abbreviations_and_lay_words(read, text, lang, expected):
    assert {t for t, present in states(read(text, lang)).items() if present} == expected


GERD, IRON_ANEMIA, SINUSITIS, OTITIS, LOC, VERTIGO = (
    "HP:0002020",
    "HP:0001891",
    "HP:0000246",
    "HP:0000388",
    "HP:0007185",
    "HP:0002321",
)


@pytest.mark.parametrize(
    ("text", "lang", "term", "status"),
    [
        ("The symptoms do not improve with heartburn medication.", "en", GERD, "history"),
        (
            "A colonoscopy was performed to investigate iron-deficiency anemia.",
            "en",
            IRON_ANEMIA,
            "hypothetical",
        ),
        ("Before the onset of his symptoms, he was having sinusitis.", "en", SINUSITIS, "history"),
        ("Antes del inicio de los síntomas tenía otitis media.", "es", OTITIS, "history"),
        ("Itchy arms. No other skin rashes.", "en", RASH, "hypothetical"),
    ],
)
def test_treated_investigated_earlier_and_other_mentions_are_not_findings(read, text, lang, term, status):
    result = read(text, lang)
    assert term not in states(result)
    assert context(result)[term] == status


@pytest.mark.parametrize(
    ("text", "lang", "absent"),
    [
        ("No palpitation or dyspnea, No LOC, headache or dizziness.", "en", {LOC, HEADACHE, VERTIGO}),
        ("Sin fiebre, sin tos, cefalea ni mareo.", "es", {FEVER, COUGH, HEADACHE, VERTIGO}),
    ],
)
def test_a_negation_in_a_list_of_negatives_reaches_over_commas(read, text, lang, absent):
    found = states(read(text, lang))
    assert {t for t in absent if found.get(t) is False} == absent


def test_a_negation_after_a_finding_keeps_to_its_clause(read):
    assert states(read("Cough, no fever, headache and myalgia.")) == {
        COUGH: True,
        FEVER: False,
        HEADACHE: True,
        "HP:0003326": True,
    }


FREQUENCY, DYSURIA, NIGHT_SWEATS, CONCENTRATION, SOMNOLENCE = (
    "HP:0100515",
    "HP:0100518",
    "HP:0030166",
    "HP:0031987",
    "HP:0001262",
)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("His urination becomes more frequent and painful.", "en", {FREQUENCY, DYSURIA}),
        ("Orina más a menudo y le arde al orinar.", "es", {FREQUENCY, DYSURIA}),
        ("Burning when urinating.", "en", {DYSURIA}),
        ("His concentration became less than usual.", "en", {CONCENTRATION}),
        ("Le cuesta concentrarse.", "es", {CONCENTRATION}),
        ("Suda por la noche.", "es", {NIGHT_SWEATS}),
        ("Somnolencia diurna.", "es", {SOMNOLENCE}),
        ("The headaches increased in frequency.", "en", {HEADACHE}),
    ],
)
def test_described_urinary_sleep_and_concentration_findings(read, text, lang, expected):
    assert expected <= {t for t, present in states(read(text, lang)).items() if present}
    if lang == "en" and "frequency" in text:
        assert FREQUENCY not in states(read(text, lang))


@pytest.mark.parametrize(
    ("text", "lang", "term"),
    [
        ("Haematuria and anaemia.", "en", "HP:0000790"),
        ("Bloody diarrhoea.", "en", "HP:0025085"),
        ("Oedema.", "en", "HP:0000969"),
        ("Head ache since morning.", "en", HEADACHE),
        ("Nose bleed this morning.", "en", "HP:0000421"),
        ("Hives on both arms.", "en", "HP:0001025"),
        ("Pain in the abdomen.", "en", "HP:0002027"),
        ("Bleeding from the gums.", "en", "HP:0000225"),
        ("Dolor en el abdomen.", "es", "HP:0002027"),
        ("Sangrado por la nariz.", "es", "HP:0000421"),
        ("Opresión en el pecho.", "es", CHEST_PAIN),
    ],
)
def test_spellings_compounds_and_site_phrasings(read, text, lang, term):
    assert states(read(text, lang)).get(term) is True


def test_hives_is_not_hiv(read):
    assert "HP:0001025" not in states(read("HIV positive."))
