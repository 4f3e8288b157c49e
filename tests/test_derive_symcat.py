"""The SymCat derivation (knowledge/derive/symcat.py) on a small fixture: reviewed condition table and lay
vocabulary in, curated-disease Turtle out, with cited frequencies, age/sex odds and visit-share priors."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from knowledge.curated import read_curated_file
from knowledge.derive.symcat import derive


def _symptoms(**percent: int) -> dict:
    return {
        slug.replace("_", "-"): {"slug": slug.replace("_", "-"), "probability": p}
        for slug, p in percent.items()
    }


CONDITIONS = {
    "flu-like-illness": {
        "symptoms": _symptoms(fever=80, cough=60, headache=40, sore_throat=0),
        "age": {"age-15-29-years": {"odds": 1.5}, "age-75-years": {"odds": 0.0}},
        "sex": {"sex-male": {"odds": 1.1}, "sex-female": {"odds": 0.9}},
    },
    "ankle-sprain": {"symptoms": _symptoms(ankle_pain=90, ankle_swelling=50, fever=2), "age": {}, "sex": {}},
    "vague-thing": {"symptoms": _symptoms(fever=10), "age": {}, "sex": {}},
    "sore-knee": {"symptoms": _symptoms(fever=1, ankle_pain=5, cough=1), "age": {}, "sex": {}},
}
SYMPTOMS = {
    "fever": {"common_causes": {"a": {"slug": "cause-flu-like-illness", "probability": 30}}},
    "cough": {"common_causes": {"a": {"slug": "cause-flu-like-illness", "probability": 20}}},
    "ankle-pain": {"common_causes": {"a": {"slug": "cause-ankle-sprain", "probability": 45}}},
}
TABLE_HEAD = "\t".join(
    [
        "symcat_slug",
        "include",
        "exclude_reason",
        "dxg_id",
        "same_as_existing",
        "hpo_disease",
        "icd10",
        "mondo",
        "label_en",
        "label_es",
    ]
    + ["review_note\n"]
)
TABLE = (
    TABLE_HEAD
    + "flu-like-illness\tyes\t\tDXG_flu_like\tno\t\tJ11;J11.1\t\tFlu-like illness\tSíndrome gripal\t\n"
    + "ankle-sprain\tyes\t\tDXG_ankle_sprain\tno\t\tS93.4\t\tAnkle sprain\tEsguince de tobillo\t\n"
    + "vague-thing\tyes\t\tDXG_vague\tno\t\tR69\t\tVague thing\tCosa vaga\t\n"
    + "sore-knee\tyes\t\tDXG_sore_knee\tno\t\tM25.56\t\tSore knee\tRodilla dolorida\t\n"
)
VOCABULARY = "source\tsource_id\tphrase\tlang\thpo_id\thpo_label\tstatus\tnote\n" + "".join(
    f"symcat\t{slug}\t{slug}\ten\t{hpo}\t{label}\treviewed\t\n"
    for slug, hpo, label in (
        ("fever", "HP:0001945", "Fever"),
        ("cough", "HP:0012735", "Cough"),
        ("headache", "HP:0002315", "Headache"),
        ("sore-throat", "HP:0033050", "Sore throat"),
        ("ankle-pain", "HP:0030836", "Ankle pain"),
        ("ankle-swelling", "HP:0031130", "Ankle swelling"),
    )
)


def write_fixture(root: Path, table: str = TABLE) -> tuple[Path, Path]:
    symcat = root / "shared" / "data" / "common_sources" / "symcat"
    symcat.mkdir(parents=True)
    (symcat / "conditions.json").write_text(json.dumps(CONDITIONS), encoding="utf-8")
    (symcat / "symptoms.json").write_text(json.dumps(SYMPTOMS), encoding="utf-8")
    curation = root / "curation"
    curation.mkdir()
    (curation / "symcat_conditions_part1.tsv").write_text(table, encoding="utf-8")
    (curation / "lay_vocabulary.tsv").write_text(VOCABULARY, encoding="utf-8")
    return root / "shared", curation


def test_conditions_become_cited_curated_diseases(tmp_path: Path) -> None:
    shared, curation = write_fixture(tmp_path)
    text, counts = derive(shared, curation, {}, {"HP:0001945": "Fever"})
    target = tmp_path / "common_symcat.ttl"
    target.write_text(text, encoding="utf-8")
    records = {r.id: r for r in read_curated_file(target).diseases}
    assert set(records) == {"DXG:flu_like", "DXG:ankle_sprain", "DXG:sore_knee"}  # vague: 1 symptom < 3
    assert counts["skipped"] == 1 and counts["count"] == 3
    flu = records["DXG:flu_like"]
    assert flu.declared and flu.label_es == "Síndrome gripal" and flu.icd10 == ["J11", "J11.1"]
    links = {link.hpo_id: (link.frequency, link.sources) for link in flu.links}
    assert links["HP:0001945"] == (0.8, ["dataset:SymCat/flu-like-illness#fever=80%"])
    assert "HP:0033050" not in links  # 0% is no link
    assert dict(flu.age_odds)[15] == 1.5 and dict(flu.age_odds)[75] == 0.0
    assert flu.sex_odds == {"male": 1.1, "female": 0.9}


def test_visit_share_priors(tmp_path: Path) -> None:
    """Conditions SymCat lists as a symptom's top cause get their estimated visit share; one it never lists
    is rarer than all of them: a quarter of the smallest share."""
    shared, curation = write_fixture(tmp_path)
    text, _ = derive(shared, curation, {}, {})
    target = tmp_path / "common_symcat.ttl"
    target.write_text(text, encoding="utf-8")
    records = {r.id: r for r in read_curated_file(target).diseases}
    flu, sprain, knee = (records[f"DXG:{d}"].prevalence for d in ("flu_like", "ankle_sprain", "sore_knee"))
    assert "visit share" in records["DXG:flu_like"].prevalence_source
    assert "not a top cause" in records["DXG:sore_knee"].prevalence_source
    assert knee == pytest.approx(0.25 * min(flu, sprain), rel=0.02)


INCIDENCE_HEAD = "dxg_id\tlabel\tincidence_per_100k\tconfidence\tsource\tnote\n"


def test_incidence_priors(tmp_path: Path) -> None:
    """A condition that is no symptom's top cause takes the prior its curated incidence predicts from the
    conditions that have both: the lower of the proportional scale (median ratio) and the least-squares
    line."""
    shared, curation = write_fixture(tmp_path)
    (curation / "consultation_incidence.tsv").write_text(
        INCIDENCE_HEAD
        + "DXG:flu_like\tFlu-like illness\t4000\tmedium\tX et al. 2020\t\n"
        + "DXG:ankle_sprain\tAnkle sprain\t1000\tmedium\tY et al. 2019\t\n"
        + "DXG:sore_knee\tSore knee\t50\tlow\tunverified: clinical estimate\t\n",
        encoding="utf-8",
    )
    text, _ = derive(shared, curation, {}, {})
    target = tmp_path / "common_symcat.ttl"
    target.write_text(text, encoding="utf-8")
    records = {r.id: r for r in read_curated_file(target).diseases}
    flu, sprain, knee = (records[f"DXG:{d}"] for d in ("flu_like", "ankle_sprain", "sore_knee"))
    slope = math.log(flu.prevalence / sprain.prevalence) / math.log(4000 / 1000)  # the line through both
    on_line = sprain.prevalence * (50 / 1000) ** slope
    proportional = 50 * math.sqrt(flu.prevalence / 4000 * sprain.prevalence / 1000)  # median of two ratios
    assert knee.prevalence == pytest.approx(min(on_line, proportional), rel=0.02)
    assert "curated incidence 50 per 100,000" in knee.prevalence_source
    assert "unverified" in knee.prevalence_source


def test_a_bad_incidence_is_named_with_file_and_line(tmp_path: Path) -> None:
    shared, curation = write_fixture(tmp_path)
    (curation / "consultation_incidence.tsv").write_text(
        INCIDENCE_HEAD + "DXG:sore_knee\tSore knee\t50\tlow\t\t\nDXG:flu_like\tFlu\tmany\tlow\t\t\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="consultation_incidence.tsv:3: incidence_per_100k"):
        derive(shared, curation, {}, {})


def test_an_unknown_slug_is_named_with_file_and_line(tmp_path: Path) -> None:
    shared, curation = write_fixture(
        tmp_path, TABLE + "no-such-condition\tyes\t\tDXG_x\tno\t\tR69\t\tX\tX\t\n"
    )
    with pytest.raises(ValueError, match="symcat_conditions_part1.tsv:6"):
        derive(shared, curation, {}, {})


FILLER = {  # the scrape's filler page: one unrelated list at one percentage, with one set of odds
    "symptoms": _symptoms(ankle_pain=91, cough=91, headache=91, fever=91),
    "age": {"age-1-years": {"odds": 15.5}},
    "sex": {"sex-male": {"odds": 1.2}, "sex-female": {"odds": 0.9}},
}
UNRELIABLE_TABLE = (
    TABLE
    + "rabies\tyes\t\tDXG_rabies\tno\t\tA82\t\tRabies\tRabia\t\n"
    + "west-nile\tyes\t\tDXG_west_nile\tno\t\tA92.3\t\tWest Nile\tNilo Occidental\t\n"
    + "tiny-sample\tyes\t\tDXG_tiny\tno\t\tR69\t\tTiny sample\tMuestra pequeña\t\n"
    + "few-patients\tyes\t\tDXG_few\tno\t\tI07\t\tFew patients\tPocos pacientes\t\n"
)
FEW = dict(fever=51, cough=4, headache=51, ankle_pain=4, ankle_swelling=4, nausea=51, rash=4, itch=4)


def test_filler_and_flat_pages_need_a_clinical_profile(tmp_path: Path) -> None:
    """A SymCat page shared verbatim by several conditions (the scrape's filler) or with every symptom at
    one percentage says nothing of the condition: the condition is left out unless a reviewed clinical
    profile supersedes its links, and a filler page's age and sex odds are not used."""
    conditions = {
        **CONDITIONS,
        "rabies": FILLER,
        "west-nile": FILLER,
        "vague-thing": FILLER,  # three conditions share the page
        "tiny-sample": {"symptoms": _symptoms(fever=20, cough=20, headache=20, ankle_pain=20)},
        "few-patients": {"symptoms": _symptoms(**FEW)},  # 8 symptoms at two percentages
    }
    shared, curation = write_fixture(tmp_path, UNRELIABLE_TABLE)
    symcat = shared / "data" / "common_sources" / "symcat"
    (symcat / "conditions.json").write_text(json.dumps(conditions), encoding="utf-8")
    symptoms = {**SYMPTOMS, "headache": {"common_causes": {"a": {"slug": "cause-rabies", "probability": 5}}}}
    (symcat / "symptoms.json").write_text(json.dumps(symptoms), encoding="utf-8")
    text, _ = derive(shared, curation, {}, {})
    target = tmp_path / "common_symcat.ttl"
    target.write_text(text, encoding="utf-8")
    ids = {r.id for r in read_curated_file(target).diseases}
    assert {"DXG:flu_like", "DXG:ankle_sprain"} <= ids
    assert not ids & {"DXG:rabies", "DXG:west_nile", "DXG:tiny", "DXG:few"}
    header = " ".join(text.split("#     "))
    assert "Left out (no profile): few-patients, rabies, tiny-sample, vague-thing, west-nile." in header

    text, _ = derive(shared, curation, {}, {}, profiled={"DXG_rabies", "DXG_tiny"})
    target.write_text(text, encoding="utf-8")
    records = {r.id: r for r in read_curated_file(target).diseases}
    assert "DXG:west_nile" not in records
    rabies, tiny = records["DXG:rabies"], records["DXG:tiny"]
    assert all(odds == 1.0 for _, odds in rabies.age_odds)
    assert rabies.sex_odds == {"male": 1.0, "female": 1.0}
    # SymCat names rabies as a cause of headache, but its filler percentages cannot give a visit share
    assert "not a top cause" in rabies.prevalence_source and "not a top cause" in tiny.prevalence_source


def test_the_committed_generated_files_are_what_the_derivation_writes(tmp_path: Path, monkeypatch) -> None:
    """`dxgraph kb derive` on the shared raw data rewrites the generated files exactly as committed: nobody
    edited them by hand, and a change of the derivation was committed with its output."""
    import os
    import shutil

    from cli.main import main

    repo = Path(__file__).resolve().parents[1]
    shared = Path(os.environ.get("DXGRAPH_SHARED", repo.parent / "shared"))
    if not (shared / "data" / "common_sources").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{shared}/data/common_sources is missing: the shared raw data are required in CI")
        pytest.skip("the shared raw data are not available outside CI")
    copy = tmp_path / "ontologies"
    shutil.copytree(repo / "ontologies", copy)
    monkeypatch.setenv("DXGRAPH_ONTOLOGIES", str(copy))
    monkeypatch.setenv("DXGRAPH_HOME", str(tmp_path / "home"))
    assert main(["kb", "derive", "--shared", str(shared)]) == 0
    for name in ("common_symcat.ttl", "common_hsdn.ttl", "common_literature.ttl", "translations/hp-es.tsv"):
        assert (copy / name).read_bytes() == (repo / "ontologies" / name).read_bytes(), name
