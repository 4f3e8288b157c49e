"""`dxgraph diagnose` and `evaluate` end to end on the real knowledge base and real phenopackets."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from cli.main import main


def _case(case_id, observed, excluded=(), disease="OMIM:142900", sex="FEMALE", age="P8Y"):
    features = [{"type": {"id": t}} for t in observed] + [
        {"type": {"id": t}, "excluded": True} for t in excluded
    ]
    return {
        "id": case_id,
        "subject": {"id": "x", "sex": sex, "timeAtLastEncounter": {"age": {"iso8601duration": age}}},
        "phenotypicFeatures": features,
        "interpretations": [{"id": "i", "diagnosis": {"disease": {"id": disease, "label": "x"}}}],
    }


def test_batch_jsonl_with_newer_terms_and_bad_files(kb_home, tmp_path, capsys):
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "a.json").write_text(json.dumps(_case("case-a", ["HP:0002984", "HP:0001631", "HP:9999999"])))
    (cases / "nested").mkdir()
    (cases / "nested" / "b.json").write_text(json.dumps(_case("case-b", ["HP:0001250", "HP:0001249"])))
    (cases / "broken.json").write_text("{not json")
    out = tmp_path / "out.jsonl"
    code = main(
        [
            "--home",
            str(kb_home),
            "diagnose",
            "--phenopackets",
            str(cases),
            "--top",
            "5",
            "--out",
            str(out),
            "--sources",
            "OMIM",
            "--model",
            "literature",
        ]
    )
    assert code == 0
    assert "broken.json" in capsys.readouterr().err
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert {line["case_id"] for line in lines} == {"case-a", "case-b"}
    first = next(line for line in lines if line["case_id"] == "case-a")
    assert len(first["ranking"]) == 5
    assert all(r["disease_id"].startswith("OMIM:") for r in first["ranking"])
    assert first["ranking"][0]["probability"] >= first["ranking"][1]["probability"]
    assert set(first["ranking"][0]) >= {"disease_id", "label", "probability", "orphan", "xrefs"}
    assert any("HP:9999999" in w for w in first["warnings"])
    assert any(r["disease_id"] == "OMIM:142900" for r in first["ranking"][:3])


def test_batch_reads_jsonl(kb_home, tmp_path, capsys):
    path = tmp_path / "cases.jsonl"
    path.write_text(
        json.dumps(_case("j1", ["HP:0001631"]))
        + "\nnot json\n"
        + json.dumps(_case("j2", ["HP:0001250"]))
        + "\n"
    )
    assert (
        main(["--home", str(kb_home), "diagnose", "--phenopackets", str(path), "--model", "literature"]) == 0
    )
    captured = capsys.readouterr()
    assert [json.loads(x)["case_id"] for x in captured.out.splitlines()] == ["j1", "j2"]
    assert "cases.jsonl:2" in captured.err


def test_symptoms_table_explains(kb_home, capsys):
    code = main(
        [
            "--home",
            str(kb_home),
            "diagnose",
            "--symptoms",
            "HP:0001945,HP:0012735,-HP:0002094",
            "--age",
            "34",
            "--sex",
            "female",
            "--temperature",
            "38.9",
            "--model",
            "literature",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "other / not in the knowledge base" in out and "why " in out and "next questions" in out
    assert "Human Phenotype Ontology, release 2025-01-16" in out
    # probabilities as percentages, as on the site (not fractions such as 0.2647)
    assert re.search(r"^  1 +(\d+\.\d|<0\.1)% +(common|orphan) ", out, re.MULTILINE)
    assert not re.search(r"^ +\d+ +0\.\d{4} ", out, re.MULTILINE)
    assert re.search(r"^ +(\d+\.\d|<0\.1)% +other / not in the knowledge base", out, re.MULTILINE)


def test_symptoms_bad_input_is_an_error_not_a_crash(kb_home, capsys):
    assert main(["--home", str(kb_home), "diagnose", "--symptoms", "HP:0001945,-HP:0001945"]) == 2
    assert "both observed and excluded" in capsys.readouterr().err
    assert main(["--home", str(kb_home), "diagnose", "--symptoms", "HP:12"]) == 2
    assert "malformed HPO id" in capsys.readouterr().err


@pytest.mark.slow
def test_evaluate_real_cases_writes_a_report(kb_home, dev_cases_dir, tmp_path, capsys):
    sample = tmp_path / "sample"
    sample.mkdir()
    for path in sorted(dev_cases_dir.glob("*.json"))[::40]:
        shutil.copy(path, sample / path.name)  # a temporary sample, deleted with tmp_path
    report = tmp_path / "report"
    assert (
        main(
            [
                "--home",
                str(kb_home),
                "evaluate",
                "--phenopackets",
                str(sample),
                "--sources",
                "OMIM",
                "--report",
                str(report),
                "--model",
                "literature",
            ]
        )
        == 0
    )
    summary = json.loads(capsys.readouterr().out)
    assert summary["cases"] == len(list(sample.glob("*.json")))
    assert 0 <= summary["top1"] <= summary["top3"] <= summary["top10"] <= 1
    assert 0 <= summary["ece"] <= 1 and summary["brier"] >= 0
    assert (report / "index.html").exists() and (report / "reliability.png").stat().st_size > 1000


def test_a_batch_that_cannot_keep_a_likelihood_table_computes_instead(kb_home, tmp_path, capsys):
    home = tmp_path / "home"
    home.mkdir()
    (home / "kb").symlink_to(kb_home / "kb")
    (home / "cache").write_text("a file where the table's directory would go")
    path = tmp_path / "cases.jsonl"
    cases = (("t1", "HP:0001631"), ("t2", "HP:0001250"))
    path.write_text("".join(json.dumps(_case(case_id, [term])) + "\n" for case_id, term in cases))
    argv = ["--home", str(home), "diagnose", "--phenopackets", str(path), "--model", "literature"]
    assert main([*argv, "--table", "yes"]) == 0
    captured = capsys.readouterr()
    assert [json.loads(x)["case_id"] for x in captured.out.splitlines()] == ["t1", "t2"]
    assert "no likelihood table" in captured.err
