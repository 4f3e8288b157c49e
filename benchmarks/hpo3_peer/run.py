"""Peer ranking with hpo3 (Phenomizer-style similarity), run from the project's Python.

hpo3 installs its module as ``pyhpo`` and so cannot share an environment with the project's
``pyhpo``: this module creates (once) a separate virtual environment under ``var/`` with hpo3,
and runs ``rank.py`` in it as a subprocess. Only the standard library is used here.

    from benchmarks.hpo3_peer.run import run_hpo3, evaluate
    results = run_hpo3(Path("../shared/data/phenopackets/dev"), Path("var/hpo3_dev.jsonl"), None)

Command line: ``python benchmarks/hpo3_peer/run.py PHENOPACKETS [--out FILE] [--limit N] [--eval]
[--project-hpo | --data-folder DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import venv
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from packets import iter_phenopackets  # noqa: E402  (the reader rank.py uses too)

REPO = Path(__file__).resolve().parents[2]
RANK_SCRIPT = Path(__file__).resolve().with_name("rank.py")
HPO3_VERSION = os.environ.get("DXGRAPH_HPO3_VERSION", "1.5.1")
VENV_DIR = Path(os.environ.get("DXGRAPH_HPO3_VENV", REPO / "var" / "bench-venv-hpo3"))
DEFAULT_OUT = REPO / "var" / "hpo3_results.jsonl"


def venv_python(venv_dir: Path = VENV_DIR) -> Path:
    """Path of the hpo3 environment's interpreter."""
    return venv_dir / "bin" / "python"


def _installed_hpo3(python: Path) -> str | None:
    """Version of hpo3 installed for that interpreter, or None."""
    if not python.exists():
        return None
    probe = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('hpo3'))"],
        capture_output=True,
        text=True,
        check=False,
    )
    return probe.stdout.strip() if probe.returncode == 0 else None


def ensure_venv(venv_dir: Path = VENV_DIR, version: str = HPO3_VERSION) -> Path:
    """Create or reuse the hpo3 virtual environment; return its interpreter."""
    python = venv_python(venv_dir)
    if _installed_hpo3(python) == version:
        return python
    if not python.exists():
        print(f"creating hpo3 environment in {venv_dir}", file=sys.stderr)
        venv.EnvBuilder(with_pip=True, clear=True).create(venv_dir)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", f"hpo3=={version}"],
        check=True,
    )
    return python


def run_hpo3(
    phenopackets: Path, out: Path, limit: int | None = None, data_folder: Path | None = None
) -> Path:
    """Rank the cases under ``phenopackets`` with hpo3, write JSONL to ``out`` and return ``out``.

    ``data_folder`` (hp.obo, phenotype.hpoa, genes_to_phenotype.txt) replaces hpo3's built-in HPO
    release, e.g. ``project_hpo_data()`` to score against the same release as the project.
    """
    python = ensure_venv()
    out = Path(out).resolve()
    command = [
        str(python),
        str(RANK_SCRIPT),
        "--phenopackets",
        str(Path(phenopackets).resolve()),
        "--out",
        str(out),
    ]
    if limit is not None:
        command += ["--limit", str(limit)]
    if data_folder is not None:
        command += ["--data-folder", str(Path(data_folder).resolve())]
    # A clean environment for the child: no project paths that could shadow hpo3's ``pyhpo``.
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "PYTHONHOME"}}
    subprocess.run(command, check=True, env=env)
    return out


def project_hpo_data() -> Path:
    """The HPO release folder shipped with the project's ``pyhpo`` (imported here, not in the venv)."""
    import pyhpo

    return Path(pyhpo.__file__).resolve().parent / "data"


def load_truth(phenopackets: Path) -> dict[str, str]:
    """Map case id to ``interpretations[0].diagnosis.disease.id`` (cases without one are left out)."""
    truth: dict[str, str] = {}
    for fallback_id, packet in iter_phenopackets(Path(phenopackets)):
        try:
            disease_id = packet["interpretations"][0]["diagnosis"]["disease"]["id"]
        except (KeyError, IndexError, TypeError):
            continue
        truth[packet.get("id") or fallback_id] = disease_id
    return truth


def evaluate(results: Path, truth: dict[str, str], ks: tuple[int, ...] = (1, 3, 10)) -> dict[str, Any]:
    """Top-k accuracy (percent) of the true diagnosis and the median seconds per case."""
    hits = dict.fromkeys(ks, 0)
    seconds: list[float] = []
    cases = 0
    with Path(results).open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            target = truth.get(record["case_id"])
            if target is None:
                continue
            cases += 1
            seconds.append(record["seconds"])
            ranked = [disease for disease, _ in record["ranking"]]
            for k in ks:
                hits[k] += target in ranked[:k]
    report: dict[str, Any] = {"cases": cases}
    report.update({f"top{k}": round(100 * hits[k] / cases, 1) if cases else 0.0 for k in ks})
    report["median_seconds"] = round(statistics.median(seconds), 4) if seconds else 0.0
    return report


def main(argv: list[str] | None = None) -> int:
    """Command line: run hpo3 on a phenopacket path, print the results path (and metrics with --eval)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("phenopackets", type=Path, help="file, directory (recursive) or .jsonl")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--data-folder", type=Path, default=None, help="HPO release folder for hpo3")
    parser.add_argument(
        "--project-hpo", action="store_true", help="use the HPO release of the project's pyhpo"
    )
    parser.add_argument("--eval", action="store_true", help="also print top-1/3/10 and median seconds")
    args = parser.parse_args(argv)
    data_folder = project_hpo_data() if args.project_hpo else args.data_folder
    results = run_hpo3(args.phenopackets, args.out, args.limit, data_folder)
    print(results)
    if args.eval:
        print(json.dumps(evaluate(results, load_truth(args.phenopackets))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
