"""Open-loop load on the real site under gunicorn: the API's default /api/v1/diagnose request (explain 3,
questions 5, context primary-care), the site's own page request (top 10, explain 10, questions 5) and the
API's defaults from a rare-disease clinic (context rare-disease-clinic: the fitted likelihood), each at
rising constant arrival rates.

Requests are sent on schedule whatever the previous ones are doing (open loop: a slow server shows as
latency, counted from the scheduled send time, not as a lower send rate), over keep-alive connections
as a browser or an API client would use them. Evidence is realistic: 5-20 findings from the shared real
cases (random annotated terms when they are missing). Prints p50/p95/p99 and errors per rate, the
highest rate sustained with p95 <= 50 ms and no errors for each request kind, the memory of gunicorn's
master + workers after the run (RSS, and PSS: shared pages counted once), and the in-process engine
time as the floor. Writes reports/web_load.json.

    python benchmarks/web_load.py [--rates 50,100,150,200,250,300] [--seconds 20] [--kinds api,page,rare]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from inference.phenopackets import iter_packets, packet_to_case  # noqa: E402
from knowledge.build import ensure_kb  # noqa: E402
from knowledge.config import load_settings  # noqa: E402

KINDS = {
    "api": {"explain": 3, "questions": 5},  # the API's defaults (context primary-care)
    "page": {"top": 10, "explain": 10, "questions": 5},  # what web/static/app.js sends (its default context)
    # the API's defaults as a rare-disease clinic sends them (the fitted likelihood of issue 14)
    "rare": {"explain": 3, "questions": 5, "context": "rare-disease-clinic"},
}
TARGET_P95_MS = 50.0


def findings(kb, count: int) -> list[dict]:
    cases_dir = (
        Path(os.environ.get("DXGRAPH_SHARED", REPO.parent / "shared")) / "data" / "phenopackets" / "dev"
    )
    rng = random.Random(7)
    bodies: list[dict] = []
    if cases_dir.is_dir():
        for _, packet in iter_packets(cases_dir):
            case = packet_to_case(kb, packet)
            chosen = case.evidence.findings[:20]
            if len(chosen) >= 5:
                bodies.append(
                    {
                        "observed": [f.term for f in chosen if f.present],
                        "excluded": [f.term for f in chosen if not f.present],
                    }
                )
            if len(bodies) >= count:
                break
    while len(bodies) < count:
        bodies.append({"observed": rng.sample(kb.term_ids[1000:], rng.randint(5, 20)), "excluded": []})
    return bodies


def encode(port: int, body: dict, close: bool = False) -> bytes:
    """The raw request; `close` asks for a fresh connection afterwards (the warm-up's, see main)."""
    data = json.dumps(body).encode()
    extra = "Connection: close\r\n" if close else ""
    head = (
        f"POST /api/v1/diagnose HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"{extra}Content-Length: {len(data)}\r\n\r\n"
    )
    return head.encode() + data


class Pool:
    """Keep-alive connections to the server, opened on demand."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def send(self, request: bytes) -> int:
        for attempt in range(2):
            reused = bool(self.idle) and not attempt  # a retry opens a fresh connection
            reader, writer = (
                self.idle.pop() if reused else await asyncio.open_connection("127.0.0.1", self.port)
            )
            try:
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                await reader.readexactly(length)
                if b"connection: close" in head.lower():
                    writer.close()
                else:
                    self.idle.append((reader, writer))
                return status
            except (OSError, asyncio.IncompleteReadError, ValueError):
                writer.close()
                if not reused:  # a fresh connection failed: an error, not a keep-alive the server closed
                    return 0
        return 0


async def open_loop(port: int, requests: list[bytes], rate: float, seconds: float) -> dict:
    pool = Pool(port)
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    statuses: list[int] = []
    total = int(rate * seconds)
    start = loop.time() + 0.05

    async def one(i: int) -> None:
        scheduled = start + i / rate
        await asyncio.sleep(max(0.0, scheduled - loop.time()))
        status = await pool.send(requests[i % len(requests)])
        latencies.append(loop.time() - scheduled)
        statuses.append(status)

    began = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(total)))
    elapsed = time.perf_counter() - began
    for _, writer in pool.idle:
        writer.close()
    latencies.sort()

    def pct(q: float) -> float:
        return round(1000 * latencies[min(int(q * len(latencies)), len(latencies) - 1)], 1)

    errors = sum(1 for s in statuses if s != 200)
    return {
        "rate": rate,
        "sent": total,
        "errors": errors,
        "p50_ms": pct(0.5),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "completed_per_s": round(total / elapsed, 1),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_pids(master: int) -> list[int]:
    pids = [master]
    for task in Path(f"/proc/{master}/task").iterdir():
        pids += [int(p) for p in (task / "children").read_text().split()]
    return pids


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def server_memory_mb(master: int) -> dict:
    """RSS (shared pages counted in every process), PSS (shared pages split) and USS (private) of the
    gunicorn master and its workers."""
    pids = server_pids(master)
    totals = {"rss": 0.0, "pss": 0.0, "uss": 0.0, "processes": len(pids)}
    for pid in pids:
        try:
            fields = {
                line.split(":")[0]: int(line.split()[1])
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]
            }
        except OSError:
            continue
        totals["rss"] += fields["Rss"] / 1024
        totals["pss"] += fields["Pss"] / 1024
        totals["uss"] += (fields["Private_Clean"] + fields["Private_Dirty"]) / 1024
    return {k: round(v) if isinstance(v, float) else v for k, v in totals.items()}


def engine_floor(settings, kb, bodies: list[dict]) -> dict:
    """In-process time of the same work (no HTTP): diagnosis alone, and with each kind's extras."""
    from inference.evidence import make_evidence
    from inference.explain import explain_many
    from inference.loading import load_diagnoser
    from inference.questions import next_questions

    diagnoser = load_diagnoser(kb, settings.models_dir, "latest")
    times: dict[str, list[float]] = {"diagnose": [], **{kind: [] for kind in KINDS}}
    evidence = {
        context: [
            make_evidence(kb, b["observed"], b["excluded"], context=context, strict=False)
            for b in bodies[:400]
        ]
        for context in ("primary-care", "rare-disease-clinic")
    }
    for items in evidence.values():  # warm the cache
        for item in items:
            diagnoser.diagnose(item, top=10)
    for position in range(len(evidence["primary-care"])):
        for kind in times:
            extras = KINDS.get(kind, {})
            item = evidence[extras.get("context", "primary-care")][position]
            started = time.perf_counter()
            diagnosis = diagnoser.diagnose(item, top=10)
            if kind != "diagnose":
                explain_many(diagnoser, diagnosis, [r.index for r in diagnosis.ranking[: extras["explain"]]])
                next_questions(diagnoser, diagnosis, limit=extras["questions"])
            times[kind].append(time.perf_counter() - started)
    return {k: round(1000 * statistics.median(v), 2) for k, v in times.items()} | {
        "model": diagnoser.model_version
    }


def ensure_model_table(settings, kb) -> float | None:
    """Build the served model's likelihood table if missing (as a first server start would, in its
    first worker) so that the measured server reads it from its start; the seconds taken, or None."""
    from inference.loading import load_diagnoser
    from inference.term_table import ensure_table, existing_table
    from knowledge.config import table_terms, usable_cores

    diagnoser = load_diagnoser(kb, settings.models_dir, "latest")
    if existing_table(diagnoser, settings.term_tables_dir, table_terms()) is not None or not table_terms():
        return None
    started = time.perf_counter()
    ensure_table(diagnoser, settings.term_tables_dir, table_terms(), jobs=usable_cores(), progress=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rates", default="50,100,150,200,250,300")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--kinds", default="api,page,rare")
    parser.add_argument("--workers", default=os.environ.get("DXGRAPH_WEB_WORKERS", "2"))
    parser.add_argument("--threads", default=os.environ.get("DXGRAPH_WEB_THREADS", "4"))
    parser.add_argument("--warmup-rate", type=float, default=100, help="requests/s of the warm-up pass")
    parser.add_argument("--no-floor", action="store_true", help="skip the in-process engine times")
    args = parser.parse_args()
    settings = load_settings()
    kb = ensure_kb(settings)
    bodies = findings(kb, 2000)
    floor = {"diagnose": None, "api": None, "page": None, "rare": None, "model": None}
    if not args.no_floor:
        floor = engine_floor(settings, kb, bodies)
    table_s = ensure_model_table(settings, kb)
    if table_s is not None:
        print(f"likelihood table of the served model built in {table_s:.1f} s (kept for later starts)")
    print(
        f"engine in-process (floor, warm cache), median per request: diagnosis {floor['diagnose']} ms, API "
        f"default {floor['api']} ms, page {floor['page']} ms, rare-disease clinic {floor['rare']} ms "
        f"(model {floor['model']})"
    )
    port = free_port()
    env = {
        **os.environ,
        "DXGRAPH_SERVING_LOG": "off",
        "DXGRAPH_RATE_LIMIT": "1000000 per minute",
        "DXGRAPH_WEB_WORKERS": str(args.workers),
        "DXGRAPH_WEB_THREADS": str(args.threads),
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
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
    report: dict = {
        "engine_floor_ms": floor,
        "cores": os.cpu_count(),
        "workers": int(args.workers),
        "threads": int(args.threads),
        "ordinary_lane": os.environ.get("DXGRAPH_ORDINARY_LANE", "on"),
        "load_average_at_start": os.getloadavg(),
    }
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.5)
        report["memory_at_start_mb"] = server_memory_mb(server.pid)
        print(f"server memory (PSS, master + workers) at start: {report['memory_at_start_mb']['pss']} MB")
        kinds = [k for k in args.kinds.split(",") if k]
        requests = {kind: [encode(port, {**b, **KINDS[kind]}) for b in bodies] for kind in kinds}
        # warm-up: every body twice at a gentle rate, each on a new connection, so that every worker's cache
        # fills as steady traffic would (over kept-alive connections one worker took the whole warm-up and
        # the other met the first measured rate cold)
        warmup = [encode(port, {**b, **KINDS[kinds[0]]}, close=True) for b in bodies] * 2
        asyncio.run(open_loop(port, warmup, args.warmup_rate, len(warmup) / args.warmup_rate))
        report["memory_after_warmup_mb"] = server_memory_mb(server.pid)
        for kind in kinds:
            print(f"\n{kind} request ({KINDS[kind]}):")
            columns = ("rate/s", "sent", "errors", "p50 ms", "p95 ms", "p99 ms", "done/s", "cpu ms", "load")
            print(" ".join(f"{c:>7}" for c in columns))
            rows, best = [], 0.0
            for rate in (float(r) for r in args.rates.split(",")):
                pids = server_pids(server.pid)
                before = cpu_seconds(pids)
                row = asyncio.run(open_loop(port, requests[kind], rate, args.seconds))
                # the server's own CPU per request: what the rate costs whatever else runs on the machine
                row["server_cpu_ms_per_request"] = round(1000 * (cpu_seconds(pids) - before) / row["sent"], 2)
                row["load_average_1min"] = round(os.getloadavg()[0], 2)
                rows.append(row)
                print(
                    f"{rate:>7.0f} {row['sent']:>7} {row['errors']:>7} {row['p50_ms']:>7.1f} "
                    f"{row['p95_ms']:>7.1f} {row['p99_ms']:>7.1f} {row['completed_per_s']:>7.1f} "
                    f"{row['server_cpu_ms_per_request']:>7.2f} {row['load_average_1min']:>7.2f}"
                )
                if row["p95_ms"] <= TARGET_P95_MS and row["errors"] == 0:
                    best = max(best, rate)
                elif row["p95_ms"] > 20 * TARGET_P95_MS:
                    break  # far past saturation: higher rates only queue
            print(f"highest rate sustained with p95 <= {TARGET_P95_MS:g} ms and no errors: {best:.0f}/s")
            after = server_memory_mb(server.pid)
            print(f"server memory (PSS, master + workers) after this kind: {after['pss']} MB")
            report[kind] = {"rows": rows, "best_rate": best, "extras": KINDS[kind], "memory_after_mb": after}
        report["memory_after_run_mb"] = server_memory_mb(server.pid)
        memory = report["memory_after_run_mb"]
        print(
            f"\nserver memory after the run (master + {memory['processes'] - 1} workers): RSS "
            f"{memory['rss']} MB (shared pages counted in each process), PSS {memory['pss']} MB, "
            f"private {memory['uss']} MB"
        )
        out = REPO / "reports" / "web_load.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(report, indent=2))
    finally:
        server.terminate()
        server.wait(timeout=60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
