"""Fuzz the real site under gunicorn: schemathesis on the OpenAPI description plus raw-HTTP cases the spec
cannot express (bad chunking, oversized and odd headers, non-ASCII digits, TLS and HTTP/2 bytes on the
plain port, truncated and mislabelled bodies). Counts every answer by status from the server's own
request log, and checks that none is a 500 (a 503 from a busy SPARQL endpoint, sent with Retry-After,
is allowed), that no worker died, and how the server's memory compares before and after.

    python benchmarks/web_fuzz.py [--examples 2500] [--raw 6000]

Needs schemathesis (`pip install -e '.[bench]'`). Writes reports/web_fuzz.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from web_load import KINDS, encode, findings, free_port, open_loop, server_memory_mb  # noqa: E402

from knowledge.build import ensure_kb  # noqa: E402
from knowledge.config import load_settings  # noqa: E402

ODD_DIGITS = ["²", "٣", "５", "①", "߂", "𝟗", "Ⅻ", "1e3", "0x10", "-1", "+1", " 1", "1 ", "", "9" * 40, "1_0"]
PATHS = ["/api/v1/phenotypes?q=fev&limit={d}", "/api/v1/diseases/OMIM:142900?lang={d}", "/?lang={d}"]


def raw_cases(rng: random.Random, port: int, count: int) -> list[bytes]:
    """Requests a schema-driven fuzzer does not send: broken framing, headers and bytes."""
    host = f"127.0.0.1:{port}".encode()
    body = json.dumps({"observed": ["HP:0001945"], "explain": 3}).encode()

    def post(path: bytes, headers: bytes, payload: bytes) -> bytes:
        return b"POST " + path + b" HTTP/1.1\r\nHost: " + host + b"\r\n" + headers + b"\r\n" + payload

    makers = [
        # bad chunk sizes and terminators
        lambda: post(
            rng.choice([b"/api/v1/diagnose", b"/", b"/api/v1/sparql"]),
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
            rng.choice([b"zz", b"-1", b"0x1f", b"1" * 30, b"5;\x00", b"a\r\n{}"]) + b"\r\n{}\r\n0\r\n\r\n",
        ),
        lambda: post(b"/api/v1/diagnose", b"Transfer-Encoding: chunked\r\n", b"5\r\n{}\r\n0\r\n\r\n"),
        lambda: post(b"/api/v1/diagnose", b"Transfer-Encoding: chunked, gzip\r\n", b"2\r\n{}\r\n0\r\n\r\n"),
        # Content-Length lies, both framings, invalid lengths
        lambda: post(b"/api/v1/diagnose", b"Content-Length: 5\r\n", body),
        lambda: post(b"/api/v1/diagnose", b"Content-Length: -5\r\n", body),
        lambda: post(b"/api/v1/diagnose", b"Content-Length: 99999999999999999999\r\n", body),
        lambda: post(b"/api/v1/diagnose", b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", body),
        lambda: post(b"/api/v1/diagnose", b"Content-Length: 3\r\nContent-Length: 4\r\n", b"{}{}"),
        # bodies: invalid UTF-8, deep nesting, huge numbers, wrong types
        lambda: post(
            b"/api/v1/diagnose",
            b"Content-Type: application/json\r\nContent-Length: 6\r\n",
            b'{"\xff\xfe":1}'[:6],
        ),
        lambda: _json_post(post, "/api/v1/diagnose", "[" * rng.randint(100, 5000) + "]" * 10),
        lambda: _json_post(post, "/api/v1/diagnose", '{"top": 1' + "0" * rng.randint(20, 4000) + "}"),
        lambda: _json_post(post, "/api/v1/diagnose", '{"age": 1e999, "observed": ["HP:0001945"]}'),
        lambda: _json_post(post, "/api/v1/sparql", json.dumps({"query": "SELECT * WHERE {?s ?p ?o}" * 50})),
        lambda: _json_post(post, "/api/v1/extract", json.dumps({"text": "\ud800" * 10}, ensure_ascii=True)),
        # odd digits in query parameters
        lambda: _get(host, rng.choice(PATHS).format(d=_quote(rng.choice(ODD_DIGITS))).encode()),
        lambda: post(
            b"/api/v1/sparql?limit=" + _quote(rng.choice(ODD_DIGITS)).encode(),
            b"Content-Type: application/sparql-query\r\nContent-Length: 16\r\n",
            b"ASK { ?s ?p ?o }",
        ),
        # headers: long, many, odd hosts, folded, NUL
        lambda: b"GET / HTTP/1.1\r\nHost: " + b"h" * rng.choice([63, 64, 255, 300]) + b"\r\n\r\n",
        lambda: b"GET /diseases/OMIM:142900 HTTP/1.1\r\nHost: a..b\r\n\r\n",
        lambda: b"GET / HTTP/1.1\r\nHost: " + "ñandú.example".encode() + b"\r\n\r\n",
        lambda: b"GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
        lambda: b"GET / HTTP/1.1\r\n\r\n",
        lambda: (
            b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * rng.choice([8000, 9000, 70000]) + b"\r\n\r\n"
        ),
        lambda: b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(150)) + b"\r\n",
        lambda: b"GET / HTTP/1.1\r\nHost: x\r\nX-Fold: a\r\n b\r\n\r\n",
        lambda: b"GET / HTTP/1.1\r\nHost: x\r\nX-Nul: a\x00b\r\n\r\n",
        lambda: (
            b"GET / HTTP/1.1\r\nHost: x\r\nX-Request-ID: " + os.urandom(20).hex().encode() * 10 + b"\r\n\r\n"
        ),
        lambda: b"GET /api/v1/ HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 1.2.3.4, ::1, nonsense\r\n\r\n",
        # request lines: long URL, bad methods and versions, absolute URIs, encoded bytes
        lambda: b"GET /" + b"a" * rng.choice([5000, 9000]) + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        lambda: (
            rng.choice([b"BREW", b"G\x00T", b"get", b"CONNECT", b"TRACE"]) + b" / HTTP/1.1\r\nHost: x\r\n\r\n"
        ),
        lambda: b"GET / HTTP/" + rng.choice([b"9.9", b"1.2", b"0.9", b"2", b"x"]) + b"\r\nHost: x\r\n\r\n",
        lambda: b"GET http://evil.example/api/v1/ HTTP/1.1\r\nHost: x\r\n\r\n",
        lambda: b"GET /api/v1/diseases/%ff%fe%00 HTTP/1.1\r\nHost: x\r\n\r\n",
        lambda: b"GET /static/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
        lambda: b"GET /?" + b"&".join(b"a%d=1" % i for i in range(2000)) + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        # other protocols on the plain port
        lambda: bytes.fromhex("16030100a5010000a10303") + os.urandom(rng.randint(0, 300)),
        lambda: b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + os.urandom(30),
        lambda: os.urandom(rng.randint(1, 2000)),
        lambda: b"\r\n\r\n\r\n",
        # the form without its CSRF token, with odd encodings
        lambda: post(
            b"/", b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 9\r\n", b"findings="
        ),
        lambda: post(
            b"/", b"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 9\r\n", b"--x\r\n--x-"
        ),
    ]
    return [rng.choice(makers)() for _ in range(count)]


def _json_post(post, path: str, text: str) -> bytes:
    data = text.encode("utf-8", "surrogatepass")
    headers = b"Content-Type: application/json\r\nContent-Length: %d\r\n" % len(data)
    return post(path.encode(), headers, data)


def _get(host: bytes, path: bytes) -> bytes:
    return b"GET " + path + b" HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n"


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def send_raw(port: int, data: bytes) -> int | None:
    """The status of the first response, or None when the server only closed the connection."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:
            sock.sendall(data)
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_WR)
            answer = b""
            while b"\r\n" not in answer:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                answer += chunk
    except OSError:
        return None
    parts = answer.split(b"\r\n", 1)[0].split(b" ")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def statuses_from_log(path: Path) -> Counter:
    counts: Counter = Counter()
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith("{") and '"event": "request"' in line:
            record = json.loads(line)
            counts[(record["status"], record.get("route", "?"))] += 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=2500, help="schemathesis examples per operation")
    parser.add_argument("--raw", type=int, default=6000, help="raw-HTTP cases")
    parser.add_argument("--workers", default=os.environ.get("DXGRAPH_WEB_WORKERS", "2"))
    args = parser.parse_args()
    settings = load_settings()
    kb = ensure_kb(settings)
    port = free_port()
    log_path = REPO / "reports" / "web_fuzz_server.log"
    log_path.parent.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DXGRAPH_SERVING_LOG": "off",
        "DXGRAPH_RATE_LIMIT": "10000000 per minute",
        "DXGRAPH_SPARQL_TIMEOUT": "2",
        "DXGRAPH_WEB_WORKERS": str(args.workers),
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve", "--production", "--host", "127.0.0.1"]
            + ["--port", str(port)],
            env=env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    report: dict = {"cores": os.cpu_count(), "workers": int(args.workers)}
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.5)
        report["memory_at_start_mb"] = server_memory_mb(server.pid)
        # steady state first: ordinary traffic fills each worker's caches to their budgets
        bodies = findings(kb, 2000)
        asyncio.run(open_loop(port, [encode(port, {**b, **KINDS["api"]}) for b in bodies], 60, 2000 / 60))
        report["memory_before_fuzz_mb"] = server_memory_mb(server.pid)
        started = time.time()
        junit = REPO / "reports" / "web_fuzz_schemathesis.xml"
        schemathesis = subprocess.run(
            [
                str(Path(sys.executable).with_name("schemathesis")),
                "run",
                f"http://127.0.0.1:{port}/api/v1/openapi.json",
                "--checks",
                "not_a_server_error",
                "--max-examples",
                str(args.examples),
                "--workers",
                "4",
                "--no-shrink",
                "--seed",
                "13",
                "--request-timeout",
                "30",
                "--suppress-health-check",
                "all",
                "--continue-on-failure",
                "--report",
                "junit",
                "--report-junit-path",
                str(junit),
                "--no-color",
                "--generation-database",
                "none",
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        report["schemathesis_seconds"] = round(time.time() - started)
        report["schemathesis_exit_code"] = schemathesis.returncode
        report["schemathesis_summary"] = schemathesis.stdout.strip().splitlines()[-12:]
        rng = random.Random(13)
        cases = raw_cases(rng, port, args.raw)
        started = time.time()
        with ThreadPoolExecutor(max_workers=8) as pool:
            raw_statuses = Counter(pool.map(lambda data: send_raw(port, data), cases))
        report["raw_seconds"] = round(time.time() - started)
        report["raw_statuses"] = {str(k): v for k, v in sorted(raw_statuses.items(), key=str)}
        report["memory_after_fuzz_mb"] = server_memory_mb(server.pid)
        time.sleep(15)
        report["memory_after_idle_mb"] = server_memory_mb(server.pid)
        report["workers_alive"] = report["memory_after_idle_mb"]["processes"] - 1
    finally:
        server.terminate()
        report["exit_code"] = server.wait(timeout=60)
    counts = statuses_from_log(log_path)
    by_status: Counter = Counter()
    for (status, _), n in counts.items():
        by_status[status] += n
    report["server_statuses"] = {str(k): v for k, v in sorted(by_status.items())}
    report["server_5xx"] = {f"{s} {r}": n for (s, r), n in counts.items() if s >= 500}
    report["requests_logged"] = sum(by_status.values())
    text = log_path.read_text(errors="replace")
    markers = ("was sent SIGKILL", "was sent SIGABRT", "exited with code", "WORKER TIMEOUT")
    report["worker_crashes"] = sum(text.count(marker) for marker in markers)
    report["raw_cases"] = args.raw
    before, after = report["memory_before_fuzz_mb"], report["memory_after_idle_mb"]
    report["memory_change_pss"] = round(after["pss"] / before["pss"] - 1, 3)
    out = REPO / "reports" / "web_fuzz.json"
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps({k: v for k, v in report.items() if k != "schemathesis_summary"}, indent=1))
    print("\n".join(report["schemathesis_summary"]))
    five_hundreds = sum(n for (s, _), n in counts.items() if s >= 500 and s != 503)
    return 1 if five_hundreds or report["worker_crashes"] else 0


if __name__ == "__main__":
    sys.exit(main())
