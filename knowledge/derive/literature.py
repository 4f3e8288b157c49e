"""Derive ontologies/common_literature.ttl: the features the literature and discharge summaries give a common
disease that its SymCat profile (ten-odd lay complaints) leaves out, as overlays on the curated diseases.

Inputs, read at derivation time only: the human symptoms-disease network (HSDN, Zhou et al. Nat Commun
2014: PubMed MeSH co-occurrence, TF-IDF per disease; its DO and cardio-pulmonary subsets) and the Columbia
discharge-summary knowledge base (Wang et al. 2008: symptoms in order of association). Two reviewed tables
(ontologies/curation/literature_diseases.tsv: curated disease -> source disease;
literature_symptoms.tsv: source symptom -> HPO term) connect them; literature_rejected.tsv lists the
co-mentions a curator refused for a disease. A source ranks features but gives no
frequency, so an added link's frequency falls with its rank (link_frequency, chosen on half A of the
dev vignettes) and it cites the figure and rank it came from; features the disease already lists, or a
term above or below one it lists, are left alone.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from knowledge.derive.symcat import PREFIXES, read_table

__all__ = ["FLOOR_FREQUENCY", "TOP_FEATURES", "derive", "link_frequency"]

TOP_FEATURES = 12  # per disease: the best-ranked features of its source diseases
COLUMBIA_TOP = 5  # Columbia's first features; further down its lists come inpatients' comorbidities
# P(feature | disease) for the k-th added feature (k = 0, 1, ...): the sources rank features and give no
# rate, so the best-ranked is taken as the most typical: FIRST_FREQUENCY - k * FREQUENCY_STEP, floored
FIRST_FREQUENCY, FREQUENCY_STEP, FLOOR_FREQUENCY = 0.4, 0.03, 0.1
HSDN_FILES = (
    ("hsdn_do_subset/symptoms-DO.tsv", "disease_id", "symptom_id", "tfidf_score"),
    (
        "hsdn_cardiopulmonary_subset/pulmonary_disease_symptom_association_hsdn.tsv",
        "MeSH Disease ID",
        "MeSH Symptom ID",
        "TFIDF score",
    ),
)
COLUMBIA_FILE = "columbia_dskb/raw_data_as_csv.csv"


@dataclass(frozen=True)
class SourceFeature:
    """One feature of a source disease: its id in the source, rank (1 = strongest) and the source's figure."""

    symptom: str
    rank: int
    figure: str


