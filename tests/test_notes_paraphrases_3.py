"""Issue 12, paraphrase round (terms 401-700, 2026-11-28): how patients and doctors say the next 300 findings
the curated common-disease profiles lean on (written from clinical knowledge, kept when the extractor did not
already read them), each in English and Spanish; and the words a round must not take: "uñas" folds to the
function word "unas", "años" to "ano", a Spanish phrase that shrinks to two English words."""

from __future__ import annotations

import pytest

from tests.note_results import observed

NYCTALOPIA, MYOPIA, ANTALGIC_GAIT = "HP:0000662", "HP:0000545", "HP:0031955"
FLASHBACKS, RACING_THOUGHTS, HOPELESSNESS = "HP:0032937", "HP:0033844", "HP:5200271"
PILOERECTION, ANAL_PAIN, IMPOTENCE = "HP:6000958", "HP:0500005", "HP:0000802"


@pytest.mark.parametrize(
    ("text", "lang", "term"),
    [
        ("He has trouble seeing in the dark.", "en", NYCTALOPIA),
        ("Refiere ceguera nocturna.", "es", NYCTALOPIA),
        ("She has trouble seeing far away.", "en", MYOPIA),
        ("Ve mal de lejos.", "es", MYOPIA),
        ("He is limping on the right leg.", "en", ANTALGIC_GAIT),
        ("Acude por cojera de la pierna derecha.", "es", ANTALGIC_GAIT),
        ("Since the accident he has flashbacks every night.", "en", FLASHBACKS),
        ("Tiene reviviscencias del accidente.", "es", FLASHBACKS),
        ("Taquipsiquia y verborrea.", "es", RACING_THOUGHTS),
        ("He feels hopeless about the future.", "en", HOPELESSNESS),
        ("Se siente desesperanzado.", "es", HOPELESSNESS),
        ("Sweating and goosebumps since stopping methadone.", "en", PILOERECTION),
        ("Sudoración y piloerección.", "es", PILOERECTION),
    ],
)
def test_a_paraphrase_of_the_round_is_read(read, text, lang, term):
    found = observed(read(text, lang))
    assert term in found, found


@pytest.mark.parametrize(
    ("text", "lang", "term"),
    [
        ("Dolor lumbar de años de evolución.", "es", ANAL_PAIN),
        ("No para spinal tenderness.", "en", IMPOTENCE),
    ],
)
def test_words_a_round_must_not_take(read, text, lang, term):
    assert term not in observed(read(text, lang))
