"""The literature derivation (knowledge/derive/literature.py) on a small fixture of each source: HSDN's two
subsets and the Columbia knowledge base, through reviewed tables, into overlay Turtle the build reads."""

from __future__ import annotations

from pathlib import Path

import pytest

import knowledge.derive.literature as literature
from knowledge.curated import read_curated_file
from knowledge.derive.symcat import read_table

DO_SUBSET = """symptom_name\tdisease_name\tcooccurs\ttfidf_score\tdisease_id\tsymptom_id\tdoid_code\tdoid_name
Fever\tHepatitis B\t10\t5.0\tD006509\tD005334\tDOID:2043\thepatitis B
Jaundice\tHepatitis B\t30\t40.0\tD006509\tD007565\tDOID:2043\thepatitis B
Nausea\tHepatitis B\t5\t2.0\tD006509\tD009325\tDOID:2043\thepatitis B
Body Weight\tHepatitis B\t50\t90.0\tD006509\tD001835\tDOID:2043\thepatitis B
"""
CARDIO = (
    "MeSH Disease ID\tMeSH Disease Term\tMeSH Symptom ID\tMeSH Symptom Term\tTFIDF score\tPubMed occurrence\n"
    "D011655\tPulmonary Embolism\tD004417\tDyspnea\t80.0\t400\n"
    "D011655\tPulmonary Embolism\tD006469\tHemoptysis\t60.0\t100\n"
)
COLUMBIA = (
    "Disease,Count of Disease Occurrence,Symptom\n"
    "UMLS:C0019196_hepatitis C,100,UMLS:C0022346_icterus\n"
    ",,UMLS:C0015672_fatigue\n"
)
DISEASES = (
    "disease\tsource_disease\tsource_label\treview\n"
    "viral_hepatitis\tHSDN:D006509\tHepatitis B\treviewed\n"
    "viral_hepatitis\tCOL:C0019196\thepatitis C\treviewed\n"
    "pulmonary_embolism\tHSDN:D011655\tPulmonary Embolism\treviewed\n"
)
SYMPTOMS = (
    "source_symptom\tsource_name\thpo_id\thpo_label\thow\n"
    "MESH:D005334\tFever\tHP:0001945\tFever\texact\n"
    "MESH:D007565\tJaundice\tHP:0000952\tJaundice\texact\n"
    "MESH:D009325\tNausea\tHP:0002018\tNausea\texact\n"
    "MESH:D004417\tDyspnea\tHP:0002094\tDyspnea\texact\n"
    "MESH:D006469\tHemoptysis\tHP:0002105\tHemoptysis\texact\n"
    "UMLS:C0022346\ticterus\tHP:0000952\tJaundice\txref\n"
    "UMLS:C0015672\tfatigue\tHP:0012378\tFatigue\txref\n"
)


def write_fixture(root: Path, diseases: str = DISEASES) -> tuple[Path, Path]:
    common = root / "shared" / "data" / "common_sources"
    for name, text in (
        ("hsdn_do_subset/symptoms-DO.tsv", DO_SUBSET),
        ("hsdn_cardiopulmonary_subset/pulmonary_disease_symptom_association_hsdn.tsv", CARDIO),
        ("columbia_dskb/raw_data_as_csv.csv", COLUMBIA),
    ):
        (common / name).parent.mkdir(parents=True, exist_ok=True)
        (common / name).write_text(text, encoding="utf-8")
    curation = root / "curation"
    curation.mkdir()
    (curation / "literature_diseases.tsv").write_text(diseases, encoding="utf-8")
    (curation / "literature_symptoms.tsv").write_text(SYMPTOMS, encoding="utf-8")
    return root / "shared", curation


PROFILES = {"viral_hepatitis": {"HP:0002027"}, "pulmonary_embolism": {"HP:0100749", "HP:0002098"}}
RELATED = {"HP:0002098": {"HP:0002094"}, "HP:0002094": {"HP:0002098"}}  # respiratory distress ~ dyspnea


