"""The "Symptoms for" select in a real browser (issue 10): the request the page sends carries the duration,
each ranked disease says whether it is typical, changing it recalculates, and a note's "desde hace 2 semanas"
fills the select. English and Spanish, with and without JavaScript."""

from __future__ import annotations

import pytest

from tests.browser.site import SCREENS, diagnose_request, pick, wait_results

PICKS = {
    "en": [("chest pain", "Chest pain"), ("shortness of br", "Dyspnea")],
    "es": [("dolor tor", "Dolor de pecho"), ("disnea", "Disnea")],
}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_duration_reaches_the_engine_and_each_disease_says_so(live_server, open_page, shoot, lang):
    page = open_page(**SCREENS["desktop"])
    page.goto(f"{live_server}/?lang={lang}")
    for typed, label in PICKS[lang]:
        pick(page, typed, label)
    page.fill("#age", "60")
    page.select_option("#context", "emergency")
    page.select_option("#duration", "hours")
    body = diagnose_request(page, lambda: page.click("#diagnose"))
    assert body["duration_days"] == 0.25
    wait_results(page)
    course = page.locator("#results-body .ranking li.disease p.course").first
    course.wait_for()
    expected = "Symptoms for 6 hours: " if lang == "en" else "Síntomas desde hace 6 horas: "
    assert course.inner_text().startswith(expected), course.inner_text()
    changed = diagnose_request(page, lambda: page.select_option("#duration", "months"))
    assert changed["duration_days"] == 120  # changing the select recalculates
    page.wait_for_function(
        "text => document.querySelector('#results-body p.course')?.textContent.includes(text)",
        arg="4 months" if lang == "en" else "4 meses",
    )
    shoot(page, f"30-duration-{lang}")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_note_fills_the_duration(live_server, open_page, javascript):
    page = open_page(**SCREENS["desktop"], javascript=javascript)
    page.goto(f"{live_server}/?lang=es")
    page.fill("#note", "Tos seca desde hace 2 semanas, sin fiebre.")
    page.click("button[value=extract]")
    page.locator('.measure[data-field="duration"]').wait_for()
    assert page.locator("#duration").input_value() == "weeks"
    assert "Síntomas desde hace: 1-6 semanas (rellenado)" in page.locator(".note-measures").inner_text()
