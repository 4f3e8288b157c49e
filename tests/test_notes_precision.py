"""Issue 12, precision round (2026-11-28): false-positive kinds of the note extractor, each in English and
Spanish: a contradiction not in the chief complaint is left out, a finding asked about, feared or named
inside a disease's name is not stated, "used to" is past history, a property denied in a list of negatives
leaves its finding stated, a described finding replaces its head's own reading and is a circumstance inside
a "when" clause after another finding, the complaint a treatment was started for is treated history; and
the phrasings added (presyncope, paroxysmal vertigo, adjectives, effort)."""

from __future__ import annotations

import pytest

from tests.note_results import excluded, observed, status

COUGH, DIARRHEA, FEVER, ABDOMINAL_PAIN = "HP:0012735", "HP:0002014", "HP:0001945", "HP:0002027"
CHEST_PAIN, HEMATOCHEZIA, NEOPLASM, MIGRAINE = "HP:0100749", "HP:0002573", "HP:0002664", "HP:0002076"
IRRITABILITY, RESTLESS_LEGS, NIGHT_SWEATS, HYPERHIDROSIS = (
    "HP:0000737",
    "HP:0012452",
    "HP:0030166",
    "HP:0000975",
)
FATIGUE, ORTHOPNEA, DROOLING, INCONTINENCE = "HP:0012378", "HP:0012764", "HP:0002307", "HP:0000020"
LOW_BACK_PAIN, SCIATICA, NOCTURIA, SYNCOPE = "HP:0003419", "HP:0011868", "HP:0000017", "HP:0001279"
DYSURIA, POLLAKISURIA, PRESYNCOPE, PAROXYSMAL_VERTIGO = "HP:0100518", "HP:0100515", "HP:0031972", "HP:0010532"
ANURIA, ANEMIA, EXERTIONAL_DYSPNEA = "HP:0100519", "HP:0001903", "HP:0002875"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("She has had mild diarrheal episodes.\nNo fever, No diarrhea or constipation.", "en"),
        ("Ha tenido diarrea leve.\nSin fiebre, sin diarrea ni estreñimiento.", "es"),
    ],
)
def test_a_contradiction_outside_the_chief_complaint_is_left_out(read, text, lang):
    result = read(text, lang)
    (finding,) = [f for f in result.findings if f.term == DIARRHEA]
    assert finding.conflict and DIARRHEA not in observed(result) and DIARRHEA not in excluded(result)
    assert any("left out" in w for w in result.evidence()[2])


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Chief complaint: Cough.\nShe has a cough since Monday.\nNo fever, No cough.", "en"),
        ("Motivo de consulta: tos.\nTiene tos desde el lunes.\nSin fiebre, sin tos.", "es"),
    ],
)
def test_the_chief_complaint_wins_a_contradiction(read, text, lang):
    result = read(text, lang)
    assert COUGH in observed(result) and FEVER in excluded(result)
    assert next(m for m in result.mentions if m.term == COUGH).section == "complaint"


@pytest.mark.parametrize(
    ("text", "lang"),
    [("Chief complaint: Cough.\nShe has fever.", "en"), ("Motivo de consulta: tos.\nTiene fiebre.", "es")],
)
def test_the_chief_complaint_holds_for_its_line_only(read, text, lang):
    result = read(text, lang)
    assert {m.term: m.section for m in result.mentions} == {COUGH: "complaint", FEVER: "current"}


@pytest.mark.parametrize(
    ("text", "lang", "term"),
    [
        ("Does she have fever?", "en", FEVER),
        ("Any chest pain?", "en", CHEST_PAIN),
        ("Is there any blood in the stool?", "en", HEMATOCHEZIA),
        ("¿Tiene fiebre?", "es", FEVER),
        ("¿Dolor torácico?", "es", CHEST_PAIN),
    ],
)
def test_a_finding_asked_about_is_not_stated(read, text, lang, term):
    result = read(text, lang)
    assert status(result, term) == "hypothetical" and not observed(result)


