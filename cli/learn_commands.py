"""`dxgraph ingest`, `learn`, `models` and `up` (the main job)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from knowledge import config
from knowledge.config import Settings
from knowledge.kb import load_current
from learning.ingest.batch import FORMATS
from learning.ingest.pipeline import ingest_paths
from learning.learn import learn
from learning.ops import registry
from learning.privacy.pseudonym import load_key
from learning.store import Store

__all__ = ["no_demo_data", "register"]


def register(sub) -> None:
    """Add the `ingest`, `learn`, `models` and `up` commands to the subparsers."""
    p = sub.add_parser("ingest", help="load patient data into the central store")
    p.add_argument("paths", nargs="+")
    p.add_argument("--format", choices=FORMATS, help="input format (detected when not given)")
    p.add_argument(
        "--sheet", help="Excel: the sheet to read, by name or number (default: the one with records)"
    )
    p.set_defaults(handler=cmd_ingest)
    p = sub.add_parser("learn", help="refine the network from the store into a new versioned model")
    p.add_argument("--no-promote", action="store_true", help="register as challenger only")
    p.add_argument("--tolerance", type=float, default=0.01, help="allowed drop of held-out metrics")
    p.add_argument(
        "--engine",
        choices=["duckdb", "spark"],
        default="duckdb",
        help="where counts run (spark: pyspark needed)",
    )
    p.set_defaults(handler=cmd_learn)
    p = sub.add_parser("models", help="list, promote or roll back models")
    p.add_argument("action", choices=["list", "promote", "rollback"])
    p.add_argument("version", nargs="?")
    p.set_defaults(handler=cmd_models)
    p = sub.add_parser("up", help="main job: build the KB, load demo data, learn, serve the site")
    p.add_argument("--port", type=int, default=config.web_port())
    p.add_argument("--host", default=config.web_host())
    p.add_argument("--no-serve", action="store_true", help="stop after learning")
    p.set_defaults(handler=cmd_up)


def cmd_ingest(args, settings: Settings) -> int:
    kb = load_current(settings.kb_dir)
    paths = [Path(p) for p in args.paths]
    with Store(settings.store_path) as store:
        summary = ingest_paths(
            store, kb, load_key(settings.key_file), paths, fmt=args.format, sheet=getattr(args, "sheet", None)
        )
        print(summary.as_text(), file=sys.stderr)
    return 0


def cmd_learn(args, settings: Settings) -> int:
    kb = load_current(settings.kb_dir)
    with Store(settings.store_path) as store:
        result = learn(
            store,
            kb,
            settings.models_dir,
            tolerance=args.tolerance,
            promote=not args.no_promote,
            engine=getattr(args, "engine", "duckdb"),
        )
    metrics = result.artifact.info["metrics"]
    print(
        json.dumps(
            {
                "version": result.artifact.version,
                "promoted": result.promoted,
                "reason": result.reason,
                "validation": metrics["validation"],
                "literature_only": metrics["literature_only"],
            },
            indent=2,
        )
    )
    return 0


def cmd_models(args, settings: Settings) -> int:
    models = settings.models_dir
    if args.action == "list":
        current = registry.champion(models)
        for entry in registry.entries(models):
            mark = "*" if entry["version"] == current else " "
            validation = entry["metrics"]["validation"]
            print(
                f"{mark} {entry['version']}  top1 {validation['top1']:.3f}  top10 {validation['top10']:.3f}  "
                f"{'promoted' if entry['promoted'] else 'challenger'}: {entry['reason']}"
            )
        return 0
    if args.action == "promote":
        if not args.version:
            raise ValueError("promote needs a model version (see `dxgraph models list`)")
        registry.promote(models, args.version, "manual promotion")
        print(f"promoted {args.version}", file=sys.stderr)
        return 0
    print(f"rolled back to {registry.rollback(models)}", file=sys.stderr)
    return 0


def no_demo_data(settings: Settings) -> str:
    """What `dxgraph up` says when there is no patient data to learn from: where it looked, what to set."""
    looked = settings.shared_dir / "data" / "phenopackets" / "dev"
    return (
        f"no demo data found: {looked} does not exist (set DXGRAPH_DEMO_DATA to phenopacket files or "
        "directories, ':'-separated, to load others); serving the literature-only model"
    )


def cmd_up(args, settings: Settings) -> int:
    from cli.kb_commands import cmd_build

    build_args = type("Args", (), {"no_sparql": False})()
    if cmd_build(build_args, settings) != 0:
        return 1
    data = settings.demo_data
    if data:
        cmd_ingest(type("Args", (), {"paths": [str(p) for p in data], "format": None})(), settings)
        cmd_learn(type("Args", (), {"tolerance": 0.01, "no_promote": False})(), settings)
    else:
        print(no_demo_data(settings), file=sys.stderr)
    if args.no_serve:
        return 0
    from cli.web_commands import serve

    return serve(settings, args.host, args.port, production=True)
