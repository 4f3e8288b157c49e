"""Everything in the page's language (issue 17): validation errors (with and without JavaScript), engine
notes, next questions with the official Spanish HPO labels, disease-page fields, rare-disease names left
in English (said once), and autocomplete ("tos" is cough, not "toscos"). English and Spanish."""

from __future__ import annotations

import pytest

from tests.browser.site import COUGH, FEVER, SCREENS, pick, wait_results

MARFAN = ["HP:0001166", "HP:0001083", "HP:0002616", "HP:0000768", "HP:0001519"]
ERRORS = {
    # field, value, English, Spanish
    "age": ("#age", "200", "Age (years): must be at most 130", "Edad (años): debe ser como máximo 130"),
    "onset": (
        "#onset",
        "50",
        "Onset (age in years): the onset cannot be after the current age",
        "Inicio (edad en años): el inicio no puede ser posterior a la edad actual",
    ),
    "heart_rate": (
        "#heart_rate",
        "900",
        "Heart rate (/min): 900 is outside the plausible range 20–300",
        "Frecuencia cardiaca (lpm): 900 está fuera del intervalo plausible 20–300",
    ),
    "temperature": (
        "#temperature",
        "abc",
        "Temperature: “abc” is not a number",
        "Temperatura: «abc» no es un número",
    ),
}
ENGLISH_LEAKS = ("Input should", "is outside the plausible range", "not a number", "no findings given")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_validation_errors_are_in_the_page_language(live_server, open_page, shoot, lang, javascript):
    page = open_page(**SCREENS["desktop"], javascript=javascript)
    page.goto(f"{live_server}/?lang={lang}")
    page.fill("#add", "fever" if lang == "en" else "fiebre")
    for name, (selector, value, english, spanish) in ERRORS.items():
        page.fill("#age", "30")
        page.fill(selector, value)
        page.click("#diagnose")
        error = page.locator("#errors .error")
        expected = english if lang == "en" else spanish
        page.wait_for_function(
            "text => document.querySelector('#errors')?.textContent.includes(text)", arg=expected
        )
        assert page.get_attribute(selector, "aria-invalid") == "true", name
        if lang == "es":
            assert not any(leak in error.inner_text() for leak in ENGLISH_LEAKS), error.inner_text()
        page.fill(selector, "")
    shoot(page, f"20-error-{lang}-{'js' if javascript else 'nojs'}")


def test_spanish_results_notes_questions_and_names(live_server, open_page, shoot, problems, kb):
    page = open_page(**SCREENS["desktop"])
    page.goto(f"{live_server}/?lang=es")
    page.click("#diagnose")  # nothing entered: the priors, with the engine's note in Spanish
    wait_results(page, 0)
    notes = page.locator("#results-body .warnings").inner_text()
    assert "no se dio ningún hallazgo" in notes and "no findings given" not in notes
    assert page.locator("#results-body .english-names").count() == 0  # common diseases: all in Spanish

    pick(page, "fiebre", "Fiebre")
    pick(page, "tos", "Tos")
    page.click("#diagnose")
    wait_results(page, 2)
    questions = page.eval_on_selector_all(
        "#results-body .questions li",
        "items => items.map((li) => [li.querySelector('button').dataset.id,"
        " li.querySelector('.q-label').textContent])",
    )
    assert questions
    for term, label in questions:
        assert label == kb.label(term, "es")  # the official Spanish HPO label
    assert any(label != kb.label(term) for term, label in questions)

    # rare diseases: names without a Spanish source stay English, marked as such, and the page says so once
    page.goto(f"{live_server}/?lang=es")
    for term in MARFAN:
        pick(page, term, kb.label(term, "es"))
    page.select_option("#context", "rare-disease-clinic")
    page.click("#diagnose")
    wait_results(page, len(MARFAN))
    assert page.locator("#results-body .english-names").count() == 1
    assert "se muestran en inglés" in page.locator("#results-body .english-names").inner_text()
    entries = page.locator("#results-body .ranking li.disease")
    langs = entries.locator("a.name").evaluate_all("names => names.map((a) => a.getAttribute('lang'))")
    assert "en" in langs[1:]  # a rare disease without a Spanish name, marked English
    # the first is Marfan syndrome, curated with a Spanish name, holding its OMIM and Orphanet descriptions
    first = entries.first
    assert langs[0] is None and first.locator("a.name").inner_text() == kb.disease_label(
        kb.disease_index["DXG:marfan_syndrome"], "es"
    )
    assert "También catalogada como" in first.locator(".twin").inner_text()
    first.locator("details.why > summary").click()
    assert "veces más probable" in first.locator("details.why").inner_text()
    shoot(page, "21-rare-names-es")
    assert problems == []


def test_spanish_disease_pages(live_server, open_page, shoot, problems):
    page = open_page(**SCREENS["phone"])
    page.goto(f"{live_server}/?lang=es")  # remembered in the cookie
    page.goto(f"{live_server}/diseases/DXG:irritable_bowel_syndrome")
    facts = page.locator("dl.facts").inner_text()
    assert "predominio femenino" in facts and "female-predominant" not in facts
    assert "prevalencia puntual" in facts and "point-prevalence" not in facts
    assert page.locator(".english-names").count() == 0
    page.goto(f"{live_server}/diseases/DXG:common_cold")
    facts = page.locator("dl.facts").inner_text()
    assert "ambos sexos" in facts and "incidencia anual" in facts
    assert "any" not in facts.split() and "annual-incidence" not in facts
    shoot(page, "22-disease-page-es")
    page.goto(f"{live_server}/diseases/OMIM:154700")
    assert page.locator("h1 [lang=en]").inner_text() == "Marfan syndrome"
    assert page.locator(".english-names").count() == 1
    table = page.locator("table.phenotypes").inner_text()
    assert "Aracnodactilia" in table and "Arachnodactyly" not in table  # the phenotypes are in Spanish
    assert "anotación de la HPO" in table
    assert problems == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_autocomplete_tos_offers_cough_not_coarse_face(live_server, open_page, lang):
    page = open_page(**SCREENS["phone"])
    page.goto(f"{live_server}/?lang={lang}")
    page.locator("#add").fill("tos")
    page.locator("#add-list [role=option]").first.wait_for()
    options = page.locator("#add-list [role=option]").all_inner_texts()
    assert any(COUGH in option for option in options)
    assert not any("tosco" in option.lower() or "coarse" in option.lower() for option in options), options
    page.locator("#add").fill("fie" if lang == "es" else "fev")
    page.locator(f"#add-list [role=option]:has-text('{FEVER}')").first.wait_for()
