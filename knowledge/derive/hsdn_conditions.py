"""Derive ontologies/common_hsdn.ttl: conditions of general practice and emergency medicine that SymCat lacks.

The checklist is the Human Symptoms-Disease Network's MeSH disease list (Zhou et al., Nat Commun 2014;
../shared/data/common_sources/hsdn_meshids, ordered by PubMed occurrence). Curators reviewed its most
published diseases that no curated disease links to, kept the specific diagnoses a GP or emergency doctor
makes, and wrote each one's ICD-10 codes, English and Spanish labels, incidence, age and sex odds and a
clinical profile (ontologies/curation/hsdn_conditions_part*.tsv, hsdn_profiles_part*.tsv). The prior comes
from the incidence by the same fit as SymCat's conditions without a visit share
(derive.symcat.incidence_prior).
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.derive.symcat import (
    AGE_BANDS,
    PREFIXES,
    PREVALENCE_BOUNDS,
    incidence_prior,
    phenotype_links,
    read_table,
    turtle_literal,
)

__all__ = ["HsdnCondition", "build_conditions", "derive", "turtle"]

SOURCE = "dataset:HSDN"
MIN_LINKS = 3
ICD10 = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,2})?$")
DXG_ID = re.compile(r"^DXG_[a-z0-9_]+$")
HPO_DISEASE = re.compile(r"^(OMIM:[0-9]{6}|ORPHA:[0-9]+)$")
EVIDENCE = {"TAS", "PCS", "guideline", "IEA"}
SETTINGS = {"primary-care", "emergency"}
BAND_LOWER = [lower for _, lower in AGE_BANDS]


@dataclass
class HsdnCondition:
    """One reviewed condition of the HSDN checklist, ready to be written as Turtle."""

    mesh_id: str
    mesh_term: str
    dxg_id: str
    label_en: str
    label_es: str
    icd10: list[str]
    hpo_disease: str
    incidence: float
    incidence_source: str
    age_odds: list[tuple[int, float]]
    sex_odds: dict[str, float]
    settings: list[str]
    note: str
    links: list[tuple[str, float, str, str]] = field(default_factory=list)  # (hpo, freq, source, evidence)
    prevalence: float = 0.0
    prevalence_note: str = ""


def _age_odds(text: str, where: str) -> list[tuple[int, float]]:
    pairs = []
    for part in text.split():
        lower, _, odds = part.partition(":")
        try:
            pairs.append((int(lower), float(odds)))
        except ValueError:
            raise ValueError(f"{where}: age_odds must be 'lower:odds' pairs, not {part!r}") from None
    if [lower for lower, _ in pairs] != BAND_LOWER or any(o < 0 or math.isinf(o) for _, o in pairs):
        raise ValueError(f"{where}: age_odds must give non-negative odds for the bands {BAND_LOWER}")
    return pairs


def _sex_odds(text: str, where: str) -> dict[str, float]:
    odds = {}
    for part in text.split():
        sex, _, value = part.partition(":")
        try:
            odds[sex] = float(value)
        except ValueError:
            raise ValueError(f"{where}: sex_odds must be 'male:x female:y', not {text!r}") from None
    if set(odds) != {"male", "female"} or min(odds.values()) < 0 or max(odds.values()) <= 0:
        raise ValueError(f"{where}: sex_odds must be 'male:x female:y' with non-negative odds, not {text!r}")
    return odds


def _condition(row: dict) -> HsdnCondition:
    """A condition row checked field by field; a bad field stops the derivation naming file and line."""
    where = row["_where"]
    if not DXG_ID.match(row["dxg_id"]):
        raise ValueError(f"{where}: dxg_id must look like DXG_lower_snake_case, not {row['dxg_id']!r}")
    codes = [c.strip() for c in row["icd10"].split(";") if c.strip()]
    if not codes or any(not ICD10.match(c) for c in codes):
        raise ValueError(f"{where}: icd10 must be ';'-separated codes (A00 or A00.0), not {row['icd10']!r}")
    if row["hpo_disease"] and not HPO_DISEASE.match(row["hpo_disease"]):
        raise ValueError(f"{where}: hpo_disease must be OMIM:nnnnnn or ORPHA:n, not {row['hpo_disease']!r}")
    try:
        incidence = float(row["incidence_per_100k"])
    except ValueError:
        incidence = float("nan")
    if not incidence > 0 or math.isinf(incidence):
        raise ValueError(f"{where}: incidence_per_100k must be positive, not {row['incidence_per_100k']!r}")
    settings = [s.strip() for s in row["setting"].split(";") if s.strip()]
    if not settings or set(settings) - SETTINGS:
        raise ValueError(f"{where}: setting must be primary-care and/or emergency, not {row['setting']!r}")
    if not row["label_en"] or not row["label_es"]:
        raise ValueError(f"{where}: label_en and label_es are required")
    return HsdnCondition(
        mesh_id=row["mesh_id"],
        mesh_term=row["mesh_term"],
        dxg_id=row["dxg_id"],
        label_en=row["label_en"],
        label_es=row["label_es"],
        icd10=codes,
        hpo_disease=row["hpo_disease"],
        incidence=incidence,
        incidence_source=row["incidence_source"] or "unverified: clinical estimate",
        age_odds=_age_odds(row["age_odds"], where),
        sex_odds=_sex_odds(row["sex_odds"], where),
        settings=settings,
        note=row["review_note"],
    )


def build_conditions(
    table: list[dict], profiles: list[dict], names: dict[str, str], mesh_ids: set[str] | None = None
) -> list[HsdnCondition]:
    """The included conditions with their profiles. names: live HPO term id -> label (an obsolete or unknown
    term stops the derivation); mesh_ids: the checklist's MeSH ids, when the source is at hand."""
    found: dict[str, HsdnCondition] = {}
    for row in table:
        if row["include"] not in ("yes", "no"):
            raise ValueError(f"{row['_where']}: include must be yes or no, not {row['include']!r}")
        if mesh_ids is not None and row["mesh_id"] not in mesh_ids:
            raise ValueError(f"{row['_where']}: {row['mesh_id']!r} is not a MeSH disease of HSDN's list")
        if row["include"] != "yes":
            continue
        condition = _condition(row)
        if condition.dxg_id in found:
            raise ValueError(f"{row['_where']}: {condition.dxg_id} is included twice")
        found[condition.dxg_id] = condition
    for row in profiles:
        where = row["_where"]
        condition = found.get(row["dxg_id"])
        if condition is None:
            raise ValueError(f"{where}: {row['dxg_id']!r} is not an included condition")
        if row["hpo_id"] not in names:
            raise ValueError(f"{where}: {row['hpo_id']!r} is not a live HPO term")
        try:
            frequency = float(row["frequency"])
        except ValueError:
            frequency = float("nan")
        if not 0 < frequency <= 1:
            raise ValueError(f"{where}: frequency must be in (0, 1], not {row['frequency']!r}")
        if row["evidence"] not in EVIDENCE:
            raise ValueError(f"{where}: evidence must be one of {sorted(EVIDENCE)}, not {row['evidence']!r}")
        if any(link[0] == row["hpo_id"] for link in condition.links):
            raise ValueError(f"{where}: {row['hpo_id']} is listed twice for {row['dxg_id']}")
        condition.links.append((row["hpo_id"], frequency, row["source"], row["evidence"]))
    for condition in found.values():
        condition.links.sort(key=lambda link: -link[1])
    return list(found.values())


