"""The HSDN-checklist derivation (knowledge/derive/hsdn_conditions.py) on a small fixture: reviewed condition
and profile tables in, curated-disease Turtle out, with cited links, age/sex odds, an incidence prior and
the identity with an HPO disease; a bad field is named with file and line."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from knowledge.curated import read_curated_file
from knowledge.derive.hsdn_conditions import derive

HEAD = (
    "mesh_id\tmesh_term\tinclude\texclude_reason\tdxg_id\ticd10\thpo_disease\tlabel_en\tlabel_es\t"
    "incidence_per_100k\tincidence_source\tage_odds\tsex_odds\tsetting\treview_note\n"
)
AGES = "0:0.1 1:0.5 5:1 15:1.5 30:1.2 45:1 60:0.8 75:0.6"
ROWS = [
    "D012409\tRubella\tyes\t\tDXG_rubella\tB06.9\t\tRubella\tRubéola\t2\tunverified: clinical estimate\t"
    f"{AGES}\tmale:1 female:1\tprimary-care\tviral exanthem (Red Book 2021)",
    "D008171\tLung Diseases\tno\tumbrella category\t\t\t\t\t\t\t\t\t\t\t",
    "D010346\tHemoglobinuria, Paroxysmal\tyes\t\tDXG_pnh\tD59.5\tORPHA:447\tParoxysmal nocturnal "
    "haemoglobinuria\tHemoglobinuria paroxística nocturna\t0.13\tguideline:Example 2020\t"
    "0:0 1:0 5:0.2 15:1 30:1.5 45:1.3 60:1 75:0.8\tmale:1 female:1\tprimary-care;emergency\thaemolysis",
    "D000001\tThin profile\tyes\t\tDXG_thin\tR69\t\tThin\tDelgado\t10\t\t"
    f"{AGES}\tmale:0 female:2\temergency\ttoo few terms",
]
PROFILE_HEAD = "dxg_id\thpo_id\thpo_label\tfrequency\tsource\tevidence\n"
PROFILES = [
    ("DXG_rubella", "HP:0000988", "Skin rash", "0.95"),
    ("DXG_rubella", "HP:0002716", "Lymphadenopathy", "0.7"),
    ("DXG_rubella", "HP:0001945", "Fever", "0.6"),
    ("DXG_pnh", "HP:0012378", "Fatigue", "0.8"),
    ("DXG_pnh", "HP:0000790", "Hematuria", "0.5"),
    ("DXG_pnh", "HP:0002098", "Respiratory distress", "0.3"),
    ("DXG_thin", "HP:0001945", "Fever", "0.5"),
]
NAMES = {
    "HP:0000988": "Skin rash",
    "HP:0002716": "Lymphadenopathy",
    "HP:0001945": "Fever",
    "HP:0012378": "Fatigue",
    "HP:0000790": "Hematuria",
    "HP:0002098": "Respiratory distress",
}
FIT = (math.log(3e-5), -6.8, 0.3, 90)  # (log ratio, intercept, slope, pairs), as derive.symcat fits it


def write_fixture(root: Path, rows: list[str] = ROWS, profiles=PROFILES) -> Path:
    curation = root / "curation"
    curation.mkdir(parents=True)
    (curation / "hsdn_conditions_part1.tsv").write_text(HEAD + "".join(r + "\n" for r in rows), "utf-8")
    lines = [f"{d}\t{h}\t{label}\t{f}\tguideline:Red Book 2021\tTAS\n" for d, h, label, f in profiles]
    (curation / "hsdn_profiles_part1.tsv").write_text(PROFILE_HEAD + "".join(lines), "utf-8")
    return curation


def records(tmp_path: Path, text: str) -> dict:
    target = tmp_path / "common_hsdn.ttl"
    target.write_text(text, encoding="utf-8")
    return {r.id: r for r in read_curated_file(target).diseases}


def test_reviewed_conditions_become_cited_curated_diseases(tmp_path: Path) -> None:
    text, counts = derive(None, write_fixture(tmp_path), NAMES, FIT)
    found = records(tmp_path, text)
    assert {"DXG:rubella", "DXG:pnh"} <= set(found)
    assert "DXG:thin" not in found  # one profile term: fewer than 3
    assert counts == {"count": 2, "links": 6, "reviewed": 4, "skipped": 1, "min_links": 3}
    rubella = found["DXG:rubella"]
    assert rubella.declared and rubella.label_es == "Rubéola" and rubella.icd10 == ["B06.9"]
    frequencies = {link.hpo_id: link.frequency for link in rubella.links}
    assert frequencies == {"HP:0000988": 0.95, "HP:0002716": 0.7, "HP:0001945": 0.6}
    assert all(link.sources == ["guideline:Red Book 2021"] for link in rubella.links)
    assert dict(rubella.age_odds)[15] == 1.5 and rubella.sex_odds == {"male": 1.0, "female": 1.0}
    assert "dxd:ORPHA_447" in text.split("dxd:DXG_pnh ")[1]  # one disease, one entry
    assert found["DXG:pnh"].settings == ["emergency", "primary-care"]


def test_priors_follow_the_incidence_like_symcat_conditions(tmp_path: Path) -> None:
    """The lower of the proportional scale and the least-squares line of SymCat's fit."""
    found = records(tmp_path, derive(None, write_fixture(tmp_path), NAMES, FIT)[0])
    for disease, incidence in (("DXG:rubella", 2.0), ("DXG:pnh", 0.13)):
        expected = math.exp(min(FIT[0] + math.log(incidence), FIT[1] + FIT[2] * math.log(incidence)))
        assert found[disease].prevalence == pytest.approx(expected, rel=1e-2)
        assert f"curated incidence {incidence:g} per 100,000" in found[disease].prevalence_source
    assert found["DXG:pnh"].prevalence < found["DXG:rubella"].prevalence


