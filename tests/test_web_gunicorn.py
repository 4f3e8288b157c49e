"""The server layer under real gunicorn: raw-HTTP mistakes are 4xx, workers agree on the model, and
SIGTERM / SIGINT stop everything cleanly with exit code 0 (toy KB: quick to start)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from inference.artifact import ModelArtifact
from inference.loading import PROMOTED_POINTER
from inference.params import ModelParams
from knowledge.build import build, read_sources
from knowledge.kb import load_current, publish
from knowledge.sparql import ensure_store
from learning.ops import registry

REPO = Path(__file__).resolve().parents[1]
TOY_HPO = Path(__file__).resolve().parent / "data" / "toy_hpo"
SEIZURE = "HP:0001250"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def toy_home(root: Path, sparql: bool = False) -> Path:
    (root / "ontologies").mkdir(parents=True, exist_ok=True)
    kb = build(read_sources(TOY_HPO), root / "ontologies")
    target = publish(kb, root / "home" / "kb")
    if sparql:
        ensure_store(kb, target)
    return root / "home"


class Server:
    """`dxgraph serve --production` in its own process group, with its log in a file."""

    def __init__(self, home: Path, log: Path, **env: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        environment = {
            **os.environ,
            "DXGRAPH_WEB_WORKERS": "2",
            "DXGRAPH_WEB_THREADS": "4",
            "DXGRAPH_RELOAD_CHECK_SECONDS": "0.3",
            "DXGRAPH_SERVING_LOG": "off",
            "PYTHONPATH": str(REPO),
            **env,
        }
        environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
        self._log = open(log, "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cli.main",
                "--home",
                str(home),
                "serve",
                "--production",
                "--port",
                str(self.port),
            ],
            cwd=REPO,
            env=environment,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=1).read()
                break
            except OSError:
                assert self.process.poll() is None, self.log()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=60)
        finally:
            self._log.close()

    def request(self, path: str, body: dict | None = None, timeout: float = 10) -> tuple[int, dict, dict]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path, data=data, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read()), dict(response.headers)
        except urllib.error.HTTPError as error:
            text = error.read()
            body = json.loads(text) if error.headers.get_content_type() == "application/json" else {}
            return error.code, body, dict(error.headers)

    def raw(self, data: bytes, timeout: float = 5) -> bytes:
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
            answer = b""
            try:
                while chunk := sock.recv(65536):
                    answer += chunk
            except (ConnectionResetError, TimeoutError):
                pass
        return answer


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("gunicorn")
    running = Server(toy_home(root, sparql=True), root / "server.log", DXGRAPH_SPARQL_TIMEOUT="1.5")
    yield running
    assert running.stop() == 0


def _status(answer: bytes) -> int | None:
    line = answer.split(b"\r\n", 1)[0].split()
    return int(line[1]) if len(line) > 1 and line[1].isdigit() else None


CHUNKED = (
    b"POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"%s\r\n{}\r\n0\r\n\r\n"
)


@pytest.mark.parametrize("size", [b"zz", b"-1", b"0x10", b"1" * 40])
@pytest.mark.parametrize(
    ("path", "content_type"),
    [(b"/api/v1/diagnose", b"application/json"), (b"/", b"application/x-www-form-urlencoded")],
)
def test_a_bad_chunk_size_is_400(server, size, path, content_type):
    answer = server.raw(CHUNKED % (path, content_type, size))
    assert _status(answer) == 400, answer[:200]


@pytest.mark.parametrize("path", [b"/", b"/diseases/OMIM:100001", b"/nowhere", b"/api/v1/"])
def test_a_64_character_host_is_400(server, path):
    answer = server.raw(b"GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % (path, b"h" * 64))
    assert _status(answer) == 400, answer[:200]


def test_tls_bytes_and_oversized_headers_get_no_500(server):
    client_hello = bytes.fromhex("16030100a5010000a10303") + os.urandom(160)
    assert _status(server.raw(client_hello)) in (None, 400)
    huge = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n"
    assert _status(server.raw(huge)) in (None, 400, 431)
    many = b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(300)) + b"\r\n"
    assert _status(server.raw(many)) in (None, 400, 431)
    assert '"status": 500' not in server.log()


def test_expensive_sparql_is_stopped_while_diagnose_answers(server):
    answers: list[tuple[int, dict]] = []

    def expensive() -> None:
        status, body, _ = server.request("/api/v1/sparql", {"query": CARTESIAN}, timeout=30)
        answers.append((status, body))

    threads = [threading.Thread(target=expensive) for _ in range(3)]
    for thread in threads:
        thread.start()
    latencies = []
    for _ in range(10):
        started = time.monotonic()
        assert server.request("/api/v1/diagnose", {"observed": [SEIZURE]})[0] == 200
        latencies.append(time.monotonic() - started)
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(status for status, _ in answers)[:2] == [422, 422], answers  # two slots, both stopped
    assert all(status in (422, 503) for status, _ in answers)
    assert all("stopped after 1.5 s" in body["error"] for status, body in answers if status == 422)
    assert max(latencies) < 1.0, latencies
    status, body, _ = server.request("/api/v1/sparql", {"query": "ASK { ?s ?p ?o }"})
    assert status == 200 and body["rows"] == [{"ask": "true"}]


def test_every_worker_serves_the_same_model_after_a_damaged_pointer(tmp_path):
    home = toy_home(tmp_path)
    server = Server(home, tmp_path / "server.log")
    try:
        kb = load_current(home / "kb")
        ModelArtifact("toy-model-a", kb.version, ModelParams()).save(home / "models" / "toy-model-a")
        registry.promote(home / "models", "toy-model-a", "test")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            seen = [server.request("/api/v1/")[1]["model_version"] for _ in range(8)]
            if set(seen) == {"toy-model-a"}:
                break
            time.sleep(0.2)
        (home / "models" / PROMOTED_POINTER).write_bytes(b"\xff\x00 not a version")
        time.sleep(1)
        # a worker dies; the master forks a new one from its preloaded (literature-only) app
        victim = server.workers()[0]
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while (victim in server.workers() or len(server.workers()) < 2) and time.monotonic() < deadline:
            time.sleep(0.2)
        versions = []
        for _ in range(30):
            status, body, headers = server.request("/api/v1/diagnose", {"observed": [SEIZURE]})
            assert status == 200, body
            versions.append((body["model_version"], headers["X-Model-Version"]))
        assert set(versions) == {("toy-model-a", "toy-model-a")}, versions
    finally:
        assert server.stop() == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_shutdown_is_clean_with_exit_code_0(tmp_path, sig):
    server = Server(toy_home(tmp_path, sparql=True), tmp_path / "server.log", DXGRAPH_SPARQL_TIMEOUT="3")
    stop = threading.Event()

    def busy(body: dict, path: str) -> None:
        while not stop.is_set():
            try:
                server.request(path, body, timeout=10)
            except OSError:
                time.sleep(0.05)

    load = [
        threading.Thread(
            target=busy, args=({"observed": [SEIZURE], "explain": 5}, "/api/v1/diagnose"), daemon=True
        ),
        threading.Thread(target=busy, args=({"observed": [SEIZURE]}, "/"), daemon=True),
        threading.Thread(target=busy, args=({"query": CARTESIAN}, "/api/v1/sparql"), daemon=True),
    ]
    for thread in load:
        thread.start()
    time.sleep(2)
    workers = server.workers()
    children = [child for worker in workers for child in _children(worker)]
    started = time.monotonic()
    if sig == signal.SIGINT:  # Ctrl-C in a terminal: the whole process group gets it
        os.killpg(server.process.pid, sig)
    code = server.stop(sig)
    elapsed = time.monotonic() - started
    stop.set()
    log = server.log()
    assert code == 0, log[-2000:]
    assert elapsed < 15, (elapsed, log[-2000:])
    for marker in ("system_error", "terminate called", "SIGABRT", "SIGSEGV", "Traceback", "exited with code"):
        assert marker not in log, log[-3000:]
    time.sleep(0.5)
    alive = [pid for pid in workers + children if _alive(pid)]
    assert not alive, f"left running: {alive}"


def _children(pid: int) -> list[int]:
    """Child processes of every thread of `pid` (a request thread starts the SPARQL process)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_the_development_server_stops_on_sigterm_with_exit_code_0(tmp_path):
    home = toy_home(tmp_path)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "--home", str(home), "serve", "--port", str(port)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "DXGRAPH_SERVING_LOG": "off"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            break
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0
    assert b"Traceback" not in process.stderr.read()


