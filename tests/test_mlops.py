"""MLOps parts on real components: the serving log, drift statistics, the monitor's verdicts and exit codes,
feedback through the API, the scheduler's configuration, and re-learning that fails or is killed."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from cli.main import build_parser, main
from inference.artifact import ModelArtifact
from inference.loading import load_diagnoser
from inference.params import ModelParams
from knowledge.config import Settings, load_settings
from learning.ops import drift, registry
from learning.ops.monitor import Thresholds
from learning.ops.reference import category_weights, disease_group
from learning.ops.relearn import relearn
from learning.ops.scheduler import SchedulerConfig, build_scheduler
from learning.ops.serving_log import (
    ServingLog,
    feedback_record,
    load_into_store,
    new_request_id,
    prune,
    served_record,
)
from learning.store import Store
from web import create_app

REPO = Path(__file__).resolve().parents[1]
FEVER, COUGH, DYSPNEA, RASH = "HP:0001945", "HP:0012735", "HP:0002094", "HP:0000988"
SEIZURE, ATAXIA, MICROCEPHALY = "HP:0001250", "HP:0001251", "HP:0000252"


def _settings(home: Path) -> Settings:
    return load_settings().with_overrides(home=home)


def _record(present, age=30.0, sex="female", top=("OMIM:142900",), request_id=None) -> dict:
    return served_record(
        request_id or new_request_id(),
        list(present),
        [],
        age,
        sex,
        "primary-care",
        "ref-model",
        "kb",
        [{"disease_id": d, "probability": 0.5} for d in top],
        "api",
    )


def _write_from_child(directory: Path, count: int) -> None:
    log = ServingLog(directory)
    for _ in range(count):
        log.append(_record([FEVER]))


# ---- the serving log ---------------------------------------------------------------------------


def test_serving_log_one_file_per_process_and_idempotent_load(tmp_path):
    directory = tmp_path / "serving"
    context = multiprocessing.get_context("fork")
    children = [context.Process(target=_write_from_child, args=(directory, 5)) for _ in range(2)]
    for child in children:
        child.start()
    for child in children:
        child.join()
    assert len(list(directory.glob("*.jsonl"))) == 2  # one file per worker process
    log = ServingLog(directory)
    answered = _record([COUGH])
    log.append(answered)
    log.append(feedback_record(answered["request_id"], "OMIM:142900"))
    partial = directory / "2020-01-01-1.jsonl"
    line = json.dumps(_record([RASH]))
    partial.write_text(line[:40])  # a line still being written
    with Store(tmp_path / "store.duckdb") as store:
        first = load_into_store(store, directory)
        assert first["served"] == 11 and first["feedback"] == 1
        assert load_into_store(store, directory)["served"] == 0  # idempotent
        partial.write_text(line + "\n")  # the line completes
        assert load_into_store(store, directory)["served"] == 1
        assert store.count("served") == 12 and store.count("served_feedback") == 1
        row = store.connection.execute(
            "SELECT present, age_band, age_years, sex, top1 FROM served WHERE request_id = ?",
            [answered["request_id"]],
        ).fetchall()[0]
        assert row == ([COUGH], "18-39", 30, "female", "OMIM:142900")
        os.utime(partial, (0, 0))  # an old file, fully loaded: removed; its rows stay in the store
        assert prune(store, directory, days=30) == 1 and not partial.exists()
        assert load_into_store(store, directory)["served"] == 0 and store.count("served") == 12


def test_served_record_keeps_no_raw_age_or_identifier():
    record = _record([FEVER], age=95.5, sex="unknown")
    assert record["age_years"] == 90 and record["age_band"] == "90+" and record["sex"] is None
    assert set(record) == {
        "kind", "request_id", "ts", "model_version", "kb_version", "via", "context", "present", "absent",
        "age_band", "age_years", "sex", "top",
    }  # fmt: skip


# ---- drift statistics --------------------------------------------------------------------------


def test_drift_statistics():
    same = {"a": 50, "b": 30, "c": 20}
    assert drift.psi(same, same) == pytest.approx(0.0)
    assert drift.chi_square(same, same)[1] == pytest.approx(1.0)
    shifted = {"a": 20, "b": 30, "c": 50}
    expected = sum((q - p) * np.log(q / p) for p, q in ((0.5, 0.2), (0.3, 0.3), (0.2, 0.5)))
    assert drift.psi(same, shifted) == pytest.approx(expected)
    assert (
        drift.chi_square({k: v * 10 for k, v in same.items()}, {k: v * 10 for k, v in shifted.items()})[1]
        < 1e-6
    )
    assert drift.psi(same, {"a": 50, "b": 30, "d": 20}) > 1  # a category never seen before
    terms = drift.term_drift({"x": 10, "y": 50}, 100, {"x": 60, "y": 50}, 100, min_count=5)
    assert terms[0].term == "x" and terms[0].p_value < 1e-6 and terms[1].p_value > 0.5
    ks = drift.ks_from_counts({"20": 50, "30": 50}, {"60": 40, "70": 60})
    assert ks is not None and ks[0] == pytest.approx(1.0) and ks[1] < 1e-6
    assert drift.ks_from_counts({"20": 5}, {}) is None


def test_thresholds_from_env_and_flags(monkeypatch):
    monkeypatch.setenv("DXGRAPH_MONITOR_PSI", "0.4")
    monkeypatch.setenv("DXGRAPH_MONITOR_MIN_REQUESTS", "10")
    thresholds = Thresholds.from_env()
    assert thresholds.psi == 0.4 and thresholds.min_requests == 10 and thresholds.alpha == 0.01
    assert thresholds.with_overrides(psi=0.1, alpha=None).psi == 0.1
    monkeypatch.setenv("DXGRAPH_MONITOR_ALPHA", "small")
    with pytest.raises(ValueError, match="DXGRAPH_MONITOR_ALPHA"):
        Thresholds.from_env()
    args = build_parser().parse_args(["monitor", "--window-days", "2", "--psi", "0.3", "--relearn"])
    assert args.window_days == 2 and args.psi == 0.3 and args.relearn and args.reference == "production"


# ---- the monitor (a hand-made reference: no learning needed) ------------------------------------


@pytest.fixture()
def monitored_home(kb_home, kb, tmp_path) -> Path:
    """A home with the shared KB and a promoted model whose reference is fever/cough in adults."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "kb").symlink_to(kb_home / "kb")
    terms = [FEVER] * 80 + [COUGH] * 60 + [DYSPNEA] * 20
    reference = {
        "cases": 100,
        "present_terms": {FEVER: 80, COUGH: 60, DYSPNEA: 20},
        "categories": dict(category_weights(kb, terms)),
        "age_band": {"18-39": 40, "40-64": 50, "unknown": 10},
        "sex": {"female": 50, "male": 50},
        "age_years": {str(a): 2 for a in range(20, 65)},
        "findings_per_case": {"2": 100},
        "top1_groups": {disease_group(kb, "OMIM:142900"): 100},
        "validation_cases": 100,
    }
    info = {"reference": reference, "metrics": {"validation": {"top1": 0.6}}}
    ModelArtifact("ref-model", kb.version, ModelParams(), info=info).save(home / "models" / "ref-model")
    registry.promote(home / "models", "ref-model", "test")
    return home


