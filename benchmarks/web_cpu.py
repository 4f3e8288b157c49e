"""Server CPU per request, in-process: the same /api/v1/diagnose bodies benchmarks/web_load.py sends,
through Flask's test client (no sockets, no gunicorn), after a warm-up pass over every body. Prints the
process CPU time per request (time.process_time over chunks of the N requests, the least disturbed chunk
reported: what decides how many requests a core serves)
and, with --profile, the functions that take it (cProfile, cumulative and own time).

    python benchmarks/web_cpu.py [--kinds api,page,rare] [--requests 2000] [--profile api] [--top 40]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from web_load import KINDS, findings  # noqa: E402

from knowledge.build import ensure_kb  # noqa: E402
from knowledge.config import load_settings  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kinds", default="api,page")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--chunks", type=int, default=8, help="timed in this many chunks")
    parser.add_argument("--profile", default="", help="a kind to profile (cProfile) after timing it")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    os.environ.setdefault("DXGRAPH_SERVING_LOG", "off")  # as web_load.py runs the server
    os.environ.setdefault("DXGRAPH_RATE_LIMIT", "1000000 per minute")
    settings = load_settings()
    kb = ensure_kb(settings)
    bodies = findings(kb, 2000)
    from web.app import create_app

    app = create_app(settings)
    client = app.test_client()
    kinds = [k for k in args.kinds.split(",") if k]
    payloads = {kind: [json.dumps({**b, **KINDS[kind]}).encode() for b in bodies] for kind in kinds}

    def send(kind: str, count: int) -> None:
        items = payloads[kind]
        for i in range(count):
            response = client.post(
                "/api/v1/diagnose", data=items[i % len(items)], content_type="application/json"
            )
            if response.status_code != 200:
                raise SystemExit(f"{kind}: {response.status_code} {response.get_data(as_text=True)[:300]}")

    for kind in kinds:
        send(kind, len(bodies))  # warm-up: every body once (fills the caches as steady traffic would)
    for kind in kinds:
        chunks = []  # CPU per request of each chunk: the least disturbed chunk is the steadiest figure
        for _ in range(args.chunks):
            cpu = time.process_time()
            send(kind, args.requests // args.chunks)
            chunks.append(1000 * (time.process_time() - cpu) / (args.requests // args.chunks))
        print(
            f"{kind}: {min(chunks):.2f} ms CPU per request (least of {args.chunks} chunks; median "
            f"{statistics.median(chunks):.2f}; {args.requests} requests)"
        )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        send(args.profile, args.requests)
        profiler.disable()
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
