"""Curated Turtle: shipped files pass, broken overlays are named with file and line, builds refuse them."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from cli.main import main
from knowledge.build import check_curated, read_sources
from knowledge.config import load_settings
from knowledge.kb import current_dir

REPO = Path(__file__).resolve().parents[1]
BROKEN = REPO / "tests" / "data" / "broken"


@pytest.fixture(scope="module")
def sources():
    return read_sources(load_settings().hpo_dir)


def test_shipped_ontologies_are_valid(sources):
    files, problems = check_curated(sources, REPO / "ontologies")
    assert problems == []
    diseases = [r for f in files for r in f.diseases if r.declared]
    assert len(diseases) >= 60
    for record in diseases:
        assert record.label_en and record.label_es and record.icd10 and record.prevalence_source
        assert len(record.links) >= (6 if record.where.file.endswith("common_diseases.ttl") else 3)
        assert all(link.sources and link.frequency is not None for link in record.links)


def test_validate_names_each_broken_line(capsys):
    code = main(["kb", "validate", str(BROKEN / "bad_overlay.ttl")])
    err = capsys.readouterr().err
    assert code == 1
    expected = [
        (9, "frequency 1.5 outside [0, 1]"),
        (11, "unknown HPO id HP:9999999"),
        (13, "HP:0000057 is obsolete"),
        (15, "has no citation"),
        (18, "unknown disease id OMIM:999999999"),
        (25, "contradictory link OMIM:619340 - HP:0001250"),
    ]
    for line, message in expected:
        assert any(f"bad_overlay.ttl:{line}:" in row and message in row for row in err.splitlines()), (
            line,
            err,
        )


def test_validate_reports_syntax_error_line(capsys):
    assert main(["kb", "validate", str(BROKEN / "bad_syntax.ttl")]) == 1
    assert "bad_syntax.ttl:6: Turtle syntax error" in capsys.readouterr().err


def test_build_refuses_invalid_overlay_and_keeps_last_good(tmp_path, capsys):
    ontologies = tmp_path / "ontologies"
    shutil.copytree(REPO / "ontologies", ontologies)
    home = tmp_path / "home"
    args = ["--home", str(home), "--ontologies", str(ontologies), "kb", "build", "--no-sparql"]
    assert main(args) == 0
    good = current_dir(home / "kb")
    shutil.copy(BROKEN / "bad_overlay.ttl", ontologies / "overlays" / "zz_bad.ttl")
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "zz_bad.ttl:11: unknown HPO id HP:9999999" in err
    assert current_dir(home / "kb") == good


def test_overlay_changes_reach_the_knowledge_base(kb):
    holt_oram = kb.disease_index["OMIM:142900"]
    assert kb.disease_prevalence[holt_oram] == pytest.approx(1e-5)
    assert kb.disease_orphan[holt_oram]
    assert kb.disease_info[holt_oram]["label_es"] == "Síndrome de Holt-Oram"
    asd, intellectual = kb.term_index["HP:0001631"], kb.term_index["HP:0001249"]
    rows = np.flatnonzero((kb.link_disease == holt_oram) & (kb.link_term == asd))
    assert len(rows) == 1 and kb.link_origin[rows[0]] == 2 and kb.link_freq[rows[0]] == pytest.approx(0.6)
    rows = np.flatnonzero((kb.link_disease == holt_oram) & (kb.link_term == intellectual))
    assert kb.link_negated[rows].all() and len(rows) == 1


def test_curated_diseases_and_spanish_labels(kb):
    influenza = kb.disease_index["DXG:influenza"]
    assert kb.disease_source[influenza] == "curated" and not kb.disease_orphan[influenza]
    assert kb.disease_info[influenza]["icd10"]
    assert kb.label("HP:0001945", "es") == "Fiebre"
    assert len(kb.term_info["labels_es"]) >= 300


def test_clinical_profile_supersedes_the_survey_links(kb):
    """A reviewed clinical profile (dx:supersedes "dataset:SymCat") replaces the survey's lay-symptom links
    of that disease; the survey's age and sex odds stay, and other diseases keep their survey links."""
    abscess = kb.disease_index["DXG:intracranial_abscess"]
    rows = np.flatnonzero(kb.link_disease == abscess)
    refs = [kb.link_refs[r] for r in rows]
    assert len(rows) >= 6
    assert not any(ref.startswith("dataset:SymCat") for ref in refs), refs
    assert all(ref.startswith(("PMID:", "DOI:", "guideline:", "near-synonym of")) for ref in refs), refs
    terms = {kb.term_ids[kb.link_term[r]] for r in rows}
    assert "HP:0100749" not in terms  # SymCat's "sharp chest pain 40%" is gone
    assert "HP:0002315" in terms  # headache, the commonest presenting feature
    assert kb.disease_info[abscess]["age_odds"]
    lung_abscess = kb.disease_index["DXG:abscess_of_the_lung"]
    other_refs = [kb.link_refs[r] for r in np.flatnonzero(kb.link_disease == lung_abscess)]
    assert any(ref.startswith("dataset:SymCat") for ref in other_refs)


def test_review_codes_map_to_one_curated_disease(kb):
    """The 2026-11-28 review: diagnoses coded I64 (stroke, unspecified), I20.0 (unstable angina), M11.2
    (pseudogout), N04 (nephrotic syndrome) and J05.1 (epiglottitis) each have a curated disease to match."""
    expected = {
        "I64": "DXG:ischemic_stroke",
        "I20.0": "DXG:acute_myocardial_infarction",
        "M11.2": "DXG:calcium_pyrophosphate_arthritis",
        "N04": "DXG:nephrotic_syndrome",
        "J05.1": "DXG:acute_epiglottitis",
    }
    for code, disease in expected.items():
        holders = [
            kb.disease_ids[i] for i, info in enumerate(kb.disease_info) if code in info.get("icd10", [])
        ]
        assert holders == [disease], (code, holders)


def test_cystic_fibrosis_profile_replaces_survey_co_complaints(kb):
    """Cystic fibrosis: NICE NG78's picture instead of SymCat's 4% co-complaints (bleeding gums, floaters);
    the SymCat malaise the curator agreed with is kept."""
    cf = kb.disease_index["DXG:cystic_fibrosis"]
    rows = np.flatnonzero(kb.link_disease == cf)
    terms = {kb.term_ids[kb.link_term[r]] for r in rows}
    assert {"HP:0002783", "HP:0001738", "HP:0034315"} <= terms  # chest infections, pancreas, chronic cough
    assert "HP:0000225" not in terms and "HP:0100832" not in terms  # gingival bleeding, floaters
    assert "HP:0033834" in terms