def test_monitor_verdicts_and_exit_codes(monitored_home, tmp_path, capsys):
    home, out = monitored_home, tmp_path / "out"
    log = ServingLog(home / "serving")
    for i in range(40):
        log.append(
            _record(
                [FEVER, COUGH] if i % 3 else [FEVER, DYSPNEA],
                age=20 + i * 9 / 8,
                sex=["female", "male"][i % 2],
            )
        )
    args = ["--home", str(home), "monitor", "--out", str(out), "--min-requests", "30"]
    assert main(args) == 0
    verdict = json.loads((out / "verdict.json").read_text())
    assert verdict["drift"] is False and verdict["status"] == "ok" and verdict["window"]["requests"] == 40
    assert verdict["reference"]["model_version"] == "ref-model" and verdict["loaded"]["served"] == 40
    assert main(["--home", str(home), "monitor", "--out", str(out)]) == 0  # fewer than the default 50
    assert json.loads((out / "verdict.json").read_text())["status"] == "insufficient-data"
    # children with seizures, ataxia and microcephaly, all wrongly diagnosed
    for _ in range(60):
        record = _record([SEIZURE, ATAXIA, MICROCEPHALY], age=3, sex="male", top=("OMIM:300000",))
        log.append(record)
        log.append(feedback_record(record["request_id"], "OMIM:142900"))
    capsys.readouterr()
    assert main(args) == 1
    verdict = json.loads((out / "verdict.json").read_text())
    checks = verdict["checks"]
    assert verdict["drift"] is True and verdict["window"]["requests"] == 100
    assert checks["phenotypes"]["drift"] and checks["terms"]["drift"] and checks["age_band"]["drift"]
    assert checks["age_years"]["drift"] and checks["performance"]["drift"]
    assert {t["term"] for t in checks["terms"]["drifted"]} >= {SEIZURE, ATAXIA, MICROCEPHALY}
    assert any("top-1 accuracy" in r for r in verdict["reasons"])
    assert "DRIFT" in capsys.readouterr().out
    page = Path(verdict["report"]).read_text()
    assert page.count("data:image/png;base64,") >= 4 and "Seizure" in page
    # thresholds from flags: nothing is drift when the bar is out of reach
    assert (
        main(args + ["--psi", "100", "--terms-for-drift", "1000", "--ks", "2", "--accuracy-drop", "1"]) == 0
    )


