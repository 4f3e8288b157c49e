"""The doctor's page in a real browser (headless Debian chromium): autocomplete, results, questions, Spanish,
a phone-sized screen, keyboard only, and no JavaScript at all. Screenshots go to reports/screenshots/."""

from __future__ import annotations

from tests.browser.site import COUGH, DYSPNEA, FEVER, ROW, pick

OVERFLOWING = """() => {
  const limit = document.documentElement.clientWidth + 1;
  return [...document.querySelectorAll('body *')].filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > limit && !el.closest('.table-wrap, [hidden]');
  }).map((el) => el.tagName + '.' + el.className);
}"""


def test_doctor_flow_english_then_spanish(live_server, open_page, shoot, problems, kb):
    page = open_page(1280, 900)
    page.goto(live_server + "/?lang=en")
    assert kb.meta["credit"] in page.locator("footer").inner_text()
    assert "clinical judgement" in page.locator(".disclaimer").inner_text()

    pick(page, "fev", "Fever")
    pick(page, "cough", "Cough", keyboard=False)
    pick(page, "shortness of br", "Dyspnea")
    for term in (FEVER, COUGH, DYSPNEA):
        page.locator(ROW.format(term)).wait_for()
    page.select_option(ROW.format(DYSPNEA) + " select.state", "absent")
    page.select_option(ROW.format(FEVER) + " select.severity", "severe")
    page.fill("#age", "34")
    page.select_option("#sex", "female")
    page.fill("#temperature", "102")
    page.select_option("#temperature_unit", "F")
    page.focus("#age")
    page.keyboard.press("Enter")  # implicit submission -> fetch to the API, no reload

    diseases = page.locator("#results-body .ranking li.disease")
    diseases.first.wait_for()
    assert diseases.count() == 10
    assert page.locator("#results-body .other").inner_text().startswith("Other / not in the knowledge base")
    assert diseases.first.locator(".badge").first.inner_text() in ("Common", "Rare (orphan)")
    first = diseases.first
    first.locator("details.why > summary").click()
    effects = first.locator("details.why > ul.effects")
    effects.wait_for()
    text = first.locator("details.why").text_content()  # the no-effect findings too (folded away)
    assert "Fever" in text and "Cough" in text and "Dyspnea" in text
    assert "times more likely" in effects.inner_text() or "times less likely" in effects.inner_text()
    assert first.locator("a.name").get_attribute("href").startswith("/diseases/")
    assert "Human Phenotype Ontology" in page.locator("#results-body .result-credit").inner_text()
    shoot(page, "01-differential-en")

    question = page.locator(".questions button.answer[data-present='1']").first
    asked = question.get_attribute("data-id")
    question.click()
    page.locator(ROW.format(asked)).wait_for()
    page.wait_for_function(
        "id => !document.querySelector(`.questions button[data-id='${id}']`)", arg=asked, timeout=15_000
    )
    assert page.locator(ROW.format(asked) + " select.state").input_value() == "present"
    shoot(page, "02-after-next-question")

    page.click("nav.lang button[value=es]")  # a real round trip: everything re-rendered in Spanish
    page.wait_for_selector('html[lang="es"]')
    assert page.locator(ROW.format(FEVER) + " .label").inner_text() == "Fiebre"
    assert page.locator(ROW.format(COUGH) + " .label").inner_text() == "Tos"
    assert page.locator(ROW.format(DYSPNEA) + " select.state").input_value() == "absent"
    assert page.locator(ROW.format(FEVER) + " select.severity").input_value() == "severe"
    assert page.locator("#results-title").inner_text() == "Diagnóstico diferencial"
    assert page.locator("#results-body .ranking li.disease").count() == 10
    why = page.locator("#results-body details.why").first
    why.locator("> summary").click()
    assert "Fiebre" in why.text_content() and "veces más probable" in why.text_content()
    pick(page, "dolor de cab", "Cefalea")  # Spanish autocomplete, Spanish label
    page.click("#diagnose")
    page.locator(ROW.format("HP:0002315")).wait_for()
    page.wait_for_function("() => document.querySelector('#status').textContent.startsWith('Diagnóstico')")
    shoot(page, "03-differential-es")
    # remembered: a fresh visit stays in Spanish
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert problems == []


def test_phone_screen_has_no_horizontal_overflow(live_server, open_page, shoot, problems):
    page = open_page(375, 740)
    page.goto(live_server + "/?lang=en")
    pick(page, "fev", "Fever")
    pick(page, "headac", "Headache")
    page.fill("#note", "Neck stiffness, no rash, denies vomiting.")
    page.click("#extract")
    page.locator("#suggestions input[name=confirm]").first.wait_for()
    page.click("#suggestions button.confirm")
    page.locator(ROW.format("HP:0000988")).wait_for()  # rash, confirmed as absent
    assert page.locator(ROW.format("HP:0000988") + " select.state").input_value() == "absent"
    page.click("#diagnose")
    page.locator("#results-body .ranking li.disease").first.wait_for()
    for summary in page.locator("#results-body details.why > summary").all()[:3]:
        summary.click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.evaluate(OVERFLOWING) == []
    shoot(page, "04-phone-differential")
    with page.context.expect_page() as opened:  # disease pages open beside the differential
        page.locator("#results-body .ranking a.name").first.click()
    details = opened.value
    details.wait_for_selector(".disease-page")
    assert "PMID" in details.inner_text("table.phenotypes") or "DOI" in details.inner_text("table.phenotypes")
    assert details.evaluate("document.documentElement.scrollWidth") <= 375
    assert details.evaluate(OVERFLOWING) == []
    shoot(details, "05-phone-disease-page")
    assert page.locator("#results-body .ranking li.disease").count() == 10  # the differential is still there
    assert problems == []


def test_keyboard_only(live_server, open_page, problems):
    page = open_page(1024, 800)
    page.goto(live_server + "/?lang=en")
    page.keyboard.press("Tab")  # skip link first
    assert page.evaluate("document.activeElement.className") == "skip"
    page.focus("#add")
    page.keyboard.type("cough")
    page.locator("#add-list [role=option]").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.locator("#rows li").first.wait_for()
    assert page.evaluate("document.activeElement.id") == "add"
    page.keyboard.press("Tab")  # -> the present/absent choice of the new row
    assert page.evaluate("document.activeElement.name") == "f_state"
    page.keyboard.press("ArrowDown")  # absent
    page.focus("#diagnose")
    page.keyboard.press("Enter")
    page.locator("#results-body .ranking li.disease").first.wait_for()
    reached = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.tagName + '.' + document.activeElement.className"))
    assert "SUMMARY." in reached and "BUTTON.answer" in reached and "A.name" in reached
    page.focus("#results-body details.why > summary")
    page.keyboard.press("Enter")
    assert page.locator("#results-body details.why").first.get_attribute("open") is not None
    assert problems == []


def test_works_without_javascript(live_server, open_page, shoot):
    page = open_page(1024, 800, javascript=False)
    page.goto(live_server + "/?lang=en")
    page.fill("#add", "fever, cough, no skin rash")
    page.fill("#age", "40")
    page.click("#diagnose")
    page.wait_for_selector("#results-body .ranking li.disease")
    assert page.locator("#rows li").count() == 3
    assert page.locator(ROW.format("HP:0000988") + " select.state").input_value() == "absent"
    page.locator(".questions button.answer[data-present='0']").first.click()
    page.wait_for_selector("#results-body .ranking li.disease")
    assert page.locator("#rows li").count() == 4
    shoot(page, "06-no-javascript")
