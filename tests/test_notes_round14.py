"""Issue 12, fourteenth session: general misreadings found by comparing half A's text path with its hand
mapping, each in English and Spanish: accessory-muscle breathing is respiratory distress, clots in the urine
are visible (macroscopic) hematuria, a raised lesion is a skin lesion; and the bare word "antebrazo" (the
official Spanish label of Forearm pain) is a site, not pain."""

from __future__ import annotations

import pytest

from tests.note_results import observed

RESPIRATORY_DISTRESS, MACROSCOPIC_HEMATURIA = "HP:0002098", "HP:0012587"
SKIN_LESION, FOREARM_PAIN = "HP:0011355", "HP:6000299"


@pytest.mark.parametrize(
    ("text", "lang", "term"),
    [
        ("Restless and using accessory muscles to breathe.", "en", RESPIRATORY_DISTRESS),
        ("Inquieta, usa la musculatura accesoria para respirar.", "es", RESPIRATORY_DISTRESS),
        ("He also noticed small clots in his urine.", "en", MACROSCOPIC_HEMATURIA),
        ("Refiere orina con coágulos.", "es", MACROSCOPIC_HEMATURIA),
        ("A painful brownish raised lesion over the back of his left leg.", "en", SKIN_LESION),
        ("Una lesión sobreelevada marrón en la pierna izquierda.", "es", SKIN_LESION),
        ("Dolor en el antebrazo derecho tras una caída.", "es", FOREARM_PAIN),
    ],
)
def test_plain_words_name_the_finding(read, text, lang, term):
    assert term in observed(read(text, lang))


@pytest.mark.parametrize("text", ["Lesión cutánea en el antebrazo.", "Herida de 3 cm en el antebrazo."])
def test_the_forearm_named_as_a_site_is_not_forearm_pain(read, text):
    assert FOREARM_PAIN not in observed(read(text, "es"))