@pytest.mark.parametrize(
    ("column", "bad", "message"),
    [
        ("icd10", "B6", "icd10 must be"),
        ("incidence_per_100k", "often", "incidence_per_100k must be positive"),
        ("age_odds", "0:1 5:1", "age_odds must give"),
        ("sex_odds", "male:1", "sex_odds must be"),
        ("setting", "clinic", "setting must be"),
        ("hpo_disease", "OMIM:12", "hpo_disease must be"),
    ],
)
def test_a_bad_field_is_named_with_file_and_line(tmp_path: Path, column: str, bad: str, message: str) -> None:
    columns = HEAD.strip().split("\t")
    row = ROWS[2].split("\t")
    row[columns.index(column)] = bad
    curation = write_fixture(tmp_path, [ROWS[0], ROWS[1], "\t".join(row)])
    with pytest.raises(ValueError, match=f"hsdn_conditions_part1.tsv:4: {message}"):
        derive(None, curation, NAMES, FIT)


def test_a_bad_profile_line_is_named(tmp_path: Path) -> None:
    curation = write_fixture(tmp_path, profiles=[*PROFILES, ("DXG_rubella", "HP:9999999", "No such", "0.2")])
    with pytest.raises(ValueError, match="hsdn_profiles_part1.tsv:9: 'HP:9999999' is not a live HPO term"):
        derive(None, curation, NAMES, FIT)
    curation = write_fixture(tmp_path / "b", profiles=[("DXG_nothing", "HP:0001945", "Fever", "0.2")])
    with pytest.raises(ValueError, match="hsdn_profiles_part1.tsv:2: 'DXG_nothing' is not an included"):
        derive(None, curation, NAMES, FIT)


def test_a_mesh_id_outside_the_checklist_and_a_clash_stop_it(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    source = shared / "data" / "common_sources" / "hsdn_meshids"
    source.mkdir(parents=True)
    (source / "Disease-Occurence-Output.tsv").write_text(
        "\tMeSH Disease Term\tPubMed occurrence\tMeSH Disease ID\n0\tRubella\t10\tD012409\n", "utf-8"
    )
    curation = write_fixture(tmp_path)
    with pytest.raises(ValueError, match="hsdn_conditions_part1.tsv:3: 'D008171' is not a MeSH disease"):
        derive(shared, curation, NAMES, FIT)
    with pytest.raises(ValueError, match="already curated elsewhere: DXG_rubella"):
        derive(None, curation, NAMES, FIT, curated_ids={"DXG_rubella"})
