"""The "Started" select in a real browser (issue 10): the request carries how the complaint started, each
disease that states its usual start says whether it fits, changing it recalculates, and a note's "de inicio
brusco" fills it. With and without JavaScript."""

from __future__ import annotations

import pytest

from tests.browser.site import SCREENS, diagnose_request, pick, wait_results


def test_the_start_reaches_the_engine_and_each_disease_says_so(live_server, open_page):
    page = open_page(**SCREENS["desktop"])
    page.goto(f"{live_server}/?lang=en")
    pick(page, "headache", "Headache")
    pick(page, "vomiting", "Vomiting")
    page.fill("#age", "45")
    page.select_option("#context", "emergency")
    page.select_option("#complaint_onset", "sudden")
    body = diagnose_request(page, lambda: page.click("#diagnose"))
    assert body["complaint_onset"] == "sudden"
    wait_results(page)
    onset = page.locator("#results-body .ranking li.disease p.onset").first
    onset.wait_for()
    assert onset.inner_text().startswith("Started suddenly: "), onset.inner_text()
    changed = diagnose_request(page, lambda: page.select_option("#complaint_onset", "gradual"))
    assert changed["complaint_onset"] == "gradual"  # changing the select recalculates


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_note_fills_the_start(live_server, open_page, javascript):
    page = open_page(**SCREENS["desktop"], javascript=javascript)
    page.goto(f"{live_server}/?lang=es")
    page.fill("#note", "Cefalea de inicio brusco mientras hacía ejercicio.")
    page.click("button[value=extract]")
    page.locator('.measure[data-field="complaint_onset"]').wait_for()
    assert page.locator("#complaint_onset").input_value() == "sudden"
    assert "Comienzo: Brusco (segundos a minutos) (rellenado)" in page.locator(".note-measures").inner_text()