def test_each_source_adds_ranked_features_the_profile_lacks(tmp_path: Path) -> None:
    shared, curation = write_fixture(tmp_path)
    text, counts = literature.derive(shared, curation, PROFILES, RELATED, {"HP:0000952": "Jaundice"})
    target = tmp_path / "common_literature.ttl"
    target.write_text(text, encoding="utf-8")
    records = {r.id: r for r in read_curated_file(target).diseases}
    assert not any(r.declared for r in records.values())  # overlays on the curated diseases
    hepatitis = [
        (link.hpo_id, link.frequency, link.evidence) for link in records["DXG:viral_hepatitis"].links
    ]
    # jaundice first (HSDN rank 1 and Columbia rank 1, one link), then fever, fatigue (Columbia), nausea
    expected = ["HP:0000952", "HP:0001945", "HP:0002018", "HP:0012378"]
    assert sorted(term for term, _, _ in hepatitis) == expected
    block = text[text.index("dxd:DXG_viral_hepatitis") :]
    order = ["HP_0000952", "HP_0001945", "HP_0012378", "HP_0002018"]
    assert [block.index(term) for term in order] == sorted(block.index(term) for term in order)
    frequency = {term: f for term, f, _ in hepatitis}
    # the best-ranked feature is taken as the most typical: frequency falls with the rank
    assert [frequency[t.replace("_", ":")] for t in order] == [literature.link_frequency(k) for k in range(4)]
    assert frequency["HP:0000952"] > frequency["HP:0002018"] >= literature.FLOOR_FREQUENCY
    assert {e for _, _, e in hepatitis} == {"IEA"}
    sources = {link.hpo_id: link.sources for link in records["DXG:viral_hepatitis"].links}
    assert sources["HP:0012378"] == ["dataset:COL/C0019196#UMLS:C0015672:rank 2"]
    # dyspnea is related to a feature pulmonary embolism already lists: only hemoptysis is added
    assert [link.hpo_id for link in records["DXG:pulmonary_embolism"].links] == ["HP:0002105"]
    assert counts == {"diseases": 2, "links": 5}


def test_top_features_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared, curation = write_fixture(tmp_path)
    monkeypatch.setattr(literature, "TOP_FEATURES", 2)
    _, counts = literature.derive(shared, curation, PROFILES, RELATED, {})
    assert counts == {"diseases": 2, "links": 3}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "viral_hepatitis\tHSDN:D999999\tNothing\treviewed\n",
            "literature_diseases.tsv:5: HSDN:D999999 is in no",
        ),
        (
            "no_such_disease\tHSDN:D011655\tPulmonary Embolism\treviewed\n",
            "literature_diseases.tsv:5: no_such",
        ),
    ],
)
def test_a_bad_table_row_is_named_with_file_and_line(tmp_path: Path, row: str, message: str) -> None:
    shared, curation = write_fixture(tmp_path, DISEASES + row)
    with pytest.raises(ValueError, match=message):
        literature.derive(shared, curation, PROFILES, RELATED, {})


def test_shipped_file_is_what_the_tables_give() -> None:
    """The committed Turtle cites only rows of the reviewed tables (no hand edits of a generated file)."""
    ontologies = Path(__file__).resolve().parents[1] / "ontologies"
    tables = {
        row["source_disease"].replace(":", "/")
        for row in read_table([ontologies / "curation" / "literature_diseases.tsv"])
    }
    symptoms = {
        row["source_symptom"]: row["hpo_id"]
        for row in read_table([ontologies / "curation" / "literature_symptoms.tsv"])
    }
    records = read_curated_file(ontologies / "common_literature.ttl").diseases
    assert len(records) > 150
    for record in records:
        assert 0 < len(record.links) <= literature.TOP_FEATURES
        for link in record.links:
            (citation,) = link.sources
            source, symptom = citation.removeprefix("dataset:").split("#")
            assert source in tables
            assert symptoms[symptom.rsplit(":", 1)[0]] == link.hpo_id


def test_a_curator_rejection_drops_the_link_without_backfill(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared, curation = write_fixture(tmp_path)
    monkeypatch.setattr(literature, "TOP_FEATURES", 3)  # jaundice, fever, fatigue; nausea is 4th
    (curation / "literature_rejected.tsv").write_text(
        "disease\thpo_id\thpo_label\treason\nviral_hepatitis\tHP:0001945\tFever\tnot a feature\n",
        encoding="utf-8",
    )
    text, counts = literature.derive(shared, curation, PROFILES, RELATED, {})
    block = text[text.index("dxd:DXG_viral_hepatitis") :]
    assert "HP_0001945" not in block and "HP_0002018" not in block  # rejected; the 4th does not move up
    assert counts == {"diseases": 2, "links": 3}
    (curation / "literature_rejected.tsv").write_text(
        "disease\thpo_id\thpo_label\treason\nno_such\tHP:0001945\tFever\tx\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="literature_rejected.tsv:2: no_such is not a curated disease"):
        literature.derive(shared, curation, PROFILES, RELATED, {})