# ---- the API: request ids, feedback, anonymized logs ---------------------------------------------


def test_api_and_page_log_diagnoses_and_take_feedback(kb_home, tmp_path, monkeypatch):
    serving = tmp_path / "serving"
    monkeypatch.setenv("DXGRAPH_SERVING_DIR", str(serving))
    monkeypatch.delenv("DXGRAPH_SERVING_LOG", raising=False)
    client = create_app(_settings(kb_home), testing=True).test_client()
    packet = {
        "id": "PMID_1_Jane_Roe",
        "subject": {
            "id": "Jane Roe",
            "sex": "FEMALE",
            "timeAtLastEncounter": {"age": {"iso8601duration": "P34Y"}},
        },
        "phenotypicFeatures": [{"type": {"id": FEVER}}, {"type": {"id": RASH}, "excluded": True}],
    }
    body = client.post("/api/v1/diagnose", json={"phenopacket": packet, "explain": 0}).get_json()
    request_id = body["request_id"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    disease = body["ranking"][0]["disease_id"]
    answer = client.post("/api/v1/feedback", json={"request_id": request_id, "disease_id": disease})
    assert answer.status_code == 202 and answer.get_json()["recorded"] is True
    for bad, field in (
        ({"request_id": "Jane", "disease_id": disease}, "request_id"),
        ({"request_id": request_id, "disease_id": "OMIM:0000000"}, "disease_id"),
        ({"request_id": request_id}, "disease_id"),
    ):
        response = client.post("/api/v1/feedback", json=bad)
        assert response.status_code == 400 and response.get_json()["field"] == field, bad
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "add": "tos, no disnea", "f_id": [FEVER], "f_state": ["present"]}
    assert client.post("/", data={**form, "age": "34", "action": "diagnose"}).status_code == 200
    lines = [json.loads(x) for p in serving.glob("*.jsonl") for x in p.read_text().splitlines()]
    served = [x for x in lines if x["kind"] == "served"]
    assert [x["via"] for x in served] == ["api", "page"]
    assert served[0]["present"] == [FEVER] and served[0]["absent"] == [RASH]
    assert served[0]["age_band"] == "18-39" and served[0]["sex"] == "female" and len(served[0]["top"]) == 5
    assert served[0]["model_version"] == body["model_version"]
    assert [x for x in lines if x["kind"] == "feedback"][0]["disease_id"] == disease
    text = "".join(p.read_text() for p in serving.glob("*.jsonl"))
    assert "Jane" not in text and "PMID" not in text and "tos" not in text and "disnea" not in text


# ---- the scheduler -------------------------------------------------------------------------------


