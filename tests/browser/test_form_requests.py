"""What the page sends and when (issue 17): onset with JavaScript on, findings typed and submitted at full
scripted speed, and results that follow the form (removing a finding or adding the note's findings
recalculates; editing a field marks the results out of date). English and Spanish, desktop and phone."""

from __future__ import annotations

import pytest

from tests.browser.site import (
    COUGH,
    FEVER,
    HEADACHE,
    RASH,
    ROW,
    SCREENS,
    VOMITING,
    diagnose_request,
    pick,
    used_ids,
    wait_results,
)

TYPED = {
    "en": [
        ("fever", FEVER),
        ("cough", COUGH),
        ("headache", HEADACHE),
        ("no rash", RASH),
        ("vomiting", VOMITING),
    ],
    "es": [
        ("fiebre", FEVER),
        ("tos", COUGH),
        ("cefalea", HEADACHE),
        ("sin erupcion", RASH),
        ("vomitos", VOMITING),
    ],
}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_onset_is_sent_when_javascript_is_on(live_server, open_page, problems, lang):
    page = open_page(**SCREENS["desktop"])
    page.goto(f"{live_server}/?lang={lang}")
    pick(page, TYPED[lang][0][0], "Fever" if lang == "en" else "Fiebre")
    page.fill("#age", "30")
    page.fill("#onset", "2,5")  # a decimal comma is read as a point
    body = diagnose_request(page, lambda: page.click("#diagnose"))
    assert body["onset"] == 2.5 and body["age"] == 30
    wait_results(page, 1)
    assert problems == []


