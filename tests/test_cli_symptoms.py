"""`dxgraph diagnose --symptoms` takes names and synonyms (English or Spanish) as well as HPO ids,
`--sex unknown` like the API, and explains in the site's words (web/wording.py); `dxgraph up` says where it
looked for demo data."""

from __future__ import annotations

import re

import pytest

from cli.main import main
from cli.symptoms import read_symptoms
from inference.evidence import EvidenceError

FEVER, COUGH, DYSPNEA = "HP:0001945", "HP:0012735", "HP:0002094"


def test_names_synonyms_and_ids_are_read_alike(kb):
    observed, excluded, readings = read_symptoms(kb, "Fever:severe, tos, -shortness of breath, -HP:0001250")
    assert observed == [(FEVER, "severe"), (COUGH, None)]
    assert excluded == [DYSPNEA, "HP:0001250"]
    assert [term for _, term in readings] == [FEVER, COUGH, DYSPNEA]
    assert read_symptoms(kb, "FIEBRE,Disnea:mild")[0] == [(FEVER, None), (DYSPNEA, "mild")]
    assert read_symptoms(kb, "HP:0001945:moderate")[0] == [(FEVER, "moderate")]


def test_an_unknown_name_names_close_ones(kb):
    with pytest.raises(EvidenceError) as caught:
        read_symptoms(kb, "fevr")
    assert "not an HPO id, label or synonym" in str(caught.value)
    with pytest.raises(EvidenceError) as caught:
        read_symptoms(kb, "fev")  # a prefix is not a name: the CLI never guesses
    assert "Fever (HP:0001945)" in str(caught.value)
    with pytest.raises(EvidenceError):
        read_symptoms(kb, "fever:very")


def test_cli_reads_names_and_unknown_sex_and_explains_in_words(kb_home, capsys):
    code = main(
        [
            "--home",
            str(kb_home),
            "diagnose",
            "--symptoms",
            "fever:severe,cough,-shortness of breath,-seizure",
            "--sex",
            "unknown",
            "--age",
            "34",
            "--model",
            "literature",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "reading 'fever' as HP:0001945 Fever" in captured.err
    out = captured.out
    assert re.search(r"\d times (more|less) likely\s+(Fever|Cough)", out)
    assert "no effect: " in out and "Seizure [absent]" in out  # the unrelated absent finding
    assert not re.search(r"^\s+[+-] \d+\.\d\d\s", out, re.MULTILINE)  # no bare "+6.81"
    assert "compared with the average patient" in out


def test_cli_twins_in_words(kb_home, capsys):
    marfan = "arachnodactyly,ectopia lentis,HP:0002616,pectus carinatum,HP:0001519"
    args = ["--home", str(kb_home), "diagnose", "--symptoms", marfan, "--context", "rare-disease-clinic"]
    assert main([*args, "--model", "literature", "--explain", "1"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"also catalogued as ORPHA:558, which gives \d+% of this probability", out)
    assert "(includes" not in out


def test_up_without_demo_data_says_where_it_looked(tmp_path, monkeypatch):
    from cli.learn_commands import no_demo_data
    from knowledge.config import load_settings

    monkeypatch.setenv("DXGRAPH_SHARED", str(tmp_path / "shared"))
    monkeypatch.delenv("DXGRAPH_DEMO_DATA", raising=False)
    settings = load_settings()
    assert settings.demo_data == []
    message = no_demo_data(settings)
    assert str(tmp_path / "shared" / "data" / "phenopackets" / "dev") in message
    assert "DXGRAPH_DEMO_DATA" in message