@pytest.mark.parametrize(
    ("text", "lang", "present"),
    [("Fever? No.", "en", False), ("Fever? Yes.", "en", True), ("¿Fiebre? No.", "es", False)],
)
def test_a_question_answered_is_read_by_its_answer(read, text, lang, present):
    result = read(text, lang)
    assert (FEVER in observed(result)) is present and (FEVER in excluded(result)) is not present


@pytest.mark.parametrize(
    ("text", "lang"),
    [("He is worried about cancer.", "en"), ("Está preocupada por un cáncer.", "es")],
)
def test_a_finding_feared_is_not_stated(read, text, lang):
    result = read(text, lang)
    assert status(result, NEOPLASM) == "hypothetical" and not observed(result)


@pytest.mark.parametrize(
    ("text", "lang"),
    [("She used to have migraines as a teenager.", "en"), ("Solía tener migrañas.", "es")],
)
def test_used_to_is_past_history(read, text, lang):
    assert status(read(text, lang), MIGRAINE) == "history"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Patient with irritable bowel syndrome presents with abdominal pain.", "en"),
        ("Paciente con síndrome del intestino irritable y dolor abdominal.", "es"),
    ],
)
def test_a_finding_inside_a_disease_name_is_the_diagnosis(read, text, lang):
    result = read(text, lang)
    assert status(result, IRRITABILITY) == "diagnosis" and observed(result) == {ABDOMINAL_PAIN}


@pytest.mark.parametrize(
    ("text", "lang"),
    [("Restless legs syndrome.", "en"), ("Patient with Crohn disease and abdominal pain.", "en")],
)
def test_a_disease_word_right_after_or_apart_does_not_hide_a_finding(read, text, lang):
    assert observed(read(text, lang)) & {RESTLESS_LEGS, ABDOMINAL_PAIN}


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("No fever, abdominal pain is not radiated.", "en"),
        ("Sin fiebre, el dolor abdominal no se irradia.", "es"),
    ],
)
def test_a_property_denied_in_a_list_of_negatives_leaves_the_finding_stated(read, text, lang):
    result = read(text, lang)
    assert ABDOMINAL_PAIN in observed(result) and FEVER in excluded(result)


@pytest.mark.parametrize(
    ("text", "lang"),
    [("No nausea, abdominal pain not reported.", "en"), ("No fever, abdominal pain is not present.", "en")],
)
def test_a_finding_said_not_there_in_a_list_is_still_absent(read, text, lang):
    assert ABDOMINAL_PAIN in excluded(read(text, lang))


@pytest.mark.parametrize(
    ("text", "lang", "term", "not_term"),
    [
        ("Sweating episodes at night.", "en", NIGHT_SWEATS, HYPERHIDROSIS),
        ("Sudoración por la noche.", "es", NIGHT_SWEATS, HYPERHIDROSIS),
        ("Fatiga al respirar tumbado.", "es", ORTHOPNEA, FATIGUE),
        ("Continuous urinary leakage or dribbling.", "en", INCONTINENCE, DROOLING),
        ("Goteo de orina continuo.", "es", INCONTINENCE, DROOLING),
    ],
)
def test_a_described_finding_replaces_its_heads_reading(read, text, lang, term, not_term):
    found = observed(read(text, lang))
    assert term in found and not_term not in found


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Low back pain radiating down the left leg.", "en"),
        ("Lumbalgia irradiada a la pierna izquierda.", "es"),
    ],
)
def test_a_described_pain_keeps_its_own_reading(read, text, lang):
    assert {LOW_BACK_PAIN, SCIATICA} <= observed(read(text, lang))


def test_dribbling_alone_is_still_drooling(read):
    assert DROOLING in observed(read("The baby is dribbling."))


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("He had a syncopal episode when he got up at night to pass urine.", "en"),
        ("Se desmayó cuando se levantó por la noche a orinar.", "es"),
    ],
)
def test_a_described_finding_in_a_when_clause_after_another_is_its_circumstance(read, text, lang):
    result = read(text, lang)
    assert observed(result) == {SYNCOPE} and status(result, NOCTURIA) == "trigger"


