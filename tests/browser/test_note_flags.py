"""The note box shows every flag of the note extractor for the doctor to resolve (issue 12): a finding the
note contradicts ("sin tos" while cough is entered as present), a finding the note names both ways, repeats,
findings already listed (never "no symptoms recognised" for them), mentions that are not current (past
history), and values read that differ from the form. Nothing is dropped: each flagged finding has a choice.
English and Spanish, with and without JavaScript, desktop and a 390 px phone."""

from __future__ import annotations

import pytest

from tests.browser.site import (
    COUGH,
    FEVER,
    HEADACHE,
    PHONE,
    ROW,
    SCREENS,
    as_scripted_page,
    pick,
    small_targets,
)

ASTHMA = "HP:0002099"
FOUND = '#suggestions li.found[data-id="{}"]'
CASE = {
    "en": {
        "entered": [("fev", "Fever"), ("cough", "Cough")],
        "typed": "fever, cough",
        "note": "Fever since Monday; fever again today. No cough. Headache this morning, no headache now. "
        "History of asthma. HR 120.",
        "listed": "already in your list",
        "repeated": "named 2 times",
        "contradicts": "Contradicts your list: you entered it as present, the note says absent.",
        "quote": "No cough",
        "keep": "Keep it present",
        "change": "Change it to absent",
        "conflict": (
            "The note says it both ways:",
            "present",
            "Headache this morning",
            "absent",
            "no headache now",
        ),
        "present": "Present",
        "context": "Asthma — past history",
        "kept": "Heart rate (/min): 120 (the form says 80: kept)",
        "again": "Fever.",
    },
    "es": {
        "entered": [("fie", "Fiebre"), ("tos", "Tos")],
        "typed": "fiebre, tos",
        "note": "Fiebre desde el lunes; hoy otra vez fiebre. Sin tos. Cefalea esta mañana, "
        "ahora sin cefalea. Antecedentes de asma. FC 120.",
        "listed": "ya está en su lista",
        "repeated": "nombrado 2 veces",
        "contradicts": "Contradice su lista: lo introdujo como presente, la nota dice ausente.",
        "quote": "Sin tos",
        "keep": "Mantenerlo presente",
        "change": "Cambiarlo a ausente",
        "conflict": (
            "La nota lo dice de las dos maneras:",
            "presente",
            "Cefalea esta mañana",
            "ausente",
            "ahora sin cefalea",
        ),
        "present": "Presente",
        "context": "Asma — antecedente personal",
        "kept": "Frecuencia cardiaca (lpm): 120 (el formulario dice 80: se mantiene)",
        "again": "Fiebre.",
    },
}


def _extract(page, note: str) -> None:
    page.fill("#note", note)
    page.click("#extract")
    page.locator("#suggestions li.found, #suggestions .none-found").first.wait_for()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_note_flags_are_shown_and_resolved(live_server, open_page, axe, shoot, problems, lang, javascript):
    words = CASE[lang]
    page = open_page(**SCREENS["desktop"], javascript=javascript)
    page.goto(f"{live_server}/?lang={lang}")
    if javascript:
        for typed, label in words["entered"]:
            pick(page, typed, label)
    else:
        page.fill("#add", words["typed"])  # added by the same post that reads the note
    page.fill("#heart_rate", "80")
    _extract(page, words["note"])
    mode = "js" if javascript else "nojs"

    # already listed and repeated: shown, not ticked
    fever = page.locator(FOUND.format(FEVER))
    assert not fever.locator("input[name=confirm]").is_checked()
    assert fever.locator(".flag").all_inner_texts() == [words["listed"], words["repeated"]]
    # contradicts the entry: both sides said, the entry kept unless the doctor changes it
    cough = page.locator(FOUND.format(COUGH) + ".resolve")
    assert cough.locator("legend q").inner_text() == words["quote"]
    assert cough.locator(".flag.contradicts").inner_text() == words["contradicts"]
    assert cough.locator("label", has_text=words["keep"]).locator("input").is_checked()
    # the note says it both ways: each mention quoted, nothing added until the doctor chooses
    headache = page.locator(FOUND.format(HEADACHE) + ".resolve")
    conflict = headache.locator(".flag.conflict").inner_text()
    assert conflict.startswith(words["conflict"][0])
    assert all(part in conflict for part in words["conflict"][1:]), conflict
    assert headache.locator("input[type=radio][value='']").is_checked()
    # named but not current, and a value the form already has otherwise
    assert (
        page.locator(f'#suggestions .note-context li[data-id="{ASTHMA}"]')
        .inner_text()
        .startswith(words["context"])
    )
    assert page.locator('#suggestions .measure.kept[data-field="heart_rate"]').inner_text() == words["kept"]
    assert page.input_value("#heart_rate") == "80"
    assert page.locator("#suggestions .none-found").count() == 0

    assert small_targets(page, 24) == []
    shoot(page, f"70-note-flags-{lang}-{mode}-desktop")
    page.set_viewport_size(PHONE)
    assert small_targets(page, 44) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(page, f"71-note-flags-{lang}-{mode}-phone")
    checked = page if javascript else as_scripted_page(open_page, page, PHONE)
    assert axe(checked) == [], "phone"
    checked.set_viewport_size(SCREENS["desktop"])
    assert axe(checked) == [], "desktop"

    # the doctor resolves: cough absent after all, headache present now
    cough.locator("label", has_text=words["change"]).click()
    headache.locator("label", has_text=words["present"]).click()
    page.click("#suggestions button.confirm")
    page.locator(ROW.format(HEADACHE)).wait_for()
    page.wait_for_function(
        "selector => document.querySelector(selector)?.value === 'absent'",
        arg=ROW.format(COUGH) + " select.state",
    )
    assert page.locator(ROW.format(HEADACHE) + " select.state").input_value() == "present"
    assert page.locator(ROW.format(FEVER) + " select.state").input_value() == "present"
    assert page.locator("#rows li[data-id]").count() == 3

    # a note whose findings are all listed already: they are shown as such, never "no symptoms recognised"
    _extract(page, words["again"])
    assert page.locator(FOUND.format(FEVER) + " .flag").inner_text() == words["listed"]
    assert page.locator("#suggestions .none-found").count() == 0
    assert problems == []
