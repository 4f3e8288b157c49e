"""Parsing the HPO sources faithfully: frequencies in all forms, typed synonyms, obsoletes, link counts."""

from __future__ import annotations

import csv

import pytest

from knowledge.config import load_settings
from knowledge.frequency import FrequencyError, parse_frequency
from knowledge.hpoa import parse_hpoa
from knowledge.obo import parse_obo
from knowledge.stats import kb_stats

HPO_DIR = load_settings().hpo_dir


@pytest.mark.parametrize(
    ("text", "value", "n", "m", "kind"),
    [
        ("HP:0040281", 0.895, None, None, "term"),
        ("HP:0040284", 0.025, None, None, "term"),
        ("3/4", 0.75, 3, 4, "ratio"),
        ("0/7", 0.0, 0, 7, "ratio"),
        ("45%", 0.45, None, None, "percent"),
        ("12.5%", 0.125, None, None, "percent"),
        ("", None, None, None, "missing"),
    ],
)
def test_frequency_forms(text, value, n, m, kind):
    freq = parse_frequency(text)
    assert freq.value == pytest.approx(value) if value is not None else freq.value is None
    assert (freq.n, freq.m, freq.kind) == (n, m, kind)


@pytest.mark.parametrize("text", ["5/3", "1/0", "150%", "often", "HP:0000118"])
def test_bad_frequencies_are_rejected(text):
    with pytest.raises(FrequencyError):
        parse_frequency(text)


def test_zero_counts_and_excluded_term_mean_not():
    assert parse_frequency("0/5").excludes
    assert parse_frequency("HP:0040285").excludes
    assert not parse_frequency("1/5").excludes


@pytest.fixture(scope="module")
def ontology():
    return parse_obo(HPO_DIR / "hp.obo")


@pytest.fixture(scope="module")
def hpoa():
    return parse_hpoa(HPO_DIR / "phenotype.hpoa")


def test_obo_terms_synonyms_and_obsoletes(ontology):
    text = (HPO_DIR / "hp.obo").read_text(encoding="utf-8")
    stanzas = text.split("[Term]")[1:]
    obsolete = sum("is_obsolete: true" in s for s in stanzas)
    assert ontology.release == "2025-01-16"
    assert len(ontology.terms) == len(stanzas) - obsolete
    assert len(ontology.obsolete) == obsolete
    fever = ontology.terms["HP:0001945"]
    assert fever.name == "Fever"
    assert any(s.kind == "layperson" and s.text == "Fever" for s in fever.synonyms)
    assert "HP:0000057" in ontology.obsolete and ontology.obsolete["HP:0000057"].replaced_by == "HP:0008665"
    assert ontology.alt_ids["HP:0003543"] == "HP:0001946"  # Ketosis alt id


def test_hpoa_rows_recounted_independently(hpoa):
    with open(HPO_DIR / "phenotype.hpoa", encoding="utf-8") as handle:
        rows = [r for r in csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")][
            1:
        ]
    aspect_p = [r for r in rows if r[10] == "P"]
    negated = [r for r in aspect_p if r[2] == "NOT" or r[7] == "HP:0040285" or r[7].startswith("0/")]
    parsed_p = [a for a in hpoa.annotations if a.aspect == "P"]
    assert len(hpoa.annotations) == len(rows)
    assert len(parsed_p) == len(aspect_p)
    assert sum(a.negated for a in parsed_p) == len(negated)
    assert sum(a.frequency.value is not None for a in parsed_p) == sum(bool(r[7]) for r in aspect_p)
    assert hpoa.unparsed == []
    counted = [a for a in parsed_p if a.frequency.m is not None]
    assert all(isinstance(a.frequency.n, int) for a in counted) and len(counted) > 50_000
    assert {a.aspect for a in hpoa.annotations} >= {"P", "I", "C"}


def test_stats_match_the_source_file(kb, hpoa):
    stats = kb_stats(kb)
    p_rows = [a for a in hpoa.annotations if a.aspect == "P"]
    assert stats["hpo_release"] == "2025-01-16"
    assert stats["diseases"]["total"] >= 12_600 + 60
    assert stats["diseases"]["OMIM"] == len(
        {a.disease_id for a in hpoa.annotations if a.disease_id.startswith("OMIM")}
    )
    assert stats["diseases"]["curated"] >= 60
    assert stats["unparsed_frequencies"] == 0
    assert stats["links_by_origin"]["hpo"] + stats["overridden_hpo_links"] == len(p_rows)
    curated_not = int(kb.link_negated[kb.link_origin > 0].sum())
    hpo_not_kept = int(kb.link_negated[kb.link_origin == 0].sum())
    assert stats["not_links"] == hpo_not_kept + curated_not
    assert hpo_not_kept <= sum(a.negated for a in p_rows)
