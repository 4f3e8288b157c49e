"""`dxgraph serve`: the command is registered, and production mode really runs gunicorn with JSON logs."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from cli.main import build_parser
from cli.web_commands import gunicorn_options
from inference.artifact import ModelArtifact
from inference.params import ModelParams
from knowledge.build import build, read_sources
from knowledge.kb import KnowledgeBase, publish
from learning.ops import registry

TOY_HPO = Path(__file__).resolve().parent / "data" / "toy_hpo"


def toy_kb(empty_ontologies: Path) -> KnowledgeBase:
    """The tiny HPO release of tests/data/toy_hpo, compiled by the real build (see tests/toy.py)."""
    empty_ontologies.mkdir(parents=True, exist_ok=True)
    return build(read_sources(TOY_HPO), empty_ontologies)


REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_command_is_registered():
    args = build_parser().parse_args(["serve", "--production", "--host", "0.0.0.0", "--port", "8123"])
    assert args.production and args.host == "0.0.0.0" and args.port == 8123
    defaults = build_parser().parse_args(["serve"])
    assert not defaults.production


def test_gunicorn_options_suit_a_small_machine(monkeypatch):
    monkeypatch.delenv("DXGRAPH_WEB_WORKERS", raising=False)
    options = gunicorn_options("127.0.0.1", 8000)
    assert options["preload_app"] is True and options["bind"] == "127.0.0.1:8000"
    assert 2 <= options["workers"] <= 4 and options["worker_class"] == "gthread"
    assert options["accesslog"] is None
    monkeypatch.setenv("DXGRAPH_WEB_WORKERS", "zero")
    with pytest.raises(ValueError, match="DXGRAPH_WEB_WORKERS"):
        gunicorn_options("127.0.0.1", 8000)


def _get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_production_server_answers(tmp_path):
    home = tmp_path / "home"
    publish(toy_kb(tmp_path / "ontologies"), home / "kb")
    port = free_port()
    env = {
        **os.environ,
        "DXGRAPH_WEB_WORKERS": "2",
        "DXGRAPH_WEB_THREADS": "2",
        "DXGRAPH_RELOAD_CHECK_SECONDS": "0.5",
        "PYTHONPATH": str(REPO),
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = open(tmp_path / "server.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "--home", str(home), "serve", "--production", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = _get(base + "/healthz", timeout=1)
                break
            except OSError:
                assert process.poll() is None, (tmp_path / "server.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
        assert (status, body) == (200, b"ok")
        for _ in range(4):
            assert _get(base + "/api/v1/phenotypes?q=seiz")[0] == 200
        request = urllib.request.Request(
            base + "/api/v1/diagnose",
            data=json.dumps({"observed": ["HP:0001250"]}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.loads(response.read())["ranking"]
        status, metrics = _get(base + "/metrics")
        assert status == 200
        counts = [
            float(line.rsplit(" ", 1)[1])
            for line in metrics.decode().splitlines()
            if line.startswith("dxgraph_http_requests_total{") and 'route="/api/v1/phenotypes"' in line
        ]
        assert sum(counts) == 4  # aggregated over both workers
        # a promotion is picked up by every worker without a restart (background reload)
        kb = KnowledgeBase.load(home / "kb" / (home / "kb" / "current").read_text().strip())
        ModelArtifact("served-model-1", kb.version, ModelParams()).save(home / "models" / "served-model-1")
        registry.promote(home / "models", "served-model-1", "test")
        deadline = time.monotonic() + 30
        seen: list[str] = []
        while time.monotonic() < deadline:
            with urllib.request.urlopen(base + "/api/v1/", timeout=5) as response:
                seen.append(json.loads(response.read())["model_version"])
            if seen[-8:] == ["served-model-1"] * 8:
                break
            time.sleep(0.2)
        assert seen[-8:] == ["served-model-1"] * 8, seen[-8:]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        log.close()
    lines = [line for line in (tmp_path / "server.log").read_text().splitlines() if line.startswith("{")]
    requests = [json.loads(line) for line in lines if '"event": "request"' in line]
    assert requests and all(r["route"] and r["status"] and "latency_ms" in r for r in requests)
