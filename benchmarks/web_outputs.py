"""The /api/v1/diagnose answers to the bodies benchmarks/web_load.py sends, for comparing two versions of
the code: writes one JSON line per request (the random request_id left out) for each request kind, in
process through Flask's test client. A speed-up of the serving path must leave the file identical:

    python benchmarks/web_outputs.py --code /path/to/old/checkout --out old.jsonl
    python benchmarks/web_outputs.py --out new.jsonl && cmp old.jsonl new.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--code", default=str(REPO), help="the checkout whose code answers")
    parser.add_argument("--kinds", default="api,page,rare")
    parser.add_argument("--bodies", type=int, default=600)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    sys.path[:0] = [args.code, str(Path(args.code) / "benchmarks")]  # (web_load puts its own checkout first)
    os.environ.setdefault("DXGRAPH_SERVING_LOG", "off")
    os.environ.setdefault("DXGRAPH_RATE_LIMIT", "1000000 per minute")
    from web_load import KINDS, findings

    from knowledge.build import ensure_kb
    from knowledge.config import load_settings
    from web.app import create_app

    assert Path(sys.modules["web.app"].__file__).is_relative_to(Path(args.code).resolve()), "mixed checkouts"
    settings = load_settings()
    bodies = findings(ensure_kb(settings), args.bodies)
    client = create_app(settings).test_client()
    with open(args.out, "w") as out:
        for kind in args.kinds.split(","):
            for body in bodies:
                for lang in ("en", "es"):
                    response = client.post("/api/v1/diagnose", json={**body, **KINDS[kind], "lang": lang})
                    answer = response.get_json()
                    answer.pop("request_id", None)
                    out.write(json.dumps({"kind": kind, "status": response.status_code, **answer}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
