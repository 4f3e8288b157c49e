"""The reference a model is monitored against: the distribution of the data it was learned from.

Stored in the model's info at learn time (`info["reference"]`): how often each HPO term is recorded
present, the organ-system mix of the findings, age band / sex / age distributions, findings per case,
and the top-1 predicted disease groups on the validation split.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from knowledge.kb import KnowledgeBase
from learning.store import Store

__all__ = ["category_weights", "disease_group", "training_reference"]

PHENOTYPIC_ABNORMALITY = "HP:0000118"
OTHER = "other"
UNKNOWN = "unknown"
DATA_ONLY = "data-only"
SEX_SQL = "CASE WHEN lower(p.sex) IN ('female', 'male') THEN lower(p.sex) END"
_CATEGORIES = "dxgraph.monitor.categories"
_GROUPS = "dxgraph.monitor.disease_groups"


def term_categories(kb: KnowledgeBase) -> dict[str, tuple[str, ...]]:
    """Each term's organ-system categories (children of 'Phenotypic abnormality'); cached on the KB."""
    cached = kb._cache.get(_CATEGORIES)
    if cached is not None:
        return cached
    root = kb.term_index.get(PHENOTYPIC_ABNORMALITY)
    tops = set(kb.children_lists[root]) if root is not None else set()
    result = {
        term: tuple(sorted(kb.term_ids[a] for a in closure if a in tops))
        for term, closure in zip(kb.term_ids, kb.ancestor_sets, strict=True)
    }
    kb._cache[_CATEGORIES] = result
    return result


def category_weights(kb: KnowledgeBase, terms: list[str]) -> Counter:
    """Organ-system mix of findings: each finding counts once, split over its categories."""
    categories = term_categories(kb)
    mix: Counter = Counter()
    for term in terms:
        found = categories.get(term) or (OTHER,)
        for category in found:
            mix[category] += 1.0 / len(found)
    return mix


def disease_groups(kb: KnowledgeBase) -> dict[str, str]:
    """A disease's group: the organ system carrying most of its annotation frequency; cached on the KB."""
    cached = kb._cache.get(_GROUPS)
    if cached is not None:
        return cached
    categories = term_categories(kb)
    weight: dict[int, Counter] = {}
    frequency = np.nan_to_num(kb.link_freq.astype(np.float64), nan=0.5)
    for disease, term, value, negated in zip(
        kb.link_disease.tolist(),
        kb.link_term.tolist(),
        frequency.tolist(),
        kb.link_negated.tolist(),
        strict=True,
    ):
        if negated:
            continue
        found = categories.get(kb.term_ids[term]) or ()
        for category in found:
            weight.setdefault(disease, Counter())[category] += value / len(found)
    result = {
        disease_id: (min(weight[i].items(), key=lambda kv: (-kv[1], kv[0]))[0] if i in weight else OTHER)
        for i, disease_id in enumerate(kb.disease_ids)
    }
    kb._cache[_GROUPS] = result
    return result


def disease_group(kb: KnowledgeBase, disease_id: str | None) -> str:
    """The organ-system group of a disease (see `disease_groups`); UNKNOWN for no disease, DATA_ONLY for one
    the knowledge base does not group."""
    if not disease_id:
        return UNKNOWN
    return disease_groups(kb).get(disease_id, DATA_ONLY)


def _counts(rows: list[tuple]) -> dict[str, int]:
    return {str(key) if key is not None else UNKNOWN: int(n) for key, n in rows}


def training_reference(store: Store, kb: KnowledgeBase, top1_predictions: list[str | None]) -> dict:
    """The training distribution of the labelled encounters in the store, plus validation top-1 groups."""
    db = store.connection
    labelled = "SELECT DISTINCT encounter_id FROM diagnoses"
    cases = int(db.execute(f"SELECT count(*) FROM ({labelled})").fetchall()[0][0])
    present = db.execute(
        f"""SELECT term_id, count(DISTINCT encounter_id) FROM findings
            WHERE status = 'present' AND encounter_id IN ({labelled}) GROUP BY 1"""
    ).fetchall()
    mentions = db.execute(
        f"""SELECT term_id, count(*) FROM findings
            WHERE status = 'present' AND encounter_id IN ({labelled}) GROUP BY 1"""
    ).fetchall()
    mix: Counter = Counter()
    for term, n in mentions:
        for category, share in category_weights(kb, [term]).items():
            mix[category] += share * int(n)
    demographics = f"""FROM encounters e LEFT JOIN patients p USING (patient_id)
                       WHERE e.encounter_id IN ({labelled})"""
    per_case = db.execute(
        f"""SELECT n, count(*) FROM (
              SELECT e.encounter_id, count(f.term_id) AS n FROM encounters e
              LEFT JOIN findings f ON f.encounter_id = e.encounter_id AND f.status = 'present'
              WHERE e.encounter_id IN ({labelled}) GROUP BY 1) GROUP BY 1"""
    ).fetchall()
    groups = Counter(disease_group(kb, d) for d in top1_predictions)
    return {
        "cases": cases,
        "present_terms": _counts(present),
        "categories": {k: round(v, 6) for k, v in mix.items()},
        "age_band": _counts(db.execute(f"SELECT e.age_band, count(*) {demographics} GROUP BY 1").fetchall()),
        "sex": _counts(db.execute(f"SELECT {SEX_SQL}, count(*) {demographics} GROUP BY 1").fetchall()),
        "age_years": _counts(
            db.execute(
                f"""SELECT CAST(floor(least(e.age_years, 90)) AS INTEGER), count(*) {demographics}
                    AND e.age_years IS NOT NULL GROUP BY 1"""
            ).fetchall()
        ),
        "findings_per_case": _counts(per_case),
        "top1_groups": dict(groups),
        "validation_cases": len(top1_predictions),
    }
