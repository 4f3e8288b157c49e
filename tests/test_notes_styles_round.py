"""Issue 12, styles round (2026-11-28): general misreadings found on 112 vignettes written in many styles and
annotated for the round (benchmarks/data/notes_styles.jsonl), each in English and Spanish: findings
described in plain words (a racing heart, feeling faint, thirst, weight that cannot be borne, blurry vision,
pink urine, yellow sclerae, enlarged nodes, a heavy period, food that sticks, tiny red dots, green sputum, a
blocked nose, puffy lids, breathing that stops in sleep, a sore tongue, Romberg, vibration sense, salt
craving, odd tastes), a phrase and a pattern read as one mention, a bitten tongue that is no skin wound; and
risk factors: an injury told as it happened, a contact with the same illness, a body-mass index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.note_results import observed

PALPITATIONS, PRESYNCOPE, POLYDIPSIA = "HP:0001962", "HP:0031972", "HP:0001959"
CANNOT_WALK, BLURRED_VISION, HEMATURIA = "HP:0002540", "HP:0000622", "HP:0000790"
ICTERUS, LYMPHADENOPATHY, MENORRHAGIA = "HP:0032106", "HP:0002716", "HP:0000132"
DYSPHAGIA, PETECHIAE, PURULENT_SPUTUM = "HP:0002015", "HP:0000967", "HP:0034777"
NASAL_CONGESTION, PALPEBRAL_EDEMA, SLEEP_APNEA = "HP:0001742", "HP:0100540", "HP:0010535"
TONGUE_PAIN, ROMBERG, VIBRATION = "HP:0030811", "HP:0002403", "HP:0002495"
SALT_CRAVING, PARAGEUSIA, LACERATION = "HP:0030083", "HP:0031249", "HP:6001125"
PURULENT_RHINITIS, FALLS = "HP:0040334", "HP:0002527"
HEMIPARESIS, TETRAPARESIS, HAND_PARESTHESIA, ERYTHEMA = "HP:0001269", "HP:0002273", "HP:0033660", "HP:0010783"


@pytest.mark.parametrize(
    ("text", "lang", "term"),
    [
        ("Her heart races when she climbs the stairs.", "en", PALPITATIONS),
        ("Nota que se le acelera el corazón al subir escaleras.", "es", PALPITATIONS),
        ("She feels faint when she stands up.", "en", PRESYNCOPE),
        ("Tiene sensación de desmayo al levantarse.", "es", PRESYNCOPE),
        ("He is very thirsty all day.", "en", POLYDIPSIA),
        ("Tiene mucha sed todo el día.", "es", POLYDIPSIA),
        ("She cannot bear weight on the right leg.", "en", CANNOT_WALK),
        ("No puede apoyar el pie derecho.", "es", CANNOT_WALK),
        ("His vision has gone blurry.", "en", BLURRED_VISION),
        ("Refiere que la vista se le ha puesto borrosa.", "es", BLURRED_VISION),
        ("His urine looked pinkish once.", "en", HEMATURIA),
        ("Hoy la orina ha salido rojiza.", "es", HEMATURIA),
        ("On exam the sclerae are yellow.", "en", ICTERUS),
        ("Escleras amarillentas.", "es", ICTERUS),
        ("Enlarged lymph nodes in both axillae.", "en", LYMPHADENOPATHY),
        ("Ganglios aumentados en ambas axilas.", "es", LYMPHADENOPATHY),
        ("Her last period was heavier than usual.", "en", MENORRHAGIA),
        ("La última regla fue más abundante de lo habitual.", "es", MENORRHAGIA),
        ("She feels food stick in the middle of the chest.", "en", DYSPHAGIA),
        ("Dice que se le atasca la comida en el pecho.", "es", DYSPHAGIA),
        ("Tiny red dots on both shins.", "en", PETECHIAE),
        ("Manchitas rojas puntiformes en las axilas.", "es", PETECHIAE),
        ("More phlegm than usual, thick and green.", "en", PURULENT_SPUTUM),
        ("Flemas verdosas desde hace dos días.", "es", PURULENT_SPUTUM),
        ("Sneezing and a runny, blocked nose.", "en", NASAL_CONGESTION),
        ("Estornudos y la nariz tapada.", "es", NASAL_CONGESTION),
        ("The lids are puffy in the mornings.", "en", PALPEBRAL_EDEMA),
        ("Los párpados están hinchados por la mañana.", "es", PALPEBRAL_EDEMA),
        ("He snores, then stops breathing in his sleep.", "en", SLEEP_APNEA),
        ("Su mujer dice que ronca y deja de respirar durmiendo.", "es", SLEEP_APNEA),
        ("Her tongue is sore and red.", "en", TONGUE_PAIN),
        ("La lengua le escuece.", "es", TONGUE_PAIN),
        ("Romberg positive, reduced vibration sense in the feet.", "en", ROMBERG),
        ("Romberg positivo.", "es", ROMBERG),
        ("On examination vibration sense reduced.", "en", VIBRATION),
        ("Exploración: sensibilidad vibratoria disminuida.", "es", VIBRATION),
        ("She craves salt.", "en", SALT_CRAVING),
        ("Tiene muchas ganas de comer cosas saladas.", "es", SALT_CRAVING),
        ("Food tastes odd since yesterday.", "en", PARAGEUSIA),
        ("Dice que la comida le sabe rara.", "es", PARAGEUSIA),
        ("A 4 cm laceration on the forearm.", "en", LACERATION),
        ("Herida incisa de 5 cm en la pierna.", "es", LACERATION),
        ("Vomiting x2 and L arm/leg weakness.", "en", HEMIPARESIS),
        ("Debilidad en brazo y pierna izquierdos.", "es", HEMIPARESIS),
        ("Weakness of arms and legs after the dive.", "en", TETRAPARESIS),
        ("Debilidad en las cuatro extremidades.", "es", TETRAPARESIS),
        ("Tingling in the fingertips too.", "en", HAND_PARESTHESIA),
        ("Hormigueos en las manos a ratos.", "es", HAND_PARESTHESIA),
        ("Now the area around it is red, hot and swollen.", "en", ERYTHEMA),
        ("La piel de alrededor está roja y caliente.", "es", ERYTHEMA),
    ],
)
def test_a_finding_described_in_plain_words_is_read(read, text, lang, term):
    assert term in observed(read(text, lang))


@pytest.mark.parametrize(
    ("text", "lang", "term"),
    [
        ("Lateral tongue laceration after the seizure.", "en", LACERATION),
        ("Sputum is thick and green.", "en", PURULENT_RHINITIS),
        ("Non-tender lymph nodes.", "en", LYMPHADENOPATHY),
        ("Chief complaint: Wrist pain after fall.", "en", FALLS),
        ("Motivo de consulta: dolor de muñeca tras caída.", "es", FALLS),
        ("Dolor en brazo y pierna derecha.", "es", HEMIPARESIS),
    ],
)
def test_what_is_not_the_finding_is_not_read(read, text, lang, term):
    assert term not in observed(read(text, lang))


@pytest.mark.parametrize(("text", "lang"), [("Esputo verdoso.", "es"), ("Yellow sclerae.", "en")])
def test_a_phrase_and_a_pattern_over_the_same_words_are_one_mention(read, text, lang):
    result = read(text, lang)
    assert len([m for m in result.mentions if m.present]) == 1, result.mentions


@pytest.mark.parametrize(
    ("text", "lang", "factors"),
    [
        ("Rolled her L ankle at basketball. No previous ankle injury.", "en", {"recent_trauma": True}),
        ("Se cortó la espinilla con una chapa. No otros golpes.", "es", {"recent_trauma": True}),
        ("Glass broke in his hand and sliced his forearm. No other injuries.", "en", {"recent_trauma": True}),
        ("Girlfriend had exactly the same 2 days ago.", "en", {"sick_contact": True}),
        ("Two kids in her class were off with strep throat last week.", "en", {"sick_contact": True}),
        ("Su hermano tuvo lo mismo la semana pasada.", "es", {"sick_contact": True}),
        ("Type 2 diabetes, BMI 34.", "en", {"obesity": True}),
        ("IMC de 31,5.", "es", {"obesity": True}),
        ("BMI 22.", "en", {"obesity": False}),
    ],
)
def test_the_note_reads_these_risk_factors(read, text, lang, factors):
    got = read(text, lang).risk_factors
    assert {k: got.get(k) for k in factors} == factors, got


STYLES = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "notes_styles.jsonl"
RISK_GOLD = STYLES.with_name("notes_risk.jsonl")


def test_the_styles_sample_is_well_formed(kb):
    rows = [json.loads(line) for line in STYLES.read_text(encoding="utf-8").splitlines()]
    ids = [r["id"] for r in rows]
    assert len(rows) == 112 and len(set(ids)) == 112
    assert {r["lang"] for r in rows} == {"en", "es"}
    for r in rows:
        terms = r["present"] + r["absent"] + r["history"] + r["family_history"]
        assert all(t in kb.term_index for t in terms), r["id"]
        assert not set(r["present"]) & set(r["absent"]), r["id"]
        assert r["onset"] in (None, "sudden", "gradual") and r["sex"] in ("female", "male")
    factors = set(kb.term_info["risk_factors"])
    risk = {g["id"]: g for g in map(json.loads, RISK_GOLD.read_text(encoding="utf-8").splitlines())}
    for r in rows:
        assert set(risk[r["id"]]["present"]) | set(risk[r["id"]]["absent"]) <= factors, r["id"]


def test_the_course_benchmark_reads_the_styles_sample(kb_home):
    script = STYLES.parents[1] / "notes_course.py"
    env = {**os.environ, "DXGRAPH_HOME": str(kb_home)}
    done = subprocess.run(
        [sys.executable, str(script), "--samples", "styles"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    row = done.stdout.splitlines()[-1].split()
    assert row[:3] == ["styles", "112", "112"] and 0.5 < float(row[3]) <= 1.0, done.stdout
