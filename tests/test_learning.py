"""Ingestion into the DuckDB store, learning a model from it, and serving it as `latest`."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from cli.main import main
from inference.loading import load_diagnoser
from inference.network import compile_network
from inference.params import ModelParams
from learning.ingest.batch import Batch, write_batch
from learning.ingest.pipeline import ingest_phenopackets
from learning.refine import LearningParams, refine
from learning.store import Store
from tests.toy import toy_kb


def _packet(case_id, subject, observed, disease, excluded=()):
    features = [{"type": {"id": t}} for t in observed] + [
        {"type": {"id": t}, "excluded": True} for t in excluded
    ]
    return {
        "id": case_id,
        "subject": {"id": subject, "sex": "MALE"},
        "phenotypicFeatures": features,
        "interpretations": [{"id": "i", "diagnosis": {"disease": {"id": disease, "label": "Toy disease"}}}],
    }


def test_beta_refinement_on_the_toy_release(tmp_path):
    kb = toy_kb(tmp_path / "ontologies")
    network = compile_network(kb, ModelParams())
    cases = pd.DataFrame({"disease_id": ["OMIM:100002", "OMIM:777777"], "n_cases": [4, 2]})
    present = pd.DataFrame(
        {
            "disease_id": ["OMIM:100002", "OMIM:100002", "OMIM:777777"],
            "term_id": ["HP:0001250", "HP:0001249", "HP:0000252"],
            "n_present": [4, 1, 2],
            "n_exact": [4, 1, 2],
        }
    )
    result = refine(
        network,
        cases,
        present,
        {"OMIM:777777": "New disease"},
        LearningParams(equivalent_sample_size=5, data_only_sample_size=1),
    )
    strengths = {
        (d, t): s for d, t, s in zip(result.link_disease, result.link_term, result.link_strength, strict=True)
    }
    params = ModelParams()
    literature = (3 + params.count_prior_strength * params.missing_frequency) / (
        4 + params.count_prior_strength
    )
    # 3/4 shrunk toward the default; the annotation carries its own m = 4
    assert strengths[("OMIM:100002", "HP:0001250")] == pytest.approx((4 * literature + 4) / (4 + 4))
    micro_literature = params.frequency_cap  # 100%, capped; no n/m so alpha = 5
    assert strengths[("OMIM:100002", "HP:0000252")] == pytest.approx((5 * micro_literature + 0) / (5 + 4))
    assert strengths[("OMIM:100002", "HP:0001249")] == pytest.approx(1 / (1 + 4))
    assert strengths[("OMIM:777777", "HP:0000252")] == pytest.approx(2 / 3)
    assert result.new_diseases == {"OMIM:777777": "New disease"}
    assert result.prior_multiplier["OMIM:100002"] == pytest.approx((4 + 3) / 3)


def test_ingest_is_idempotent_pseudonymised_and_quarantines(kb, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for i in range(3):
        (data / f"p{i}.json").write_text(
            json.dumps(
                _packet(f"PMID_1_Jane_Roe_{i}", f"Jane Roe {i}", ["HP:0001631", "HP:0099999"], "OMIM:142900")
            )
        )
    (data / "broken.json").write_text("{oops")
    with Store(tmp_path / "store.duckdb") as store:
        first = ingest_phenopackets(store, kb, b"secret", [data], progress=False)
        counts = {t: store.count(t) for t in ("encounters", "findings", "diagnoses", "patients")}
        second = ingest_phenopackets(store, kb, b"secret", [data], progress=False)
        assert {t: store.count(t) for t in counts} == counts
        assert first.rows_stored == 3 and second.rows_stored == 0 and second.skipped_files == 4
        reasons = store.connection.execute("SELECT row_ref, reason FROM quarantine").fetchall()
        assert any("unknown HPO id" in r for _, r in reasons)
        # the store names the file by its pseudonymous label, never "broken.json"
        assert any(ref.endswith(".json") and "unreadable" in r for ref, r in reasons)
        assert not any("broken" in ref for ref, _ in reasons)
        dump = " ".join(
            str(v)
            for table in ("patients", "encounters", "findings", "diagnoses", "quarantine")
            for row in store.connection.execute(f"SELECT * FROM {table}").fetchall()
            for v in row
        )
    assert "Jane" not in dump and "Roe" not in dump


def test_failed_run_leaves_the_store_as_before(kb, tmp_path):
    with Store(tmp_path / "store.duckdb") as store:
        batch = Batch(
            encounters=[
                {
                    "encounter_id": "e1",
                    "patient_id": "p1",
                    "source_id": "s",
                    "age_years": 1.0,
                    "age_band": "1-4",
                    "year": None,
                    "context": "x",
                    "publication": None,
                    "run_id": "r1",
                }
            ],
            findings=[
                {
                    "encounter_id": "e1",
                    "term_id": "HP:0001631",
                    "status": "present",
                    "severity": None,
                    "provenance": "x",
                    "unexpected_column": 1,
                }
            ],
        )
        with pytest.raises(Exception):  # noqa: B017 - any database error must roll back
            write_batch(store, batch, "r1", "2026-01-01 00:00:00")
        assert store.count("encounters") == 0 and store.count("ingestion_runs") == 0


@pytest.mark.slow
def test_killed_ingestion_then_rerun_equals_one_clean_run(kb_home, dev_cases_dir, tmp_path):
    subset = tmp_path / "subset"
    subset.mkdir()
    for path in sorted(dev_cases_dir.glob("*.json"))[:1500]:
        shutil.copy(path, subset / path.name)  # temporary copy outside the project
    clean_home, killed_home = tmp_path / "clean", tmp_path / "killed"
    for home in (clean_home, killed_home):
        shutil.copytree(kb_home / "kb", home / "kb")
    env = {**os.environ, "DXGRAPH_PSEUDONYM_KEY": "test-key"}
    command = [sys.executable, "-m", "cli.main", "--home", str(killed_home), "ingest", str(subset)]
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    time.sleep(2.5)
    assert process.poll() is None, "the ingestion ended before it could be killed: the test proves nothing"
    process.send_signal(signal.SIGKILL)
    process.wait()
    for home in (killed_home, clean_home):
        subprocess.run(
            [sys.executable, "-m", "cli.main", "--home", str(home), "ingest", str(subset)],
            env=env,
            check=True,
            capture_output=True,
        )

    def snapshot(home):
        with Store(home / "store.duckdb") as store:
            return {
                t: sorted(
                    map(str, store.connection.execute(f"SELECT * EXCLUDE (run_id) FROM {t}").fetchall())
                )
                for t in ("encounters",)
            } | {
                t: sorted(map(str, store.connection.execute(f"SELECT * FROM {t}").fetchall()))
                for t in ("findings", "diagnoses", "patients")
            }

    assert snapshot(killed_home) == snapshot(clean_home)


@pytest.mark.slow
def test_learn_promotes_and_latest_serves_it(kb_home, dev_cases_dir, tmp_path, capsys):
    home = tmp_path / "home"
    shutil.copytree(kb_home / "kb", home / "kb")
    subset = tmp_path / "subset"
    subset.mkdir()
    for path in sorted(dev_cases_dir.glob("*.json"))[::3]:
        shutil.copy(path, subset / path.name)
    os.environ["DXGRAPH_PSEUDONYM_KEY"] = "test-key"
    try:
        assert main(["--home", str(home), "ingest", str(subset)]) == 0
        assert main(["--home", str(home), "learn"]) == 0
    finally:
        del os.environ["DXGRAPH_PSEUDONYM_KEY"]
    report = json.loads(capsys.readouterr().out)
    assert report["validation"]["cases"] > 100
    from knowledge.kb import load_current

    diagnoser = load_diagnoser(load_current(home / "kb"), home / "models", "latest")
    # learning from a third of the dev cases beats literature-only on their held-out publications, so the
    # gate promotes it and `latest` serves it
    assert report["validation"]["top1"] >= report["literature_only"]["top1"] - 0.01
    assert report["promoted"], report["reason"]
    assert diagnoser.model_version == report["version"]
    model_files = " ".join(p.read_text(errors="ignore") for p in (home / "models").rglob("*.json"))
    assert "PMID_" not in model_files  # no case identifiers in model artifacts
    # the rare-clinic scoring was refitted on the training part's learned networks, and the model uses it
    meta = json.loads((home / "models" / report["version"] / "model.json").read_text())
    refit = meta["info"]["scoring_refit"]
    assert refit["parts"] == LearningParams().scoring_refit_parts > 0 and refit["cases"] > 500
    assert diagnoser.params.fit_temperature == pytest.approx(refit["values"]["tau"])
    assert diagnoser.params.similarity_weight == pytest.approx(refit["values"]["sim_weight"])