def assign_priors(conditions: list[HsdnCondition], fit: tuple[float, float, float, int]) -> None:
    """Each condition's prior from its incidence, on the scale of SymCat's visit-share priors."""
    log_ratio, intercept, slope, pairs = fit
    low, high = PREVALENCE_BOUNDS
    for c in conditions:
        c.prevalence = float(min(max(incidence_prior(c.incidence, fit), low), high))
        c.prevalence_note = (
            f"curated incidence {c.incidence:g} per 100,000 a year ({c.incidence_source}); prior the lower "
            f"of {math.exp(log_ratio):.3g} x incidence and exp({intercept:.3g} + {slope:.3g} log incidence) "
            "(median ratio and least squares of the dataset:SymCat visit-share prior on incidence over "
            f"{pairs} conditions with both)"
        )


def _sex_pattern(odds: dict[str, float]) -> str:
    if odds["female"] == 0:
        return "male"
    if odds["male"] == 0:
        return "female"
    return "any"


def turtle(conditions: list[HsdnCondition], labels: dict[str, str], header: str) -> str:
    """The generated Turtle, one disease per included condition."""
    lines = [header, PREFIXES]
    for c in conditions:
        lines.append(f"# HSDN {c.mesh_id} {c.mesh_term}: {c.note}".replace("\n", " "))
        statements = [
            "a dx:Disease",
            f"rdfs:label {turtle_literal(c.label_en)}@en , {turtle_literal(c.label_es)}@es",
            "dx:icd10 " + " , ".join(turtle_literal(code) for code in c.icd10),
            f"dx:prevalence {c.prevalence:.3g}",
            'dx:prevalenceKind "annual-incidence"',
            f"dx:prevalenceSource {turtle_literal(c.prevalence_note)}",
            "dx:orphan false",
            "dx:ageMin 0 ; dx:ageMax 120",
            f"dx:sexPattern {turtle_literal(_sex_pattern(c.sex_odds))}",
            "dx:setting " + " , ".join(turtle_literal(s) for s in c.settings),
            "dx:ageOdds " + turtle_literal(" ".join(f"{lower}:{odds:g}" for lower, odds in c.age_odds)),
            "dx:sexOdds "
            + turtle_literal(" ".join(f"{sex}:{c.sex_odds[sex]:g}" for sex in ("male", "female"))),
            f"dx:derivedFrom {turtle_literal(f'{SOURCE}/{c.mesh_id}')}",
        ]
        if c.hpo_disease:
            statements.append(f"dx:sameDiseaseAs dxd:{c.hpo_disease.replace(':', '_')}")
        lines.append(
            f"dxd:{c.dxg_id} " + " ;\n    ".join([*statements, phenotype_links(c.links, labels)]) + "\n"
        )
    return "\n".join(lines)


