"""The risk-factor selects in a real browser (issue 10): the request the page sends carries them, each ranked
disease says how a factor moves it, changing one recalculates, and a note's "no fuma" and family history fill
the form. English and Spanish, with and without JavaScript."""

from __future__ import annotations

import pytest

from tests.browser.site import SCREENS, diagnose_request, pick, wait_results

PICKS = {"en": ("hematuria", "Hematuria"), "es": ("hematuria", "Hematuria")}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_risk_factor_reaches_the_engine_and_each_disease_says_so(live_server, open_page, shoot, lang):
    page = open_page(**SCREENS["desktop"])
    page.goto(f"{live_server}/?lang={lang}")
    pick(page, *PICKS[lang])
    page.fill("#age", "62")
    page.select_option("#sex", "male")
    page.click("#risk-details summary")
    page.select_option("#risk_smoking", "yes")
    body = diagnose_request(page, lambda: page.click("#diagnose"))
    assert body["risk_factors"] == {"smoking": True}
    wait_results(page)
    risk = page.locator("#results-body .ranking li.disease p.risk").first
    risk.wait_for()
    expected = "Smoker" if lang == "en" else "Fumador"
    assert risk.inner_text().startswith(expected), risk.inner_text()
    changed = diagnose_request(page, lambda: page.select_option("#risk_smoking", "no"))
    assert changed["risk_factors"] == {"smoking": False}  # changing a select recalculates
    shoot(page, f"31-risk-{lang}")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_note_fills_the_risk_factors_and_the_family_history(live_server, open_page, javascript):
    page = open_page(**SCREENS["desktop"], javascript=javascript)
    page.goto(f"{live_server}/?lang=es")
    page.fill("#note", "Hematuria indolora. No fuma. Su padre tuvo cáncer de próstata.")
    page.click("button[value=extract]")
    page.locator('.measure[data-field="risk_smoking"]').wait_for()
    assert page.locator("#risk_smoking").input_value() == "no"
    assert "(rellenado)" in page.locator('.measure[data-field="risk_smoking"]').inner_text()
    family = page.locator('#family-list li[data-id="DXG:prostate_cancer"]')
    family.wait_for()
    if javascript:
        pick(page, "hematuria", "Hematuria")
        body = diagnose_request(page, lambda: page.click("#diagnose"))
        assert body["family_history"] == ["DXG:prostate_cancer"]
        assert body["risk_factors"] == {"smoking": False}
        again = diagnose_request(page, lambda: family.locator("button").click())
        assert "family_history" not in again  # removing it recalculates without it
    else:
        family.locator("button").click()
        page.wait_for_load_state()
        assert page.locator('#family-list li[data-id="DXG:prostate_cancer"]').count() == 0


def test_answering_a_risk_question_sets_its_select_and_recalculates(live_server, open_page):
    page = open_page(**SCREENS["desktop"])
    page.goto(f"{live_server}/?lang=en")
    pick(page, "fever", "Fever")
    pick(page, "headache", "Headache")
    page.fill("#age", "30")
    page.select_option("#sex", "male")
    diagnose_request(page, lambda: page.click("#diagnose"))
    wait_results(page)
    button = page.locator("section.risk-questions button[data-answer=yes]").first
    button.wait_for()
    factor = button.get_attribute("data-factor")
    body = diagnose_request(page, lambda: button.click())
    assert body["risk_factors"][factor] is True
    assert page.locator(f"#risk_{factor}").input_value() == "yes"
