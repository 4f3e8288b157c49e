"""axe-core (vendored from npm, see vendor/axe-core/README.md) finds no serious or critical accessibility
violation on the form, the results and a disease page: English and Spanish, desktop and phone."""

from __future__ import annotations

import pytest

from tests.browser.site import SCREENS, pick, wait_results

WORDS = {
    "en": ("fev", "Fever", "cough", "Cough", "Headache since yesterday, no rash."),
    "es": ("fie", "Fiebre", "tos", "Tos", "Cefalea desde ayer, sin erupción cutánea."),
}


@pytest.mark.parametrize("screen", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_serious_accessibility_violations(live_server, open_page, axe, shoot, problems, lang, screen):
    page = open_page(**SCREENS[screen])
    page.goto(f"{live_server}/?lang={lang}")
    first, first_label, second, second_label, note = WORDS[lang]
    pick(page, first, first_label)
    pick(page, second, second_label, keyboard=False)
    page.fill("#note", note)
    page.click("#extract")
    page.locator("#suggestions input[name=confirm]").first.wait_for()
    page.locator("#add").fill(first)
    page.locator("#add-list [role=option]").first.wait_for()  # the open autocomplete list too
    assert axe(page) == [], "the form"

    page.keyboard.press("Escape")
    page.click("#suggestions button.confirm")
    page.click("#diagnose")
    wait_results(page)
    page.locator("#results-body details.why > summary").first.click()
    page.locator("#results-body details.no-effect > summary").first.click()
    page.locator("#results-body details.used > summary").click()
    page.focus("#age")
    page.keyboard.type("4")  # results marked out of date
    assert axe(page) == [], "the results"
    shoot(page, f"40-a11y-results-{lang}-{screen}")

    page.goto(live_server + "/diseases/OMIM:154700")  # a rare disease (English name on the Spanish page)
    assert axe(page) == [], "a disease page"
    page.goto(live_server + "/diseases/DXG:influenza")  # a curated common disease
    assert axe(page) == [], "a curated disease page"
    assert problems == []
