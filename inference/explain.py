"""Why a disease ranks where it does: each finding's log likelihood ratio and how it matched."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from inference.engine import Diagnoser, Diagnosis
from inference.evidence import SEVERITY_WEIGHT, Finding

MATCH_TYPES = (
    "exact",
    "via_descendant",
    "via_ancestor",
    "related",
    "unmatched",
    "not_annotated",
    "excluded_present",
    "excluded_consistent",
    "excluded_unrelated",
)


@dataclass
class Contribution:
    term: str
    label: str
    present: bool
    severity: str | None
    log_lr: float  # tempered log likelihood ratio against "a disease not in the knowledge base"
    match: str  # one of MATCH_TYPES
    matched_term: str | None
    matched_label: str | None
    matched_frequency: float | None


@dataclass
class MissingFeature:
    term: str
    label: str
    frequency: float


@dataclass
class Explanation:
    disease_id: str
    label: str
    probability: float
    contributions: list[Contribution]
    missing_frequent: list[MissingFeature]

    def as_dict(self) -> dict:
        return asdict(self)


def _disease_annotations(diagnoser: Diagnoser, disease: int) -> tuple[np.ndarray, np.ndarray]:
    net = diagnoser.network
    start, end = net.ann_ptr[disease], net.ann_ptr[disease + 1]
    return net.ann_term[start:end], net.ann_strength[start:end]


def _match(diagnoser: Diagnoser, finding: Finding, disease: int) -> tuple[str, int | None, float | None]:
    kb, net = diagnoser.kb, diagnoser.network
    term = kb.term_index[finding.term]
    columns = diagnoser.cache.columns(term)
    terms, strengths = _disease_annotations(diagnoser, disease)
    below = np.isin(terms, net.descendants_of(term))
    if not finding.present:
        if columns.not_annotated[disease]:
            return "excluded_consistent", None, None
        if below.any():
            best = int(np.argmax(np.where(below, strengths, -1)))
            return "excluded_present", int(terms[best]), float(strengths[best])
        return "excluded_unrelated", None, None
    if columns.not_annotated[disease]:
        return "not_annotated", None, None
    exact, related = columns.exact[disease], columns.effective_related(diagnoser.network)[disease]
    if exact == 0 and related == 0:
        return "unmatched", None, None
    if exact >= related:
        best = int(np.argmax(np.where(below, strengths, -1)))
        kind = "exact" if terms[best] == term else "via_descendant"
        return kind, int(terms[best]), float(strengths[best])
    weights, via = diagnoser.cache.match_weights(term)
    best = int(np.argmax(strengths * weights[terms]))
    kind = "via_ancestor" if via[terms[best]] == terms[best] else "related"
    return kind, int(terms[best]), float(strengths[best])


def explain(
    diagnoser: Diagnoser, diagnosis: Diagnosis, disease_index: int, max_missing: int = 5
) -> Explanation:
    kb = diagnoser.kb
    tau = diagnoser.params.temperature
    contributions = []
    for finding in diagnosis.used:
        disease_ll, other_ll = diagnoser.finding_log_likelihood(finding, diagnosis.context)
        kind, matched, freq = _match(diagnoser, finding, disease_index)
        matched_id = kb.term_ids[matched] if matched is not None else None
        contributions.append(
            Contribution(
                finding.term,
                kb.label(finding.term),
                finding.present,
                finding.severity,
                float(tau * (disease_ll[disease_index] - other_ll)),
                kind,
                matched_id,
                kb.label(matched_id) if matched_id else None,
                freq,
            )
        )
    contributions.sort(key=lambda c: -abs(c.log_lr))
    return Explanation(
        kb.disease_ids[disease_index],
        kb.disease_names[disease_index],
        float(np.exp(diagnosis.log_posterior[disease_index])),
        contributions,
        missing_frequent(diagnoser, diagnosis.used, disease_index, max_missing),
    )


def missing_frequent(
    diagnoser: Diagnoser, findings: list[Finding], disease: int, limit: int, threshold: float = 0.3
) -> list[MissingFeature]:
    """The disease's frequent features that no reported finding touches (itself, ancestor or subtype)."""
    kb = diagnoser.kb
    touched: set[int] = set()
    for finding in findings:
        index = kb.term_index[finding.term]
        touched |= kb.ancestor_sets[index]
        touched |= set(diagnoser.network.descendants_of(index).tolist())
    terms, strengths = _disease_annotations(diagnoser, disease)
    stated = _stated_frequencies(diagnoser, disease)
    rows = [
        (float(stated.get(int(t), s)), int(t))
        for t, s in zip(terms, strengths, strict=True)
        if int(t) not in touched and stated.get(int(t)) is not None and stated[int(t)] >= threshold
    ]
    rows.sort(reverse=True)
    return [MissingFeature(kb.term_ids[t], kb.term_names[t], f) for f, t in rows[:limit]]


def _stated_frequencies(diagnoser: Diagnoser, disease: int) -> dict[int, float]:
    """Frequencies the sources actually state for the disease's links (no default for missing ones)."""
    cache = diagnoser.__dict__.setdefault("_stated_cache", {})
    if disease not in cache:
        kb = diagnoser.kb
        rows = np.flatnonzero((kb.link_disease == disease) & ~kb.link_negated)
        stated: dict[int, float] = {}
        for row in rows.tolist():
            value = float(kb.link_freq[row])
            if not np.isnan(value):
                stated[int(kb.link_term[row])] = max(value, stated.get(int(kb.link_term[row]), 0.0))
        cache[disease] = stated
    return cache[disease]


def severity_weight(finding: Finding) -> float:
    return SEVERITY_WEIGHT[finding.severity]
