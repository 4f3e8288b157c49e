"""Derive ontologies/translations/hp-es.tsv from the HPO's official Spanish Babelon file.

Only live terms of the knowledge base's HPO release are kept (alternative ids mapped to their live id), so
the committed file matches the release the engine uses.
"""

from __future__ import annotations

import csv
from pathlib import Path

from knowledge.obo import Ontology

__all__ = ["official_labels", "read_babelon", "write_labels"]

HEADER = """# Official Spanish labels of the Human Phenotype Ontology (HPO), derived for dxgraph.
# Source: obophenotype/human-phenotype-ontology, src/translations/hp-es.babelon.tsv,
#   commit af70204caaaac7023f6606ead6a3970d5c303575 (2026-08-14), translation_status OFFICIAL.
# Licence and citation: as the HPO itself (https://hpo.jax.org/license); credit the HPO and its release.
# Derived by `dxgraph kb derive` (knowledge/derive/hpo_spanish.py): rows kept for terms live in the
# HPO release the knowledge base uses ({release}); alternative ids mapped to their live term.
"""


def read_babelon(path: Path) -> list[tuple[str, str]]:
    """(HPO id, Spanish label) pairs of the official rdfs:label rows of a Babelon TSV."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return [
            (row["subject_id"], row["translation_value"].strip())
            for row in rows
            if row.get("predicate_id") == "rdfs:label"
            and row.get("translation_status") == "OFFICIAL"
            and row["translation_value"].strip()
        ]


def official_labels(pairs: list[tuple[str, str]], ontology: Ontology) -> dict[str, str]:
    """Keep labels of live terms of this release; an alternative id's label serves its live term if unset."""
    labels: dict[str, str] = {}
    for term_id, label in pairs:
        if term_id in ontology.terms:
            labels[term_id] = label
    for term_id, label in pairs:
        live = ontology.alt_ids.get(term_id)
        if live and live in ontology.terms:
            labels.setdefault(live, label)
    return dict(sorted(labels.items()))


def write_labels(labels: dict[str, str], release: str, path: Path) -> None:
    """Write the official Spanish labels as a credited TSV (hpo_id, label_es) with the release in its
    header."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(HEADER.format(release=release))
        handle.write("hpo_id\tlabel_es\n")
        for term_id, label in labels.items():
            handle.write(f"{term_id}\t{label}\n")
