"""The /api/v1/diagnose answers to the bodies benchmarks/web_load.py sends, for comparing two versions of
the code: writes one JSON line per request (the random request_id left out) for each request kind, in
process through Flask's test client; with `--reads N`, also N disease pages (API, both languages) and
autocomplete queries (prefixes of labels, random letters) and the extraction of notes made of labels. A
speed-up of the serving path must leave the file identical:

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
    parser.add_argument("--reads", type=int, default=0, help="disease pages and autocomplete queries too")
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
        if args.reads:
            _reads(client, ensure_kb(settings), args.reads, out)
    return 0


def _reads(client, kb, count: int, out) -> None:
    """Disease pages, autocomplete and note extraction: the answers the fuzz reads most widely."""
    import random
    from urllib.parse import quote

    rng = random.Random(13)
    diseases = rng.sample(list(kb.disease_ids), min(count, len(kb.disease_ids)))
    labels = rng.sample(list(kb.term_names), min(count, len(kb.term_names)))
    letters = "abcdefghijklmnopqrstuvwxyz "
    queries = [label[: rng.randint(1, 8)] for label in labels]
    queries += ["".join(rng.choice(letters) for _ in range(rng.randint(1, 5))) for _ in range(count)]
    requests = [("GET", f"/api/v1/diseases/{d}?lang={lang}", None) for d in diseases for lang in ("en", "es")]
    requests += [
        ("GET", f"/api/v1/phenotypes?q={quote(q)}&limit=50&lang={lang}", None)
        for q in queries
        for lang in ("en", "es")
    ]
    notes = [", ".join(labels[i : i + 4]) for i in range(0, min(count, 400), 4)]
    requests += [("POST", "/api/v1/extract", {"text": "no " + note, "lang": "en"}) for note in notes]
    for method, path, body in requests:
        response = client.open(path, method=method, json=body)
        answer = response.get_json()
        if isinstance(answer, dict):
            answer.pop("request_id", None)
        out.write(json.dumps({"path": path, "status": response.status_code, "answer": answer}) + "\n")


if __name__ == "__main__":
    sys.exit(main())
