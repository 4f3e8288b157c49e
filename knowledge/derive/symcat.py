"""Derive ontologies/common_symcat.ttl: SymCat's conditions as curated common diseases.

Inputs: SymCat's conditions.json and symptoms.json (../shared/data/common_sources/symcat, read at derivation
time only), the reviewed condition table (ontologies/curation/symcat_conditions_part*.tsv: ICD-10, MONDO,
English/Spanish labels, HPO-disease identity) and the reviewed lay vocabulary
(ontologies/curation/lay_vocabulary.tsv: SymCat symptom slug -> HPO term). Each link cites the SymCat
figure it came from; the prior is a visit share estimated from SymCat's two directions of percentages, or,
for a condition that is no symptom's top cause, its curated incidence (ontologies/curation/
consultation_incidence.tsv) at the median ratio of share to incidence of the conditions with both.
"""

from __future__ import annotations

import csv
import json
import math
import textwrap
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from knowledge.jsonio import read_json

__all__ = ["PREFIXES", "derive", "incidence_prior", "phenotype_links", "read_table", "turtle_literal"]

AGE_BANDS = (  # SymCat's age bands: (slug, lower bound in years)
    ("age-1-years", 0),
    ("age-1-4-years", 1),
    ("age-5-14-years", 5),
    ("age-15-29-years", 15),
    ("age-30-44-years", 30),
    ("age-45-59-years", 45),
    ("age-60-74-years", 60),
    ("age-75-years", 75),
)
MIN_LINKS = 3  # a SymCat condition needs this many symptoms with an HPO term to become a disease
PLACEHOLDER_SHARED = 3  # a symptom list given verbatim to this many conditions is the scrape's filler page
FEW_PATIENTS_SYMPTOMS = 8  # a page listing this many symptoms at no more than two percentages: 1-3 patients
PREVALENCE_BOUNDS = (1e-6, 0.3)
FALLBACK_SHARE_FRACTION = 0.25  # prior share of a condition that is no symptom's top cause, x the smallest
# (used only when the curated incidence table gives no figure for it)
INCIDENCE_TABLE = "consultation_incidence.tsv"
SOURCE = "dataset:SymCat"


@dataclass
class Condition:
    """One reviewed SymCat condition ready to be written as Turtle."""

    slug: str
    dxg_id: str
    label_en: str
    label_es: str
    icd10: list[str]
    mondo: str
    hpo_disease: str
    existing: bool
    age_odds: list[tuple[int, float]]
    sex_odds: dict[str, float]
    links: list[tuple[str, float, str, int]] = field(default_factory=list)  # (hpo, freq, symptom slug, %)
    prevalence: float | None = None
    prevalence_note: str = ""
    has_share: bool = False  # SymCat gives this condition's visit share (it is a top cause of a symptom)
    unreliable: bool = False  # its SymCat page says nothing of the condition (unreliable_profiles)


def read_table(paths: list[Path]) -> list[dict]:
    """Rows of the reviewed tab-separated tables, each with its file and line for error messages."""
    rows = []
    for path in paths:
        with path.open(encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle, delimiter="\t"), start=2):
                rows.append(
                    {**{k: (v or "").strip() for k, v in row.items()}, "_where": f"{path.name}:{number}"}
                )
    return rows


def symptom_terms(vocabulary: list[dict]) -> dict[str, str]:
    """SymCat symptom slug -> HPO id, from the reviewed vocabulary's SymCat rows."""
    terms = {}
    for row in vocabulary:
        grouping = row.get("status") != "reviewed" and row.get("hpo_label", "").startswith("Abnormality of")
        if row.get("source") == "symcat" and row.get("hpo_id") and row.get("source_id") and not grouping:
            terms.setdefault(row["source_id"], row["hpo_id"])
    return terms


