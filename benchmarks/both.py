"""Rare phenopackets and common vignettes in one run: a change to knowledge or inference is measured on
both kinds of patient at once, held-out parts reported (rare: publication folds and the cited /
independent halves; common: vignette half B). `--before DIR` also builds a knowledge base from another
ontologies directory (e.g. `git archive <rev> ontologies | tar -x -C /tmp/old`) and scores it in the
same run, so before and after sit side by side.

    python benchmarks/both.py [--before /tmp/old/ontologies] [--cases DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.accuracy import OMIM, cited_mask, eval_cases  # noqa: E402
from benchmarks.vignettes import dont_miss_figures, evaluate, print_dont_miss, read_mapping  # noqa: E402
from inference.engine import Diagnoser  # noqa: E402
from inference.evaluation import publication_fold, rank_summary, score_cases  # noqa: E402
from inference.phenopackets import iter_packets, packet_to_case  # noqa: E402
from knowledge.build import build, ensure_kb, read_sources  # noqa: E402
from knowledge.config import load_settings  # noqa: E402


def rare_rows(kb, cases_dir: Path) -> dict[str, dict]:
    """Literature-only top-1 / top-10 on the dev phenopackets, OMIM-only and all sources, per part."""
    cases = [c for c in (packet_to_case(kb, p) for _, p in iter_packets(cases_dir)) if c.diagnoses]
    evaluation, cited = eval_cases(cases), cited_mask(kb, cases)
    folds = np.asarray([publication_fold(c.case_id) for c in cases])
    parts = {"all": np.ones(len(cases), bool), "fold 0": folds == 0, "fold 1": folds == 1}
    parts |= {"cited": cited, "independent": ~cited}
    diagnoser = Diagnoser(kb)
    rows = {}
    for name, sources in (("OMIM", OMIM), ("all sources", None)):
        ranks = score_cases(diagnoser, evaluation, f"rare {name}", sources, progress=True).ranks
        rows[name] = {part: rank_summary(ranks[mask], (1, 10)) for part, mask in parts.items()}
    return rows


def report(label: str, kb, cases_dir: Path) -> None:
    print(f"\n== {label}: KB {kb.version}, {sum(s == 'curated' for s in kb.disease_source)} curated diseases")
    for name, parts in rare_rows(kb, cases_dir).items():
        cells = "  ".join(f"{p} {100 * r['top1']:.1f}/{100 * r['top10']:.1f}" for p, r in parts.items())
        print(f"rare, {name:12} top-1/top-10: {cells}")
    rows = read_mapping()
    for context in ("primary-care", "emergency"):
        result = evaluate(kb, Diagnoser(kb), rows, context)
        held = result["B (held out)"]
        print(
            f"vignettes, {context:12} half B: coverage {100 * held['coverage']:.1f}% top-1 "
            f"{100 * held['top1']:.1f} ({100 * held['top1_ci'][0]:.1f}-{100 * held['top1_ci'][1]:.1f}) "
            f"top-3 {100 * held['top3']:.1f} top-10 {100 * held['top10']:.1f} ECE {held['ece']:.3f}; "
            f"half A top-1 {100 * result['A']['top1']:.1f}"
        )
        print_dont_miss(dont_miss_figures(kb, Diagnoser(kb), rows, context), context)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", default=str(REPO.parent / "shared" / "data" / "phenopackets" / "dev"))
    parser.add_argument("--before", help="another ontologies directory to score in the same run")
    args = parser.parse_args()
    settings = load_settings()
    if args.before:
        before = build(read_sources(settings.hpo_dir), Path(args.before))
        report(f"before ({args.before})", before, Path(args.cases))
    report("now", ensure_kb(settings), Path(args.cases))
    return 0


if __name__ == "__main__":
    sys.exit(main())