@pytest.mark.parametrize(
    ("text", "lang", "term"),
    [
        ("He gets up at night to pass urine.", "en", NOCTURIA),
        ("Se levanta por la noche a orinar.", "es", NOCTURIA),
        ("She has fever and it burns when she urinates.", "en", DYSURIA),
        ("She has fever and pain when she passes urine.", "en", DYSURIA),
    ],
)
def test_a_described_finding_stays_when_it_is_not_a_circumstance(read, text, lang, term):
    assert term in observed(read(text, lang))


@pytest.mark.parametrize(
    ("text", "lang", "term"),
    [
        ("He was started on tamsulosin after complaining of urinary frequency.", "en", POLLAKISURIA),
        ("Le pautaron tamsulosina tras consultar por polaquiuria.", "es", POLLAKISURIA),
    ],
)
def test_the_complaint_a_treatment_was_started_for_is_treated_history(read, text, lang, term):
    result = read(text, lang)
    assert status(result, term) == "history" and not observed(result)


def test_a_complaint_without_a_treatment_is_current(read):
    assert CHEST_PAIN in observed(read("He came after complaining of chest pain."))


@pytest.mark.parametrize(
    ("text", "lang", "term"),
    [
        ("She nearly fainted.", "en", PRESYNCOPE),
        ("He almost passed out.", "en", PRESYNCOPE),
        ("Casi se desmaya.", "es", PRESYNCOPE),
        ("Vertigo attacks several times a month.", "en", PAROXYSMAL_VERTIGO),
        ("Crisis de vértigo.", "es", PAROXYSMAL_VERTIGO),
        ("He became anuric.", "en", ANURIA),
        ("Está anémica.", "es", ANEMIA),
        ("She became dyspneic just by doing simple daily activities.", "en", EXERTIONAL_DYSPNEA),
        ("Disnea con las actividades diarias.", "es", EXERTIONAL_DYSPNEA),
    ],
)
def test_phrasings_added(read, text, lang, term):
    found = observed(read(text, lang))
    assert term in found and (term != PRESYNCOPE or SYNCOPE not in found)


WEIGHT_LOSS, MYOCARDIAL_INFARCTION, HYPERTENSION, DIABETES = (
    "HP:0001824",
    "HP:0001658",
    "HP:0000822",
    "HP:0000819",
)
HEARING, SKIN_RASH, ARTHRALGIA, POOR_APPETITE = "HP:0000364", "HP:0000988", "HP:0002829", "HP:0004396"
NAUSEA, HOT_FLASHES = "HP:0002018", "HP:0031217"


@pytest.mark.parametrize(
    ("text", "lang", "term"),
    [
        ("He wants to lose weight.", "en", WEIGHT_LOSS),
        ("The pain is like a heart attack.", "en", MYOCARDIAL_INFARCTION),
        ("El dolor es como un infarto.", "es", MYOCARDIAL_INFARCTION),
    ],
)
def test_a_finding_wished_for_or_compared_with_is_not_stated(read, text, lang, term):
    result = read(text, lang)
    assert status(result, term) == "hypothetical" and not observed(result)


@pytest.mark.parametrize(
    ("text", "lang", "term"),
    [
        ("He came for follow up of his hypertension.", "en", HYPERTENSION),
        ("Acude a revisión de su hipertensión.", "es", HYPERTENSION),
        ("His diabetes is well controlled.", "en", DIABETES),
        ("Diabetes mal controlada.", "es", DIABETES),
        ("He had similar symptoms of chest pain before.", "en", CHEST_PAIN),
        ("Ya había tenido dolor torácico antes.", "es", CHEST_PAIN),
    ],
)
def test_a_known_or_earlier_condition_is_past_history(read, text, lang, term):
    result = read(text, lang)
    assert status(result, term) == "history" and not observed(result)