def visit_shares(conditions: dict, symptoms: dict) -> dict[str, float]:
    """Relative visit frequency of each condition, log r(c) = log P(c|s) - log P(s|c) + log P(s), solved by
    least squares over every (condition, symptom) pair that SymCat gives in both directions."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.linalg import lsqr

    pairs = []
    for s_slug, symptom in symptoms.items():
        for cause in symptom.get("common_causes", {}).values():
            c_slug = cause["slug"].removeprefix("cause-")
            given = conditions.get(c_slug, {}).get("symptoms", {}).get(s_slug)
            if given and given.get("probability") and cause.get("probability"):
                pairs.append((c_slug, s_slug, math.log(cause["probability"] / given["probability"])))
    c_index = {c: i for i, c in enumerate(sorted({p[0] for p in pairs}))}
    s_index = {s: len(c_index) + i for i, s in enumerate(sorted({p[1] for p in pairs}))}
    rows, cols, vals, target = [], [], [], []
    for k, (c, s, b) in enumerate(pairs):
        rows += [k, k]
        cols += [c_index[c], s_index[s]]
        vals += [1.0, -1.0]
        target.append(b)
    anchor = len(pairs)  # fixes the free offset: mean log r = 0
    for i in c_index.values():
        rows.append(anchor)
        cols.append(i)
        vals.append(1.0 / len(c_index))
    target.append(0.0)
    matrix = coo_matrix((vals, (rows, cols)), shape=(anchor + 1, len(c_index) + len(s_index))).tocsr()
    solution = lsqr(matrix, np.asarray(target), atol=1e-10, btol=1e-10)[0]
    return {c: float(math.exp(solution[i])) for c, i in c_index.items()}


def unreliable_profiles(conditions: dict) -> tuple[set[str], set[str]]:
    """(filler, few): conditions whose SymCat page is the scrape's filler (one unrelated symptom list at one
    percentage, with the same age and sex odds, given verbatim to several conditions: West Nile virus "ankle
    pain 91%, excessive anger 91%..."), and conditions whose page comes from a few patients (every symptom
    at one percentage, or 8+ symptoms at two: tricuspid valve disease 4% / 51%). Neither says which
    complaints the condition brings."""
    by_list: dict[tuple[str, ...], list[str]] = defaultdict(list)
    few = set()
    for slug, raw in conditions.items():
        listed = raw.get("symptoms", {})
        by_list[tuple(sorted(listed))].append(slug)
        values = len({int(v.get("probability") or 0) for v in listed.values()})
        if (values == 1 and len(listed) > MIN_LINKS) or (
            values <= 2 and len(listed) >= FEW_PATIENTS_SYMPTOMS
        ):
            few.add(slug)
    filler = {slug for group in by_list.values() if len(group) >= PLACEHOLDER_SHARED for slug in group}
    return filler, few - filler


def build_conditions(
    table: list[dict], conditions: dict, symptoms: dict, vocabulary: list[dict]
) -> list[Condition]:
    terms = symptom_terms(vocabulary)
    filler, few = unreliable_profiles(conditions)
    out = []
    for row in table:
        if row["include"] != "yes":
            continue
        raw = conditions[row["symcat_slug"]]
        odds = {} if row["symcat_slug"] in filler else raw  # the filler's age and sex odds are filler too
        links: dict[str, tuple[str, float, str, int]] = {}
        for s_slug, value in raw.get("symptoms", {}).items():
            hpo = terms.get(s_slug)
            pct = int(value.get("probability") or 0)
            if hpo and pct > 0 and (hpo not in links or links[hpo][1] < pct / 100):
                links[hpo] = (hpo, pct / 100, s_slug, pct)
        age = odds.get("age", {})
        sex = odds.get("sex", {})
        out.append(
            Condition(
                slug=row["symcat_slug"],
                dxg_id=row["dxg_id"],
                label_en=row["label_en"],
                label_es=row["label_es"],
                icd10=[c.strip() for c in row["icd10"].split(";") if c.strip()],
                mondo=row["mondo"],
                hpo_disease=row["hpo_disease"],
                existing=row["same_as_existing"] == "yes",
                age_odds=[(lower, float(age.get(slug, {}).get("odds", 1.0))) for slug, lower in AGE_BANDS],
                sex_odds={
                    "male": float(sex.get("sex-male", {}).get("odds", 1.0)),
                    "female": float(sex.get("sex-female", {}).get("odds", 1.0)),
                },
                links=sorted(links.values(), key=lambda link: -link[1]),
                unreliable=row["symcat_slug"] in filler | few,
            )
        )
    return out


def read_incidence(path: Path) -> dict[str, tuple[float, str]]:
    """dxg_id -> (new diagnoses per 100,000 a year, its source) from the curated incidence table; a row
    without a positive number stops the derivation naming file and line."""
    if not path.is_file():
        return {}
    table: dict[str, tuple[float, str]] = {}
    for row in read_table([path]):
        try:
            value = float(row["incidence_per_100k"])
        except ValueError:
            value = float("nan")
        if not value > 0 or math.isinf(value):
            raise ValueError(
                f"{row['_where']}: incidence_per_100k must be a positive number, not "
                f"{row['incidence_per_100k']!r}"
            )
        table[row["dxg_id"].replace("DXG:", "DXG_", 1)] = (
            value,
            row.get("source") or "unverified: clinical estimate",
        )
    return table


def incidence_fit(
    found: list[Condition], incidence: dict[str, tuple[float, str]]
) -> tuple[float, float, float, int]:
    """How a curated incidence maps onto the visit-share priors, from the conditions that have both:
    (median log ratio of prior to incidence, least-squares intercept and slope of log prior on log incidence,
    pairs). The slope is below 1 (SymCat's shares vary less than incidences: chronic care, repeat visits);
    the ratio is the proportional scale of the literature priors the shares were scaled to."""
    pairs = [
        (math.log(incidence[c.dxg_id][0]), math.log(c.prevalence))
        for c in found
        if c.has_share and c.prevalence and c.dxg_id in incidence
    ]
    if len(pairs) < 2:
        return 0.0, 0.0, 0.0, len(pairs)
    x, y = np.asarray(pairs).T
    slope, intercept = np.polyfit(x, y, 1)
    return float(np.median(y - x)), float(intercept), float(slope), len(pairs)


def incidence_prior(value: float, fit: tuple[float, float, float, int]) -> float:
    """The prior of a condition no symptom lists among its top causes, from its incidence: the lower of the
    proportional scale and the least-squares line, so neither the line's compression lifts a rare condition
    above what its incidence gives (the line is fitted on conditions of 0.5-1,500 per 100,000) nor the
    proportional scale lifts a frequent one above the conditions SymCat does list."""
    log_ratio, intercept, slope, _ = fit
    log_value = math.log(value)
    return math.exp(min(log_ratio + log_value, intercept + slope * log_value))


def assign_priors(
    found: list[Condition],
    shares: dict[str, float],
    curated: dict[str, float],
    incidence: dict[str, tuple[float, str]] | None = None,
) -> float:
    """Scale visit shares to the curated literature priors of the conditions both know (median ratio).
    A condition SymCat never lists among a symptom's top causes takes the prior its curated incidence
    predicts (incidence_prior, fitted over the conditions with both); without an incidence it is taken as
    rarer than every listed condition: a quarter of the smallest share. Returns the scale."""
    incidence = incidence or {}
    ratios = [
        math.log(curated[c.dxg_id]) - math.log(shares[c.slug])
        for c in found
        if c.existing and c.slug in shares and c.dxg_id in curated
    ]
    scale = math.exp(float(np.median(ratios))) if ratios else 1e-2
    fallback = FALLBACK_SHARE_FRACTION * min(shares.values()) if shares else 1e-3
    low, high = PREVALENCE_BOUNDS
    for c in found:
        share = shares.get(c.slug)
        c.has_share = share is not None
        c.prevalence = float(min(max((share if share else fallback) * scale, low), high))
        c.prevalence_note = (
            f"{SOURCE} visit share {share:.3g} (least squares on P(c|s) / P(s|c))"
            if share
            else f"{SOURCE}: not a top cause of any symptom; 1/4 of the smallest visit share, {fallback:.3g}"
        ) + f" x {scale:.3g} (median ratio to {len(ratios)} curated priors)"
    fit = incidence_fit(found, incidence)
    log_ratio, intercept, slope, pairs = fit
    for c in found:
        if c.has_share or not pairs or c.dxg_id not in incidence:
            continue
        value, source = incidence[c.dxg_id]
        c.prevalence = float(min(max(incidence_prior(value, fit), low), high))
        c.prevalence_note = (
            f"curated incidence {value:g} per 100,000 a year ({source}); prior the lower of "
            f"{math.exp(log_ratio):.3g} x incidence and exp({intercept:.3g} + {slope:.3g} log incidence) "
            f"(median ratio and least squares of the {SOURCE} visit-share prior on incidence over {pairs} "
            "conditions with both)"
        )
    return scale


def turtle_literal(text: str) -> str:
    """A Turtle string literal (JSON escapes are valid Turtle escapes)."""
    return json.dumps(text, ensure_ascii=False)


def _odds_text(c: Condition) -> str:
    return " ".join(f"{lower}:{odds:g}" for lower, odds in c.age_odds)


def _sex_text(c: Condition) -> str:
    return f"male:{c.sex_odds['male']:g} female:{c.sex_odds['female']:g}"


def _sex_pattern(c: Condition) -> str:
    male, female = c.sex_odds["male"], c.sex_odds["female"]
    if female == 0 and male > 0:
        return "male"
    if male == 0 and female > 0:
        return "female"
    return "any"


def phenotype_links(links: list[tuple[str, float, str, str]], labels: dict[str, str]) -> str:
    """The dx:hasPhenotype statement of (HPO id, frequency, source, evidence) links, one per line, each
    commented with its term's label."""
    body = []
    for position, (hpo, freq, source, evidence) in enumerate(links):
        end = " ." if position == len(links) - 1 else " ,"
        body.append(
            f"        [ dx:phenotype obo:{hpo.replace(':', '_')} ; dx:frequency {freq:g} ; "
            f"dx:source {turtle_literal(source)} ; dx:evidence {turtle_literal(evidence)} ]{end}"
            f"  # {labels.get(hpo, hpo)}"
        )
    return "dx:hasPhenotype\n" + "\n".join(body)


def turtle(found: list[Condition], labels: dict[str, str], header: str) -> str:
    """The generated Turtle: new diseases with their links, and overlays (age/sex odds, identity with an HPO
    disease) on the hand-curated ones they duplicate."""
    lines = [header, PREFIXES]
    for c in found:
        subject = f"dxd:{c.dxg_id}"
        lines.append(f"# SymCat {c.slug}")
        statements = [
            f"dx:ageOdds {turtle_literal(_odds_text(c))}",
            f"dx:sexOdds {turtle_literal(_sex_text(c))}",
            f"dx:derivedFrom {turtle_literal(f'{SOURCE}/{c.slug}')}",
        ]
        if c.hpo_disease:
            statements.append(f"dx:sameDiseaseAs dxd:{c.hpo_disease.replace(':', '_')}")
        if c.existing:
            if c.has_share:
                statements.append(f"dx:consultationPrior {c.prevalence:.3g}")
                statements.append(f"dx:consultationPriorSource {turtle_literal(c.prevalence_note)}")
            lines.append(f"{subject} " + " ;\n    ".join(statements) + " .\n")
            continue
        head = [
            "a dx:Disease",
            f"rdfs:label {turtle_literal(c.label_en)}@en , {turtle_literal(c.label_es)}@es",
            "dx:icd10 " + " , ".join(turtle_literal(code) for code in c.icd10),
        ]
        if c.mondo:
            head.append(f"dx:xref {turtle_literal(c.mondo)}")
        head += [
            f"dx:prevalence {c.prevalence:.3g}",
            'dx:prevalenceKind "annual-incidence"',
            f"dx:prevalenceSource {turtle_literal(c.prevalence_note)}",
            "dx:orphan false",
            "dx:ageMin 0 ; dx:ageMax 120",
            f"dx:sexPattern {turtle_literal(_sex_pattern(c))}",
            'dx:setting "primary-care" , "emergency"',
        ]
        cited = [
            (hpo, freq, f"{SOURCE}/{c.slug}#{s_slug}={pct}%", "dataset") for hpo, freq, s_slug, pct in c.links
        ]
        links = phenotype_links(cited, labels)
        lines.append(f"{subject} " + " ;\n    ".join(head + statements + [links]) + "\n")
    return "\n".join(lines)


PREFIXES = """@prefix dx:   <https://w3id.org/dxgraph/vocab#> .
@prefix dxd:  <https://w3id.org/dxgraph/disease/> .
@prefix obo:  <http://purl.obolibrary.org/obo/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""

HEADER = """# dxgraph -- common diseases derived from SymCat (GENERATED: do not edit by hand)
#
# File: ontologies/common_symcat.ttl, written by `dxgraph kb derive` (knowledge/derive/symcat.py) from
#   SymCat (symcat.com; Monsen & Do, Johns Hopkins; built from US CDC ambulatory and emergency survey
#   data), as parsed in teliov/symcat-to-synthea commit c896c846411a2a9eefe976fd9f2d4f13af14afcb,
#   sample_output/conditions.json and symptoms.json. SymCat states no licence: these are derived facts
#   (percentages) with their source cited on every link, not a copy of the data.
# Curation: ontologies/curation/symcat_conditions_part*.tsv (ICD-10, MONDO where sure, English and
#   Spanish labels, identity with an HPO disease; reviewed) and ontologies/curation/lay_vocabulary.tsv
#   (SymCat symptom -> HPO term; reviewed).
# {count} diseases ({links} phenotype links), {overlays} overlays on hand-curated diseases of
#   ontologies/common_diseases.ttl; {skipped} included conditions left out with fewer than {min_links}
#   symptoms that have an HPO term.
# Unreliable pages: the scrape's filler (one unrelated symptom list at one percentage, with the same age
#   and sex odds, given verbatim to several conditions) or a few patients' (every symptom at one
#   percentage, or 8 or more at two). Such a condition is declared only when a reviewed clinical profile
#   (ontologies/clinical_profiles.ttl) supersedes its SymCat links; a filler page's age and sex odds are
#   left out, and neither gives a visit share.
#   Declared: {unreliable}.
#   Left out (no profile): {unprofiled}.
# Each link: dx:frequency = SymCat's "% of patients with the condition reporting the symptom" / 100,
#   cited as dataset:SymCat/<condition>#<symptom>=<percent>. dx:ageOdds / dx:sexOdds are SymCat's odds
#   of the condition by age band (lower bound in years) and sex, used as likelihood ratios of the
#   patient's age and sex. One prior for primary care and emergency (SymCat does not tell them apart):
#   see each dx:prevalenceSource.
"""


def derive(
    shared: Path,
    curation_dir: Path,
    curated_priors: dict[str, float],
    labels: dict[str, str],
    profiled: set[str] = frozenset(),
) -> tuple[str, dict]:
    """The Turtle text and counts. profiled: the dxg ids (DXG_...) whose SymCat links a reviewed clinical
    profile supersedes; a condition whose SymCat page is unreliable is kept only when it has one."""
    root = shared / "data" / "common_sources" / "symcat"
    conditions = read_json(root / "conditions.json")
    symptoms = read_json(root / "symptoms.json")
    table = read_table(sorted(curation_dir.glob("symcat_conditions_part*.tsv")))
    unknown = [r["_where"] for r in table if r["symcat_slug"] not in conditions]
    if unknown:
        raise ValueError(f"slugs not in SymCat: {', '.join(unknown[:5])}")
    vocabulary = read_table([curation_dir / "lay_vocabulary.tsv"])
    found = build_conditions(table, conditions, symptoms, vocabulary)
    unprofiled = sorted(c.slug for c in found if c.unreliable and not c.existing and c.dxg_id not in profiled)
    eligible = [c for c in found if (c.existing or len(c.links) >= MIN_LINKS) and c.slug not in unprofiled]
    kept = list(eligible)
    unreliable = {c.slug for c in found if c.unreliable}  # their percentages give no visit share either
    shares = visit_shares({k: v for k, v in conditions.items() if k not in unreliable}, symptoms)
    incidence = read_incidence(curation_dir / INCIDENCE_TABLE)
    unknown = sorted(set(incidence) - {c.dxg_id for c in found})
    if unknown:
        raise ValueError(f"{INCIDENCE_TABLE}: diseases not in the condition table: {', '.join(unknown[:5])}")
    scale = assign_priors(kept, shares, curated_priors, incidence)
    fit = incidence_fit(kept, incidence)
    seen: dict[str, int] = defaultdict(int)
    for c in kept:
        seen[c.dxg_id] += 1
    kept = [c for c in kept if not (c.existing and seen[c.dxg_id] > 1 and c.slug != _first(kept, c.dxg_id))]
    counts = {
        "count": sum(not c.existing for c in kept),
        "links": sum(len(c.links) for c in kept if not c.existing),
        "overlays": sum(c.existing for c in kept),
        "skipped": len(found) - len(eligible) - len(unprofiled),
        "unreliable": _wrapped([c.slug for c in kept if c.unreliable]),
        "unprofiled": _wrapped(unprofiled),
        "min_links": MIN_LINKS,
        "scale": scale,
        "incidence_fit": fit,  # (for conditions of other checklists priced the same way)
    }
    return turtle(kept, labels, HEADER.format(**counts)), counts


def _wrapped(slugs: list[str]) -> str:
    """Slugs as a comment's continued lines."""
    return textwrap.fill(", ".join(slugs) or "none", 78, subsequent_indent="#     ", break_on_hyphens=False)


def _first(found: list[Condition], dxg_id: str) -> str:
    return next(c.slug for c in found if c.dxg_id == dxg_id)
