"""Autocomplete matches at word starts and prefers whole words ("tos" is cough, not "toscos")."""

from __future__ import annotations

from knowledge.search import phenotype_index

COUGH, COARSE_FACE = "HP:0012735", "HP:0000280"


def test_whole_word_beats_a_longer_word_starting_the_same(kb):
    index = phenotype_index(kb)
    found = [m.term for m in index.search("tos", "es", 8)]
    assert found[0] == COUGH
    assert COARSE_FACE not in found  # "Rasgos faciales toscos"


def test_prefixes_still_work_while_typing(kb):
    index = phenotype_index(kb)
    assert COARSE_FACE in [m.term for m in index.search("tosc", "es", 8)]
    assert index.search("fie", "es", 1)[0].label == "Fiebre"
    assert index.search("dol cab", "es", 1)[0].term == "HP:0002315"
    assert index.search("low set ear", "en", 1)[0].term == "HP:0000369"  # plural read as the word