def read_hsdn(common_sources: Path) -> dict[str, list[SourceFeature]]:
    """HSDN disease (HSDN:<MeSH id>) -> its symptoms (MESH:<id>), ranked by TF-IDF within the disease."""
    scores: dict[str, dict[str, float]] = defaultdict(dict)
    for name, disease_col, symptom_col, score_col in HSDN_FILES:
        with (common_sources / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                key, symptom = f"HSDN:{row[disease_col]}", f"MESH:{row[symptom_col]}"
                scores[key][symptom] = max(scores[key].get(symptom, 0.0), float(row[score_col]))
    return {
        disease: [
            SourceFeature(symptom, rank, f"tfidf={score:.1f}")
            for rank, (symptom, score) in enumerate(sorted(found.items(), key=lambda kv: -kv[1]), start=1)
        ]
        for disease, found in scores.items()
    }


def read_columbia(common_sources: Path) -> dict[str, list[SourceFeature]]:
    """Columbia disease (COL:<CUI>, every CUI of a row) -> its symptoms (UMLS:<CUI>) in the source's order."""
    features: dict[str, list[SourceFeature]] = {}
    current: list[str] = []
    with (common_sources / COLUMBIA_FILE).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Disease"].strip():
                current = [
                    f"COL:{part.split('_', 1)[0].removeprefix('UMLS:')}" for part in row["Disease"].split("^")
                ]
                for key in current:
                    features[key] = []
            for part in row["Symptom"].split("^"):
                if not part.strip():
                    continue
                symptom = f"UMLS:{part.split('_', 1)[0].removeprefix('UMLS:')}"
                for key in current:
                    rank = len(features[key]) + 1
                    features[key].append(SourceFeature(symptom, rank, f"rank {rank}"))
    return {key: found[:COLUMBIA_TOP] for key, found in features.items()}


def added_links(
    sources: dict[str, list[SourceFeature]],
    diseases: list[dict],
    symptoms: list[dict],
    profiles: dict[str, set[str]],
    related: dict[str, set[str]],
    rejected: list[dict] = (),
) -> dict[str, list[tuple[str, str]]]:
    """Curated disease id -> [(HPO id, citation)]: its mapped source diseases' best-ranked features (by rank
    within each source, TOP_FEATURES at most) that its profile does not list nor relate to, and that a
    curator has not rejected for it (a co-mention that is no feature: hepatitis B and intellectual
    disability)."""
    to_hpo = {row["source_symptom"]: row["hpo_id"] for row in symptoms}
    refused: set[tuple[str, str]] = set()
    for row in rejected:
        if row["disease"] not in profiles:
            raise ValueError(f"{row['_where']}: {row['disease']} is not a curated disease")
        refused.add((row["disease"], row["hpo_id"]))
    by_disease: dict[str, list[str]] = defaultdict(list)
    for row in diseases:
        if row["source_disease"] not in sources:
            raise ValueError(f"{row['_where']}: {row['source_disease']} is in no source file")
        if row["disease"] not in profiles:
            raise ValueError(f"{row['_where']}: {row['disease']} is not a curated disease")
        by_disease[row["disease"]].append(row["source_disease"])
    out: dict[str, list[tuple[str, str]]] = {}
    for disease, keys in sorted(by_disease.items()):
        best: dict[str, tuple[float, str]] = {}
        for key in keys:
            features = [f for f in sources[key] if f.symptom in to_hpo]
            for position, feature in enumerate(features, start=1):
                term = to_hpo[feature.symptom]
                citation = f"dataset:{key.replace(':', '/')}#{feature.symptom}:{feature.figure}"
                if term not in best or position < best[term][0]:
                    best[term] = (position, citation)
        listed = profiles[disease]
        near = set().union(*(related.get(t, set()) for t in listed)) if listed else set()
        kept = [
            (term, citation)
            for term, (_, citation) in sorted(best.items(), key=lambda kv: kv[1][0])
            if term not in listed and term not in near
        ][:TOP_FEATURES]
        kept = [(term, citation) for term, citation in kept if (disease, term) not in refused]  # no backfill
        if kept:
            out[disease] = kept
    return out


def link_frequency(position: int) -> float:
    """The frequency given to a disease's `position`-th added feature (0 = best ranked)."""
    return round(max(FLOOR_FREQUENCY, FIRST_FREQUENCY - position * FREQUENCY_STEP), 3)


HEADER = """# dxgraph -- features of common diseases from the literature (GENERATED: do not edit by hand)
# `dxgraph kb derive` writes this file from the human symptoms-disease network (Zhou X, Menche J, Barabasi AL,
# Sharma A. Human symptoms-disease network. Nat Commun 2014;5:4212; PubMed MeSH co-occurrence, via the
# dhimmel and sdldpred repackagings) and the Columbia disease-symptom knowledge base (Wang X, Chused A,
# Elhadad N, Friedman C, Markatou M. AMIA Annu Symp Proc 2008:783-7; discharge summaries), through the
# reviewed tables ontologies/curation/literature_diseases.tsv and literature_symptoms.tsv.
# Each link adds a feature a curated disease's profile leaves out: the {top} best-ranked features of its
# source diseases (Columbia's first {columbia} only), at frequency {first} for the best-ranked, {step} less
# per rank, at least {floor} (the sources rank features and give no rate; chosen on half A of the dev
# vignettes), citing the source figure. {diseases} diseases, {links} links.
"""


def turtle(links: dict[str, list[tuple[str, str]]], labels: dict[str, str]) -> str:
    """The overlay Turtle: one block per curated disease, links in rank order."""
    lines = [
        HEADER.format(
            top=TOP_FEATURES,
            columbia=COLUMBIA_TOP,
            first=FIRST_FREQUENCY,
            step=FREQUENCY_STEP,
            floor=FLOOR_FREQUENCY,
            diseases=len(links),
            links=sum(len(v) for v in links.values()),
        ),
        PREFIXES,
    ]
    for disease, found in links.items():
        lines.append(f"dxd:DXG_{disease}")
        lines.append("    dx:hasPhenotype")
        for position, (term, citation) in enumerate(found):
            end = " ." if position == len(found) - 1 else " ,"
            frequency = link_frequency(position)
            lines.append(
                f"        [ dx:phenotype obo:{term.replace(':', '_')} ; dx:frequency {frequency} ; "
                f'dx:source "{citation}" ; dx:evidence "IEA" ]{end}  # {labels.get(term, term)}'
            )
        lines.append("")
    return "\n".join(lines)


def derive(
    shared: Path,
    curation: Path,
    profiles: dict[str, set[str]],
    related: dict[str, set[str]],
    labels: dict[str, str],
) -> tuple[str, dict]:
    """The Turtle text and counts; `profiles` maps a curated disease (DXG id without prefix) to its HPO terms,
    `related` an HPO term to its ancestors and descendants."""
    common = shared / "data" / "common_sources"
    sources = read_hsdn(common) | read_columbia(common)
    links = added_links(
        sources,
        read_table([curation / "literature_diseases.tsv"]),
        read_table([curation / "literature_symptoms.tsv"]),
        profiles,
        related,
        read_table([curation / "literature_rejected.tsv"])
        if (curation / "literature_rejected.tsv").exists()
        else [],
    )
    return turtle(links, labels), {"diseases": len(links), "links": sum(len(v) for v in links.values())}