HEADER = """# dxgraph -- common diseases from the HSDN checklist (GENERATED: do not edit by hand)
#
# File: ontologies/common_hsdn.ttl, written by `dxgraph kb derive` (knowledge/derive/hsdn_conditions.py).
# Checklist: the MeSH diseases of the Human Symptoms-Disease Network (Zhou X, Menche J, Barabasi A-L,
#   Sharma A. Nat Commun 2014;5:4212, doi:10.1038/ncomms5212; MeSH ids from LABrueggs/HSDN commit
#   317e8d69c0bbc2ffc136a1074337c2fbf58d3f6a), most published first, that no curated disease links to.
# Curation: ontologies/curation/hsdn_conditions_part*.tsv (review of every candidate: include or the
#   reason not to; ICD-10, English and Spanish labels, incidence, age and sex odds, setting, identity with
#   an HPO disease) and hsdn_profiles_part*.tsv (each condition's clinical profile in HPO terms, with the
#   textbook or guideline it was written from; frequencies are rounded estimates, dx:evidence TAS).
#   Written from clinical knowledge by curators who did not read the development vignettes.
# {count} diseases ({links} phenotype links) of {reviewed} reviewed candidates; {skipped} included
#   conditions left out with fewer than {min_links} profile terms.
# Priors: one for primary care and emergency, from the curated incidence (see each dx:prevalenceSource).
# dx:ageOdds / dx:sexOdds: the curators' relative odds by age band (lower bound in years) and sex.
"""


def mesh_checklist(shared: Path) -> set[str]:
    """The MeSH ids of HSDN's disease list."""
    path = shared / "data" / "common_sources" / "hsdn_meshids" / "Disease-Occurence-Output.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["MeSH Disease ID"] for row in csv.DictReader(handle, delimiter="\t")}


def derive(
    shared: Path | None,
    curation_dir: Path,
    names: dict[str, str],
    fit: tuple[float, float, float, int],
    curated_ids: set[str] = frozenset(),
) -> tuple[str, dict]:
    """The Turtle text and counts; curated_ids: DXG ids already declared elsewhere (a clash stops it)."""
    table = read_table(sorted(curation_dir.glob("hsdn_conditions_part*.tsv")))
    profiles = read_table(sorted(curation_dir.glob("hsdn_profiles_part*.tsv")))
    mesh_ids = mesh_checklist(shared) if shared is not None else None
    found = build_conditions(table, profiles, names, mesh_ids)
    clash = sorted(c.dxg_id for c in found if c.dxg_id in curated_ids)
    if clash:
        raise ValueError(f"hsdn_conditions: ids already curated elsewhere: {', '.join(clash[:5])}")
    kept = [c for c in found if len(c.links) >= MIN_LINKS]
    assign_priors(kept, fit)
    counts = {
        "count": len(kept),
        "links": sum(len(c.links) for c in kept),
        "reviewed": len(table),
        "skipped": len(found) - len(kept),
        "min_links": MIN_LINKS,
    }
    return turtle(kept, names, HEADER.format(**counts)), counts