@pytest.mark.parametrize(
    ("text", "lang"),
    [("He has chest pain before meals.", "en"), ("Dolor torácico antes de las comidas.", "es")],
)
def test_before_followed_by_its_object_is_not_past(read, text, lang):
    assert CHEST_PAIN in observed(read(text, lang))


@pytest.mark.parametrize(
    ("text", "lang", "term"),
    [
        ("No hearing problems in the other ear.", "en", HEARING),
        ("No rash elsewhere.", "en", SKIN_RASH),
        ("Sin dolor articular en otras articulaciones.", "es", ARTHRALGIA),
    ],
)
def test_a_finding_denied_at_other_sites_is_not_absent_here(read, text, lang, term):
    result = read(text, lang)
    assert status(result, term) == "elsewhere" and term not in excluded(result)


@pytest.mark.parametrize(
    ("text", "lang", "term"),
    [
        ("She lost her apatite.", "en", POOR_APPETITE),
        ("He felt noxious and dizzy.", "en", NAUSEA),
        ("Episodes of feeling extremely hot.", "en", HOT_FLASHES),
        ("Tiene oleadas de calor.", "es", HOT_FLASHES),
        (
            "He finds it difficult to walk longer distances, as he becomes short of breath.",
            "en",
            EXERTIONAL_DYSPNEA,
        ),
    ],
)
def test_misspellings_that_are_other_words_and_written_phrasings(read, text, lang, term):
    assert term in observed(read(text, lang))


ABDOMINAL_COLIC = "HP:0011848"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("He is not sure if he had a fever.", "en"),
        ("She thinks she might have had a fever.", "en"),
        ("No sabe si ha tenido fiebre.", "es"),
    ],
)
def test_a_verb_of_having_after_an_uncertainty_cue_keeps_it(read, text, lang):
    result = read(text, lang)
    assert status(result, FEVER) == "hypothetical" and not observed(result)


@pytest.mark.parametrize(
    ("text", "lang"),
    [("Possible pneumonia but he has fever.", "en"), ("Posible neumonía, pero tiene fiebre.", "es")],
)
def test_an_uncertainty_cue_still_ends_at_but(read, text, lang):
    assert FEVER in observed(read(text, lang))


@pytest.mark.parametrize(
    ("text", "lang"),
    [("Generalized colicky abdominal pain.", "en"), ("Dolor abdominal tipo cólico.", "es")],
)
def test_colicky_abdominal_pain_is_abdominal_colic(read, text, lang):
    assert ABDOMINAL_COLIC in observed(read(text, lang))


PAINFUL_DEFECATION, TENESMUS, ENURESIS, FAILURE_TO_THRIVE = (
    "HP:6000222",
    "HP:0012702",
    "HP:0000805",
    "HP:0001508",
)
MUSCLE_SPASM, URINARY_ODOR = "HP:0003394", "HP:0012088"


@pytest.mark.parametrize(
    ("text", "lang", "term"),
    [
        ("She has pain on passing stool.", "en", PAINFUL_DEFECATION),
        ("Dolor al hacer de vientre.", "es", PAINFUL_DEFECATION),
        ("She has a feeling of incomplete evacuation.", "en", TENESMUS),
        ("Sensación de evacuación incompleta.", "es", TENESMUS),
        ("She has been wetting the bed.", "en", ENURESIS),
        ("El niño moja la cama.", "es", ENURESIS),
        ("The child is not gaining weight.", "en", FAILURE_TO_THRIVE),
        ("El niño no gana peso.", "es", FAILURE_TO_THRIVE),
        ("She has cramps in her legs at night.", "en", MUSCLE_SPASM),
        ("Calambres en las piernas por la noche.", "es", MUSCLE_SPASM),
        ("His urine smells bad.", "en", URINARY_ODOR),
        ("Orina maloliente.", "es", URINARY_ODOR),
    ],
)
def test_complaints_written_as_patients_put_them(read, text, lang, term):
    assert term in observed(read(text, lang))


