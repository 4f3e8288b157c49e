"""The note box's helpers (web/notes.py): the words quoted around a mention, and what became of each value
read from the note against the form (filled, same, or kept and shown)."""

from __future__ import annotations

from web.notes import measure_outcomes, quote


def _quote(note: str, words: str) -> str:
    """The quote of the last place `words` occur in `note`."""
    start = note.rindex(words)
    return quote(note, start, start + len(words))


def test_quote_keeps_the_negation_within_the_clause():
    assert _quote("Paciente con fiebre, sin tos.", "tos") == "sin tos"
    assert _quote("Fever and cough. No cough today.", "cough") == "No cough today"
    assert _quote("Headache this morning, no headache now.", "headache") == "no headache now"
    assert _quote("Dolor de garganta intenso, fiebre de 39", "garganta") == "Dolor de garganta intenso"


def test_measure_outcomes_fill_compare_and_keep():
    read = {"temperature": "39", "heart_rate": "120", "age": "60", "sex": "male"}
    form = {"temperature": "102.2", "heart_rate": "80", "age": "60", "sex": ""}
    outcomes = {o["field"]: o for o in measure_outcomes(read, form, unit="F")}
    assert outcomes["temperature"]["outcome"] == "same"  # 102.2 F is 39 C
    assert outcomes["temperature"]["unit"] == "F"
    assert outcomes["heart_rate"]["outcome"] == "kept" and outcomes["heart_rate"]["form"] == "80"
    assert outcomes["age"]["outcome"] == "same"
    assert outcomes["sex"]["outcome"] == "filled"
    assert measure_outcomes({"temperature": "39"}, {"temperature": "37,5"})[0]["outcome"] == "kept"