def test_the_rate_limit_is_one_budget_for_all_workers(tmp_path):
    server = Server(toy_home(tmp_path), tmp_path / "server.log", DXGRAPH_RATE_LIMIT="6 per hour")
    try:
        statuses = [server.request("/api/v1/")[0] for _ in range(10)]
        assert statuses[:6] == [200] * 6 and statuses[6:] == [429] * 4, statuses
        assert server.request("/api/v1/")[2]["Retry-After"]
    finally:
        assert server.stop() == 0


def test_a_new_model_gets_its_likelihood_table_from_a_worker_and_answers_the_same(tmp_path):
    home = toy_home(tmp_path)
    server = Server(home, tmp_path / "server.log", DXGRAPH_TABLE_TERMS="40")
    try:
        status, before, _ = server.request("/api/v1/diagnose", {"observed": [SEIZURE]})
        assert status == 200, before
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            seen = {server.request("/api/v1/")[1]["likelihood_table_terms"] for _ in range(8)}
            if len(seen) == 1 and 0 not in seen:  # every worker read the table one of them built
                break
            time.sleep(0.3)
        assert len(seen) == 1 and 0 < min(seen) <= 40, (seen, server.log())
        assert len(list((home / "cache" / "term-tables").glob("*/table.json"))) == 1
        status, after, _ = server.request("/api/v1/diagnose", {"observed": [SEIZURE]})
        assert [r["disease_id"] for r in after["ranking"]] == [r["disease_id"] for r in before["ranking"]]
        for a, b in zip(after["ranking"], before["ranking"], strict=True):
            assert abs(a["probability"] - b["probability"]) < 1e-5
    finally:
        assert server.stop() == 0