PRURITUS, VAGINAL_PRURITUS, DECREASED_LIBIDO, DECREASED_FEMALE_LIBIDO = (
    "HP:0000989",
    "HP:0030161",
    "HP:0046504",
    "HP:0030018",
)


@pytest.mark.parametrize(
    ("text", "lang"),
    [("No vaginal discharge or itching.", "en"), ("Sin flujo vaginal ni picor.", "es")],
)
def test_a_coordinated_site_narrows_a_finding_named_alone(read, text, lang):
    found = excluded(read(text, lang))
    assert VAGINAL_PRURITUS in found and PRURITUS not in found


def test_a_coordinated_phrase_that_is_no_kind_leaves_the_finding(read):
    assert {PRURITUS} <= observed(read("Skin rash and itching."))


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("32 year old female. Decreased libido.", "en"),
        ("Mujer de 30 años con disminución de la libido.", "es"),
    ],
)
def test_a_term_with_a_kind_for_the_patients_sex_is_read_as_that_kind(read, text, lang):
    assert DECREASED_FEMALE_LIBIDO in observed(read(text, lang))


def test_without_a_sex_the_term_stays(read):
    assert DECREASED_LIBIDO in observed(read("Decreased libido."))


ERYTHEMATOUS_MACULE = "HP:0025475"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The lesions began as small erythematous macules that progressed to ulcers.", "en"),
        ("Las lesiones comenzaron como máculas eritematosas.", "es"),
    ],
)
def test_what_a_lesion_began_as_is_an_earlier_stage(read, text, lang):
    result = read(text, lang)
    assert status(result, ERYTHEMATOUS_MACULE) == "history" and not observed(result)


OCULAR_PRURITUS = "HP:0033841"


@pytest.mark.parametrize(
    ("text", "lang", "term"),
    [
        ("No itching in the eye.", "en", OCULAR_PRURITUS),
        ("Picor en los ojos.", "es", OCULAR_PRURITUS),
        ("No vaginal itchiness.", "en", VAGINAL_PRURITUS),
    ],
)
def test_itching_takes_its_site(read, text, lang, term):
    result = read(text, lang)
    assert term in observed(result) | excluded(result) and PRURITUS not in observed(result) | excluded(result)


ASTHMA, ALCOHOL, HEARING, RASH = "HP:0002099", "HP:5200329", "HP:0000365", "HP:0000988"
DEPRESSION = "HP:0000716"


@pytest.mark.parametrize(
    ("text", "lang", "term"),
    [
        ("His father is a heavy drinker.", "en", ALCOHOL),
        ("His mother is asthmatic.", "en", ASTHMA),
        ("The patient's father is deaf.", "en", HEARING),
        ("Su madre es asmática.", "es", ASTHMA),
        ("Su madre está deprimida.", "es", DEPRESSION),
    ],
)
def test_what_a_relative_is_is_family_history(read, text, lang, term):
    """A relative with a linking verb ("is", "es") describes the relative, as "has" / "tiene" does."""
    result = read(text, lang)
    assert status(result, term) == "family" and term not in observed(result)


@pytest.mark.parametrize(
    ("text", "lang", "term"),
    [
        ("Her mother is a nurse who noticed a rash on her arm.", "en", RASH),
        ("His mother is worried because he has a fever.", "en", FEVER),
        ("The mother is with him, and he has had a fever.", "en", FEVER),
        ("Su madre está preocupada porque tiene fiebre.", "es", FEVER),
        ("Su madre es enfermera y le notó una erupción en el brazo.", "es", RASH),
        ("She is asthmatic.", "en", ASTHMA),
    ],
)
def test_the_patients_finding_after_a_relative_who_is_someone_stays_the_patients(read, text, lang, term):
    """The linking verb reaches a few words of its clause only; a worried or reporting relative is no cue."""
    assert term in observed(read(text, lang))
