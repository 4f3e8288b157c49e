"""`dxgraph synth` (synthetic patient files) and `dxgraph privacy report` (k-anonymity of the store)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from knowledge.config import Settings

__all__ = ["register"]


def register(sub) -> None:
    """Add the `synth` and `privacy` commands to the subparsers."""
    p = sub.add_parser("synth", help="write SYNTHETIC patient files (CSV wide/long, JSONL, notes) for demos")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--patients", type=int, default=200)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(handler=cmd_synth)
    p = sub.add_parser("privacy", help="privacy checks of the central store")
    p.add_argument("action", choices=["report"])
    p.add_argument("--k", type=int, default=5, help="k of k-anonymity (classes below k are suppressed)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(handler=cmd_privacy)


def cmd_synth(args, settings: Settings) -> int:
    from knowledge.build import ensure_kb
    from learning.synthetic.files import generate
    from learning.synthetic.patients import SyntheticSpec

    if args.patients < 1:
        raise ValueError("--patients must be at least 1")
    kb = ensure_kb(settings)
    counts = generate(kb, Path(args.out), SyntheticSpec(patients=args.patients, seed=args.seed))
    for name, count in counts.items():
        print(f"{Path(args.out) / name}: {count} synthetic record(s)", file=sys.stderr)
    return 0


def cmd_privacy(args, settings: Settings) -> int:
    from learning.privacy.kanon import k_anonymity, store_quasi_identifiers
    from learning.store import Store

    if not settings.store_path.exists():
        raise FileNotFoundError(f"{settings.store_path}: no store yet; run `dxgraph ingest` first")
    with Store(settings.store_path) as store:
        frame = store_quasi_identifiers(store.connection)
    report = k_anonymity(frame, k=args.k)
    print(json.dumps(report.as_dict(), indent=2, default=str) if args.json else report.as_text(rows=50))
    return 0