@pytest.mark.parametrize("screen", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_five_findings_typed_and_submitted_at_full_speed(
    live_server, open_page, shoot, problems, lang, screen
):
    """No waits between the keys, the Enters and the click: every finding is used."""
    page = open_page(**SCREENS[screen])
    page.goto(f"{live_server}/?lang={lang}")
    page.focus("#add")
    for typed, _ in TYPED[lang]:
        page.keyboard.type(typed)
        page.keyboard.press("Enter")
    body = diagnose_request(page, lambda: page.click("#diagnose"))
    expected = {term for _, term in TYPED[lang]}
    assert {item["id"] for item in body["observed"]} | set(body["excluded"]) == expected
    assert body["excluded"] == [RASH]
    wait_results(page, 5)
    assert set(used_ids(page)) == expected
    rows = page.eval_on_selector_all("#rows li[data-id]", "items => items.map((li) => li.dataset.id)")
    assert rows == [term for _, term in TYPED[lang]]  # in the order typed
    shoot(page, f"10-five-findings-{lang}-{screen}")
    assert problems == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_typed_finding_then_show_probabilities_at_once(live_server, open_page, problems, lang):
    """Typing and pressing the button within a few ms (before the autocomplete's own lookup) keeps it."""
    page = open_page(**SCREENS["desktop"])
    page.goto(f"{live_server}/?lang={lang}")
    page.focus("#add")
    page.keyboard.type(TYPED[lang][1][0])  # cough / tos
    body = diagnose_request(page, lambda: page.click("#diagnose"))
    assert body["observed"] == [{"id": COUGH}]
    wait_results(page, 1)
    assert page.locator("#results-body .warnings").count() == 0  # no "no findings given"
    assert problems == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_results_follow_the_findings(live_server, open_page, shoot, problems, lang):
    page = open_page(**SCREENS["desktop"])
    page.goto(f"{live_server}/?lang={lang}")
    page.focus("#add")
    for typed, _ in TYPED[lang][:3]:
        page.keyboard.type(typed)
        page.keyboard.press("Enter")
    page.click("#diagnose")
    wait_results(page, 3)

    # removing a finding recalculates at once
    body = diagnose_request(page, lambda: page.click(ROW.format(HEADACHE) + " button.remove"))
    assert {item["id"] for item in body["observed"]} == {FEVER, COUGH}
    wait_results(page, 2)
    assert page.locator("#stale").is_hidden()

    # so does "Add selected" after the note
    note = "Vomiting, no rash." if lang == "en" else "Vómitos, sin erupción cutánea."
    page.fill("#note", note)
    page.click("#extract")
    page.locator("#suggestions input[name=confirm]").first.wait_for()
    body = diagnose_request(page, lambda: page.click("#suggestions button.confirm"))
    assert RASH in body["excluded"] and VOMITING in {item["id"] for item in body["observed"]}
    wait_results(page, 4)

    # present/absent switched: recalculated
    body = diagnose_request(page, lambda: page.select_option(ROW.format(COUGH) + " select.state", "absent"))
    assert COUGH in body["excluded"]
    wait_results(page, 4)

    # typing in a field marks the results out of date until they are recalculated
    page.focus("#age")
    page.keyboard.type("7")
    assert page.locator("#stale").is_visible()
    assert "is-stale" in page.get_attribute("#results-body", "class")
    shoot(page, f"11-stale-results-{lang}")
    body = diagnose_request(page, lambda: page.keyboard.press("Tab"))  # leaving the field recalculates
    assert body["age"] == 7
    page.wait_for_selector("#stale", state="hidden")
    assert "is-stale" not in page.get_attribute("#results-body", "class")
    assert problems == []


def test_a_late_answer_does_not_hide_edits_made_while_it_was_coming(live_server, open_page, problems):
    """Results of a request sent before the doctor typed are shown, but stay marked out of date."""
    page = open_page(**SCREENS["desktop"])
    page.goto(f"{live_server}/?lang=en")
    page.focus("#add")
    for typed, _ in TYPED["en"][:2]:
        page.keyboard.type(typed)
        page.keyboard.press("Enter")
    page.click("#diagnose")
    wait_results(page, 2)
    held = []
    page.route("**/api/v1/diagnose", lambda route: held.append(route))  # hold the answer until typed
    page.select_option(ROW.format(COUGH) + " select.state", "absent")  # recalculates
    page.wait_for_function("() => document.querySelector('#results').getAttribute('aria-busy') === 'true'")
    page.wait_for_timeout(200)
    assert len(held) == 1
    page.focus("#age")
    page.keyboard.type("7")  # typed while the answer is on its way
    held[0].continue_()
    page.wait_for_function("() => !document.querySelector('#results').hasAttribute('aria-busy')")
    wait_results(page, 2)
    assert page.locator("#stale").is_visible()  # the answer is for the form before the age was typed
    assert "is-stale" in page.get_attribute("#results-body", "class")
    page.unroute("**/api/v1/diagnose")
    body = diagnose_request(page, lambda: page.keyboard.press("Tab"))  # leaving the field recalculates
    assert body["age"] == 7
    page.wait_for_selector("#stale", state="hidden")
    assert problems == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_recalculation_leaves_what_is_being_typed_in_the_box(live_server, open_page, problems, lang):
    """A change that recalculates the shown results (here present/absent switched) while the doctor is
    typing the next finding neither adds the half-typed words as a finding nor clears the box (a browser
    run once lost "tos" this way, typed right after choosing "Fiebre")."""
    page = open_page(**SCREENS["desktop"])
    page.goto(f"{live_server}/?lang={lang}")
    pick(page, TYPED[lang][0][0], "Fever" if lang == "en" else "Fiebre")
    pick(page, TYPED[lang][2][0], "Headache" if lang == "en" else "Cefalea")
    page.click("#diagnose")
    wait_results(page, 2)
    page.locator("#add").fill(TYPED[lang][1][0])  # "cough" / "tos", not yet chosen
    switch = ROW.format(HEADACHE) + " select.state"
    body = diagnose_request(page, lambda: page.select_option(switch, "absent"))
    assert HEADACHE in body["excluded"] and COUGH not in {item["id"] for item in body["observed"]}
    wait_results(page, 2)
    assert page.locator("#add").input_value() == TYPED[lang][1][0]
    assert page.locator(ROW.format(COUGH)).count() == 0
    assert problems == []
