"""Explanations a clinician reads in one glance (issue 17): plain words on one scale, the strongest evidence
first, findings with no effect folded away, twins in words. English and Spanish, with and without JS."""

from __future__ import annotations

import math

import pytest

from tests.browser.site import COUGH, FEVER, SCREENS, wait_results

SEIZURE = "HP:0001250"
MARFAN = ["HP:0001166", "HP:0001083", "HP:0002616", "HP:0000768", "HP:0001519"]
WORDS = {
    "en": ("times more likely", "times less likely", "Also catalogued as ORPHA:558, which gives"),
    "es": ("veces más probable", "veces menos probable", "También catalogada como ORPHA:558, que aporta"),
}
JARGON = (
    "×",
    "÷",
    "likelihood ratio",
    "cociente",
    "outside the knowledge base",
    "fuera de la base",
    "raises",
)


def _differential(page, live_server, lang, observed, excluded=(), context="primary-care", javascript=True):
    """Enter the findings as ids (typed into the box, Enter after each) and show the differential."""
    page.goto(f"{live_server}/?lang={lang}")
    typed = [*observed, *(f"-{term}" for term in excluded)]
    if javascript:
        page.focus("#add")
        for term in typed:
            page.keyboard.type(term)
            page.keyboard.press("Enter")
    else:
        page.fill("#add", ", ".join(typed))
    page.select_option("#context", context)
    page.click("#diagnose")
    wait_results(page, len(typed))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_effects_in_plain_words_strongest_first(live_server, open_page, shoot, lang, javascript):
    page = open_page(**SCREENS["desktop"], javascript=javascript)
    _differential(page, live_server, lang, [FEVER, COUGH], [SEIZURE], javascript=javascript)
    why = page.locator("#results-body details.why").first
    if javascript:
        why.locator("> summary").click()
    else:
        why.evaluate("details => { details.open = true; }")
    shown = why.locator("> ul.effects > li")
    times = [float(t) for t in shown.evaluate_all("items => items.map((li) => li.dataset.times)")]
    assert times and all(abs(math.log(t)) >= math.log(1.1) for t in times)  # no "no effect" among them
    sizes = [abs(math.log(t)) for t in times]
    assert sizes == sorted(sizes, reverse=True)  # strongest first
    more, less, _ = WORDS[lang]
    text = why.locator("> ul.effects").inner_text()
    assert more in text or less in text
    assert not any(jargon in why.inner_text() for jargon in JARGON), why.inner_text()
    # the unrelated absent finding has no effect: folded away, not shown as a green "x1.0"
    ids = shown.evaluate_all("items => items.map((li) => li.dataset.id)")
    assert SEIZURE not in ids
    folded = why.locator("details.no-effect")
    assert folded.get_attribute("open") is None
    assert SEIZURE in folded.locator("li").evaluate_all("items => items.map((li) => li.dataset.id)")
    shoot(page, f"50-explanation-{lang}-{'js' if javascript else 'nojs'}")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_twins_in_words(live_server, open_page, lang):
    page = open_page(**SCREENS["phone"])
    _differential(page, live_server, lang, MARFAN, context="rare-disease-clinic")
    first = page.locator("#results-body .ranking li.disease").first
    twin = first.locator(".twin").inner_text()
    assert twin.startswith(WORDS[lang][2]) and "%" in twin and "(includes" not in twin
