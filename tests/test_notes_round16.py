"""Issue 12, sixteenth session: a negated action does not deny the clauses after it. "Doesn't want to eat,
threw up twice" had read the vomiting as absent (the negation that opens a sentence reached over the comma,
as in a list of negatives), and "doesn't want to eat" itself was no finding. English and Spanish."""

from __future__ import annotations

import pytest

from tests.note_results import excluded, observed

VOMITING, POOR_APPETITE, OLIGURIA, FEVER = "HP:0002013", "HP:0004396", "HP:0100520", "HP:0001945"
COUGH, RASH = "HP:0012735", "HP:0000988"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Doesn't want to eat, threw up twice.", "en"),
        ("Does not want to eat, vomited twice since this morning.", "en"),
        ("He doesn't want to go to school, threw up twice.", "en"),
        ("Did not go to work today, vomited twice.", "en"),
        ("No quiere comer nada, ha vomitado dos veces.", "es"),
        ("No tolera la comida, vómitos desde ayer.", "es"),
    ],
)
def test_a_negated_action_does_not_deny_the_next_clause(read, text, lang):
    result = read(text, lang)
    assert VOMITING in observed(result)
    assert VOMITING not in excluded(result)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Doesn't want to eat, threw up twice.", "en"),
        ("He isn't eating and feels sick.", "en"),
        ("Won't eat since yesterday.", "en"),
        ("No come nada desde ayer.", "es"),
    ],
)
def test_not_wanting_to_eat_is_poor_appetite(read, text, lang):
    result = read(text, lang)
    assert POOR_APPETITE in observed(result)


def test_a_negated_verb_without_a_finding_keeps_to_its_clause(read):
    result = read("He isn't drinking much, passing less urine.", "en")
    assert OLIGURIA in observed(result)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("He doesn't have a fever, cough or rash.", "en"),
        ("She does not report fever, cough or rash.", "en"),
        ("No tiene fiebre, tos ni exantema.", "es"),
        ("No refiere fiebre, tos ni exantema.", "es"),
    ],
)
def test_a_negated_verb_naming_a_finding_still_denies_the_list(read, text, lang):
    """The rule must not break the common list: the clause of the negation names a finding."""
    result = read(text, lang)
    assert {FEVER, COUGH} <= excluded(result)
    assert not {FEVER, COUGH} & observed(result)


def test_a_wish_keeps_to_its_clause(read):
    """ "would like to" is hypothetical in its clause only."""
    result = read("She would like to try for a baby, has irregular periods.", "en")
    assert "HP:0000858" in observed(result)  # Irregular menstruation