def test_scheduler_jobs_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DXGRAPH_RELEARN_CRON", "30 1 * * 0")
    monkeypatch.setenv("DXGRAPH_MONITOR_INTERVAL_MINUTES", "15")
    monkeypatch.setenv("DXGRAPH_MONITOR_PSI", "0.3")
    config = SchedulerConfig.from_env()
    assert config.cron == "30 1 * * 0" and config.monitor_minutes == 15 and config.thresholds.psi == 0.3
    jobs = {job.id: job for job in build_scheduler(_settings(tmp_path), config).get_jobs()}
    assert set(jobs) == {"relearn", "monitor"}
    assert "minute='30'" in str(jobs["relearn"].trigger) and "day_of_week='0'" in str(jobs["relearn"].trigger)
    assert jobs["monitor"].trigger.interval.total_seconds() == 900
    monkeypatch.setenv("DXGRAPH_MONITOR_INTERVAL_MINUTES", "0")
    assert [j.id for j in build_scheduler(_settings(tmp_path), SchedulerConfig.from_env()).get_jobs()] == [
        "relearn"
    ]
    assert build_parser().parse_args(["scheduler", "--once", "monitor"]).once == "monitor"


# ---- re-learning that fails or is killed leaves the champion serving ----------------------------


HOLD_THE_STORE = (
    "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print(1, flush=True); time.sleep(60)"
)


def _snapshot(models: Path) -> tuple:
    files = {p.name: p.read_bytes() for p in models.iterdir() if p.is_file()}
    return registry.champion(models), files


@pytest.mark.slow
def test_failed_or_killed_relearning_leaves_the_champion(kb_home, kb, dev_cases_dir, tmp_path, monkeypatch):
    home = tmp_path / "home"
    shutil.copytree(kb_home / "kb", home / "kb")
    subset = tmp_path / "subset"
    subset.mkdir()
    for path in sorted(dev_cases_dir.glob("*.json"))[::40][:110]:
        shutil.copy(path, subset / path.name)
    monkeypatch.setenv("DXGRAPH_PSEUDONYM_KEY", "test-key")
    monkeypatch.setenv("DXGRAPH_MLFLOW_URI", "off")
    monkeypatch.delenv("DXGRAPH_INBOX", raising=False)
    settings = _settings(home)
    assert main(["--home", str(home), "ingest", str(subset)]) == 0
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "cli.main", "--home", str(home), "learn"]
    started = time.monotonic()
    subprocess.run(command + ["--tolerance", "1"], cwd=REPO, env=env, check=True, capture_output=True)
    learn_seconds = time.monotonic() - started
    models = home / "models"
    champion = registry.champion(models)
    assert champion
    before = _snapshot(models)
    # nothing changed: the scheduled run does not train the same model again
    assert relearn(settings)["status"] == "skipped"

    # failed: another process holds the store (DuckDB allows one writer)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_STORE, str(home / "store.duckdb")],
        stdout=subprocess.PIPE,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == b"1"
        failed = relearn(settings, force=True)
    finally:
        holder.kill()
        holder.wait()
    assert failed["status"] == "failed" and failed["champion"] == champion, failed
    assert _snapshot(models) == before

    # killed mid-way (SIGKILL: no clean-up at all)
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    # past start-up, into learning and refitting; well before the end even when this run is faster than the
    # first (the machine's load changes between them: 0.6 once let the second run finish first)
    time.sleep(0.35 * learn_seconds)
    assert process.poll() is None, "learning finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert _snapshot(models) == before  # pointer, registry and history untouched
    for directory in models.iterdir():
        if directory.is_dir() and not directory.name.startswith("."):
            assert (directory / "model.json").exists() and (directory / "links.npz").exists()
    assert load_diagnoser(kb, models, "latest").model_version == champion
    # an operator's hold: a completed re-learning registers a challenger and promotes nothing
    (home / "ops" / "hold").touch()
    held = relearn(settings, force=True)
    assert held["status"] == "challenger" and held["champion"] == champion, held
    assert registry.champion(models) == champion and len(registry.entries(models)) == 2
    journal = [json.loads(x) for x in (home / "ops" / "relearn.jsonl").read_text().splitlines()]
    assert [j["status"] for j in journal] == ["skipped", "failed", "challenger"]
