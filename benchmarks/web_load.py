"""Open-loop load on the real site under gunicorn: constant arrival rate of /api/v1/diagnose requests.

Requests are sent on schedule whatever the previous ones are doing (open loop, so a slow server shows as
latency, not as a lower send rate). Evidence is realistic: 5-20 findings from the shared real cases (or
random annotated terms when they are missing). Prints p50/p95/p99, errors and server memory per rate, the
highest rate sustained with p95 <= 50 ms, and the in-process engine latency as the peer floor.

    python benchmarks/web_load.py [--rates 50,100,200,300] [--seconds 30]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from inference.loading import load_diagnoser  # noqa: E402
from inference.phenopackets import iter_packets, packet_to_case  # noqa: E402
from knowledge.build import ensure_kb  # noqa: E402
from knowledge.config import load_settings  # noqa: E402


def payloads(kb, count: int) -> list[dict]:
    cases_dir = (
        Path(os.environ.get("DXGRAPH_SHARED", REPO.parent / "shared")) / "data" / "phenopackets" / "dev"
    )
    rng = random.Random(7)
    bodies = []
    if cases_dir.is_dir():
        for _, packet in iter_packets(cases_dir):
            case = packet_to_case(kb, packet)
            findings = case.evidence.findings[:20]
            if len(findings) >= 5:
                bodies.append(
                    {
                        "observed": [f.term for f in findings if f.present],
                        "excluded": [f.term for f in findings if not f.present],
                        "context": "rare-disease-clinic",
                        "top": 10,
                        "explain": 0,
                        "questions": 0,
                    }
                )
            if len(bodies) >= count:
                break
    while len(bodies) < count:
        terms = rng.sample(kb.term_ids[1000:], rng.randint(5, 20))
        bodies.append({"observed": terms, "excluded": [], "top": 10, "explain": 0, "questions": 0})
    return bodies


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_rss_mb(root_pid: int) -> float:
    """Resident memory of gunicorn's master and workers."""
    total = 0
    pids = [root_pid] + [
        int(p)
        for p in subprocess.run(["pgrep", "-P", str(root_pid)], capture_output=True, text=True).stdout.split()
    ]
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def run_rate(url: str, bodies: list[dict], rate: float, seconds: float) -> dict:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def send(body: bytes) -> None:
        nonlocal errors
        started = time.perf_counter()
        try:
            request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
                ok = response.status == 200
        except Exception:  # noqa: BLE001 - every failure counts as an error
            ok = False
        elapsed = time.perf_counter() - started
        with lock:
            latencies.append(elapsed)
            if not ok:
                errors += 1

    encoded = [json.dumps(b).encode() for b in bodies]
    total = int(rate * seconds)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=64) as pool:
        for i in range(total):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(send, encoded[i % len(encoded)])
    latencies.sort()

    def pct(q: float) -> float:
        return 1000 * latencies[min(int(q * len(latencies)), len(latencies) - 1)]

    return {
        "rate": rate,
        "sent": total,
        "errors": errors,
        "p50_ms": pct(0.5),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "achieved_rate": total / (time.perf_counter() - start),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rates", default="50,100,200,300")
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    settings = load_settings()
    kb = ensure_kb(settings)
    bodies = payloads(kb, 2000)
    diagnoser = load_diagnoser(kb, settings.models_dir, "latest")
    from inference.evidence import make_evidence

    engine_times = []
    for body in bodies[:300]:
        evidence = make_evidence(
            kb, body["observed"], body["excluded"], context="rare-disease-clinic", strict=False
        )
        started = time.perf_counter()
        diagnoser.diagnose(evidence, top=10)
        engine_times.append(time.perf_counter() - started)
    port = free_port()
    env = {**os.environ, "DXGRAPH_SERVING_LOG": "off", "DXGRAPH_RATE_LIMIT": "100000 per minute"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cli.main",
            "serve",
            "--production",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.5)
        url = f"http://127.0.0.1:{port}/api/v1/diagnose"
        run_rate(url, bodies, 20, 5)  # warm-up: fills the per-term caches of both workers
        print(
            f"engine in-process (peer floor): median {1000 * statistics.median(engine_times):.2f} ms per "
            f"diagnosis, model {diagnoser.model_version}"
        )
        print(
            f"{'rate/s':>7} {'sent':>6} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'RSS MB':>7}"
        )
        best = 0.0
        results = []
        for rate in (float(r) for r in args.rates.split(",")):
            row = run_rate(url, bodies, rate, args.seconds)
            row["server_rss_mb"] = server_rss_mb(server.pid)
            results.append(row)
            print(
                f"{rate:>7.0f} {row['sent']:>6} {row['errors']:>6} {row['p50_ms']:>7.1f} "
                f"{row['p95_ms']:>7.1f} {row['p99_ms']:>7.1f} {row['server_rss_mb']:>7.0f}"
            )
            if row["p95_ms"] <= 50 and row["errors"] == 0:
                best = max(best, rate)
        print(f"highest rate sustained with p95 <= 50 ms and no errors: {best:.0f}/s (target 200/s)")
        out = REPO / "reports" / "web_load.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps({"results": results, "best_rate": best}, indent=2))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
