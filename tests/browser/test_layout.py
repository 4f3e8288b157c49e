"""The page on a 390 px phone (issue 17): "Show probabilities" reachable without scrolling past the form,
and every touch target at least 44 x 44 px (24 px on a desktop), measured. English and Spanish."""

from __future__ import annotations

import pytest

from tests.browser.site import SCREENS, pick, small_targets, wait_results

REACHABLE = """() => {
  const button = document.querySelector('#diagnose');
  const box = button.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  const inView = box.top >= 0 && box.bottom <= window.innerHeight;
  return inView && hit !== null && hit.closest('#diagnose') === button;
}"""
WORDS = {
    "en": ("fev", "Fever", "Neck stiffness, no rash, denies vomiting."),
    "es": ("fie", "Fiebre", "Rigidez de nuca, sin erupción cutánea, niega vómitos."),
}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_show_probabilities_is_reachable_on_a_phone(live_server, open_page, shoot, lang):
    page = open_page(**SCREENS["phone"])
    page.goto(f"{live_server}/?lang={lang}")
    assert page.evaluate(REACHABLE)  # on arrival, without scrolling
    typed, label, note = WORDS[lang]
    pick(page, typed, label)
    page.fill("#note", note)
    page.click("#extract")
    page.locator("#suggestions input[name=confirm]").first.wait_for()
    for field in ("#note", "#age", "#context", "#temperature"):  # wherever the doctor is in the form
        page.locator(field).scroll_into_view_if_needed()
        assert page.evaluate(REACHABLE), field
    shoot(page, f"30-phone-form-{lang}")
    page.click("#diagnose")
    wait_results(page)
    assert page.evaluate("document.querySelector('#results').getBoundingClientRect().top") < 200


@pytest.mark.parametrize("screen", ["phone", "desktop"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_touch_targets_are_big_enough(live_server, open_page, shoot, lang, screen):
    least = 44 if screen == "phone" else 24
    page = open_page(**SCREENS[screen])
    page.goto(f"{live_server}/?lang={lang}")
    typed, label, note = WORDS[lang]
    pick(page, typed, label)
    page.fill("#note", note)
    page.click("#extract")
    page.locator("#suggestions input[name=confirm]").first.wait_for()
    page.locator("#add").fill(typed)
    page.locator("#add-list [role=option]").first.wait_for()
    assert small_targets(page, least) == []  # the form, the note's findings, the open autocomplete list
    page.keyboard.press("Escape")
    page.click("#suggestions button.confirm")
    page.click("#diagnose")
    wait_results(page)
    for summary in page.locator("#results-body details.why > summary").all()[:3]:
        summary.click()
    page.locator("#results-body details.no-effect > summary").first.click()
    assert small_targets(page, least) == []  # the differential, explanations, next questions
    shoot(page, f"31-targets-{screen}-{lang}")
    page.goto(live_server + page.locator("#results-body a.name").first.get_attribute("href"))
    page.wait_for_selector(".disease-page")
    assert small_targets(page, least) == []  # the disease page
