"""One evaluation: the promotion gate, `dxgraph evaluate` and the protocol report the same top-1 for the same
model on the same cases, and the engine's recalibration is the one the evaluations apply."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cli.main import main
from inference.calibration import recalibrate_top1
from inference.engine import Diagnoser
from inference.evaluation import publication_fold, publication_of
from inference.evidence import make_evidence
from inference.params import ModelParams
from learning.evaluation.cases import load_cases
from learning.evaluation.scoring import score_network
from learning.ingest.pipeline import ingest_phenopackets
from learning.learn import evaluate_encounters
from learning.store import Store

KEY = b"test-key"


def _sample(dev_cases_dir: Path, target: Path, count: int = 60) -> Path:
    """Every n-th dev case, without disease onset (the store keeps no onset: docs/architecture.md)."""
    files = sorted(dev_cases_dir.glob("*.json"))
    target.mkdir()
    for path in files[:: max(len(files) // count, 1)][:count]:
        packet = json.loads(path.read_text(encoding="utf-8"))
        for disease in packet.get("diseases") or []:
            disease.pop("onset", None)
        (target / path.name).write_text(json.dumps(packet), encoding="utf-8")
    return target


@pytest.mark.slow
def test_gate_evaluate_and_protocol_agree(kb, kb_home, dev_cases_dir, tmp_path, capsys):
    cases_dir = _sample(dev_cases_dir, tmp_path / "cases")
    diagnoser = Diagnoser(kb)
    with Store(tmp_path / "store.duckdb") as store:
        ingest_phenopackets(store, kb, KEY, [cases_dir], progress=False)
        gate, gate_scores = evaluate_encounters(store, diagnoser, store.labelled_encounters())
        protocol = score_network(diagnoser, load_cases(store), "protocol").summary()
    capsys.readouterr()
    report = tmp_path / "report"
    argv = ["--home", str(kb_home), "evaluate", "--phenopackets", str(cases_dir), "--model", "literature"]
    assert main([*argv, "--report", str(report)]) == 0
    evaluate = json.loads(capsys.readouterr().out)
    assert gate["cases"] == evaluate["cases"] == protocol["cases"] == 60
    assert gate["top1"] == evaluate["top1"] == protocol["top1"]
    assert gate["top10"] == evaluate["top10"] == protocol["top10"]
    assert 0 < gate["top10"] < 1  # a sample where the figure could differ
    assert len(gate_scores.predicted) == 60


def test_engine_applies_the_shared_recalibration(kb):
    params = ModelParams(calibration_slope=0.5, calibration_margin=0.2, calibration_intercept=-0.3)
    evidence = make_evidence(kb, ["HP:0001250", "HP:0001263"], [], context="rare-disease-clinic")
    raw = Diagnoser(kb, params).diagnose(evidence, top=2, recalibrate=False)
    calibrated = Diagnoser(kb, params).diagnose(evidence, top=2)
    p1, p2 = raw.ranking[0].probability, raw.ranking[1].probability
    expected = recalibrate_top1(np.asarray([p1]), np.asarray([p2]), (0.5, 0.2, -0.3))[0]
    assert calibrated.ranking[0].probability == pytest.approx(expected)
    assert calibrated.ranking[0].disease_id == raw.ranking[0].disease_id
    assert calibrated.ranking[0].probability > calibrated.ranking[1].probability


def test_publication_grouping():
    assert publication_of("PMID_12345_family_2") == "PMID:12345"
    assert publication_of("case-7") is None
    folds = {publication_fold(f"PMID_{n}_a") for n in range(40)}
    assert folds == {0, 1}
    assert publication_fold("PMID_77_a") == publication_fold("PMID_77_b")
