"""Why a disease ranks where it does: each finding's log likelihood ratio and how it matched."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from inference.engine import Diagnoser, Diagnosis
from inference.evidence import Finding
from inference.network import csr_slices

__all__ = [
    "Contribution",
    "Explanation",
    "MissingFeature",
    "csr_slices",
    "diagnosis_touched",
    "explain",
    "explain_many",
    "stated_index",
    "touched_terms",
]

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
    """One finding's part in a disease's score: its tempered log likelihood ratio and how it matched."""

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
    """A frequent feature of the disease that no reported finding touches, with its stated frequency."""

    term: str
    label: str
    frequency: float


@dataclass
class Explanation:
    """Why a disease ranks where it does: each finding's contribution, strongest first, and the
    disease's frequent features that were not reported."""

    disease_id: str
    label: str
    probability: float
    contributions: list[Contribution]
    missing_frequent: list[MissingFeature]

    def as_dict(self) -> dict:
        """The explanation as nested dicts (JSON-ready)."""
        return asdict(self)


def _disease_annotations(diagnoser: Diagnoser, disease: int) -> tuple[np.ndarray, np.ndarray]:
    net = diagnoser.network
    start, end = net.ann_ptr[disease], net.ann_ptr[disease + 1]
    return net.ann_term[start:end], net.ann_strength[start:end]


def touched_terms(diagnoser: Diagnoser, findings: list[Finding]) -> np.ndarray:
    """Per ontology term: True when a finding is that term, one of its ancestors or one of its subtypes."""
    net = diagnoser.network
    touched = np.zeros(len(diagnoser.kb.term_ids), dtype=bool)
    if not findings:
        return touched
    terms = np.unique([diagnoser.kb.term_index[f.term] for f in findings])
    touched[net.ancestors.indices[csr_slices(net.ancestors.indptr, terms)[0]]] = True
    below = net.descendants_matrix
    touched[below.indices[csr_slices(below.indptr, terms)[0]]] = True
    return touched


def diagnosis_touched(diagnoser: Diagnoser, diagnosis: Diagnosis) -> np.ndarray:
    """touched_terms of the diagnosis' scored findings, computed once per diagnosis (explanations and next
    questions both read it; do not modify it)."""
    touched = diagnosis.__dict__.get("_touched")
    if touched is None:
        touched = diagnosis.__dict__["_touched"] = touched_terms(diagnoser, diagnosis.used)
    return touched


def _first_best(values: np.ndarray, owner: np.ndarray, groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Per group and column of `values` (rows grouped by `owner`, which is sorted): the largest value and
    the first row that has it (-1 where the group is empty or its best value is negative)."""
    columns = values.shape[1]
    best = np.full((groups, columns), -1.0)
    first = np.full((groups, columns), -1, dtype=np.int64)
    if not len(owner):
        return best, first
    present, starts = np.unique(owner, return_index=True)
    best[present] = np.maximum.reduceat(values, starts, axis=0)
    rows = np.arange(len(owner))[:, None]
    candidate = np.where((values == best[owner]) & (values >= 0), rows, len(owner))
    lowest = np.minimum.reduceat(candidate, starts, axis=0)
    first[present] = np.where(lowest < len(owner), lowest, -1)
    return best, first


def _column_values(matrix, columns: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A CSC matrix (sorted indices) read at every (column, row) pair: values and whether stored, arrays
    of shape (columns, rows), by binary search in the columns' slices only."""
    positions, owner = csr_slices(matrix.indptr, columns)
    stored = owner * matrix.shape[0] + matrix.indices[positions]  # sorted: columns in turn, rows sorted
    keys = (np.arange(len(columns))[:, None] * matrix.shape[0] + rows[None, :]).ravel()
    where = np.minimum(np.searchsorted(stored, keys), max(len(stored) - 1, 0))
    hit = stored[where] == keys if len(stored) else np.zeros(len(keys), dtype=bool)
    values = np.where(hit, matrix.data[positions][where] if len(stored) else 0.0, 0.0)
    return values.reshape(len(columns), len(rows)), hit.reshape(len(columns), len(rows))


def _not_annotated(diagnoser: Diagnoser, terms: np.ndarray, diseases: np.ndarray) -> np.ndarray:
    """(terms, diseases): the disease is annotated NOT to have the term or one of its ancestors."""
    net = diagnoser.network
    positions, owner = csr_slices(net.ancestors.indptr, terms)
    keys = diseases[None, :] * len(diagnoser.kb.term_ids) + net.ancestors.indices[positions][:, None]
    where = np.minimum(np.searchsorted(net.not_keys, keys), max(len(net.not_keys) - 1, 0))
    hit = net.not_keys[where] == keys if len(net.not_keys) else np.zeros(keys.shape, dtype=bool)
    starts = np.searchsorted(owner, np.arange(len(terms)))  # (a term is its own ancestor: no empty group)
    return np.maximum.reduceat(hit, starts, axis=0)


(
    EXACT,
    VIA_DESCENDANT,
    VIA_ANCESTOR,
    RELATED,
    UNMATCHED,
    NOT_ANNOTATED,
    EXCLUDED_PRESENT,
    EXCLUDED_CONSISTENT,
    EXCLUDED_UNRELATED,
) = range(len(MATCH_TYPES))


def match_table(
    diagnoser: Diagnoser, findings: list[Finding], diseases: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """How each finding matched each disease, all pairs at once: the match kind (an index into
    MATCH_TYPES), the matched annotation's term (-1: none) and its strength (NaN: none), each an array of
    shape (findings, diseases). The kinds follow inference.term_columns: NOT annotations first, then the
    exact match (annotations at or below the finding) when it is at least the fuzzy one. Everything is
    read from the chosen diseases' own annotations (no term's column over all diseases is computed)."""
    kb, net = diagnoser.kb, diagnoser.network
    n_f, n_d = len(findings), len(diseases)
    kind = np.full((n_f, n_d), UNMATCHED, dtype=np.int64)
    matched = np.full((n_f, n_d), -1, dtype=np.int64)
    strength = np.full((n_f, n_d), np.nan)
    if not n_f or not n_d:
        return kind, matched, strength
    terms = np.asarray([kb.term_index[f.term] for f in findings], dtype=np.int64)
    positions, owner = csr_slices(net.ann_ptr, diseases)
    ann_terms, ann_strength = net.ann_term[positions].astype(np.int64), net.ann_strength[positions]
    # below[m, j]: annotation m is at or below finding j's term (the term is among its ancestors)
    unique, inverse = np.unique(terms, return_inverse=True)
    slot = np.full(len(kb.term_ids), -1, dtype=np.int64)
    slot[unique] = np.arange(len(unique))
    anc_positions, anc_owner = csr_slices(net.ancestors.indptr, ann_terms)
    hits = slot[net.ancestors.indices[anc_positions]]
    below_unique = np.zeros((len(ann_terms), len(unique)), dtype=bool)
    keep = hits >= 0
    below_unique[anc_owner[keep], hits[keep]] = True
    best_below, first_below = _first_best(np.where(below_unique, ann_strength[:, None], -1.0), owner, n_d)
    first_below, best_below = first_below[:, inverse].T, best_below[:, inverse].T  # (findings, diseases)
    has_below = first_below >= 0
    below_term = np.where(has_below, ann_terms[np.maximum(first_below, 0)], -1)
    # TermColumns' exact match, NOT annotations and fuzzy match, at the chosen diseases only
    closure, stored = _column_values(net.closure_log, terms, diseases)
    exact = np.where(stored, -np.expm1(closure), 0.0)
    exact = np.where(exact > 0, exact, 0.0)
    not_annotated = _not_annotated(diagnoser, terms, diseases)
    by_term, term_of = np.unique(ann_terms, return_inverse=True)
    weights, via = diagnoser.cache.match_weights_many(terms, by_term)
    values = ann_strength[None, :] * weights[:, term_of]  # (findings, annotations)
    related_best, related_first = _first_best(values.T, owner, n_d)  # (diseases, findings)
    related = np.maximum(related_best.T, 0.0)
    curated = net.curated[diseases]
    if curated.any():  # TermColumns.effective_related: curated diseases count their general matches
        general_values = np.where(via[:, term_of] == ann_terms[None, :], values, 0.0)
        general = np.maximum(_first_best(general_values.T, owner, n_d)[0].T, 0.0)
        related[:, curated] = np.maximum(
            general[:, curated], related[:, curated] * net.params.common_leak_factor
        )
    present = np.asarray([f.present for f in findings])[:, None]
    use_exact = present & ~not_annotated & (exact > 0) & (exact >= related) & has_below
    use_related = present & ~not_annotated & (related > exact)
    kind[:] = np.select(
        [
            ~present & not_annotated,
            ~present & has_below,
            ~present,
            not_annotated,
            use_exact & (below_term == terms[:, None]),
            use_exact,
        ],
        [EXCLUDED_CONSISTENT, EXCLUDED_PRESENT, EXCLUDED_UNRELATED, NOT_ANNOTATED, EXACT, VIA_DESCENDANT],
        UNMATCHED,
    )
    shown = use_exact | (~present & ~not_annotated & has_below)
    matched[shown], strength[shown] = below_term[shown], best_below[shown]
    fuzzy = use_related & (related_first.T >= 0)
    picked = related_first.T[fuzzy]  # the first annotation with the best fuzzy value
    matched[fuzzy], strength[fuzzy] = ann_terms[picked], ann_strength[picked]
    finding_of = np.nonzero(fuzzy)[0]
    kind[fuzzy] = np.where(via[finding_of, term_of[picked]] == ann_terms[picked], VIA_ANCESTOR, RELATED)
    return kind, matched, strength


def finding_likelihoods(diagnoser: Diagnoser, diagnosis: Diagnosis) -> list[tuple[np.ndarray, float]]:
    """The likelihood arrays the diagnosis was scored with (computed again only for an older Diagnosis)."""
    if len(diagnosis.likelihoods) == len(diagnosis.used):
        return diagnosis.likelihoods
    return [diagnoser.finding_log_likelihood(f, diagnosis.context) for f in diagnosis.used]


def explain_many(
    diagnoser: Diagnoser, diagnosis: Diagnosis, diseases: list[int], max_missing: int = 5
) -> dict[int, Explanation]:
    """Explanations for several diseases of one diagnosis at once (likelihoods shared, matches vectorized)."""
    kb = diagnoser.kb
    tau = diagnoser.params.temperature
    chosen = np.asarray(diseases, dtype=np.int64)
    findings = diagnosis.used
    likelihoods = finding_likelihoods(diagnoser, diagnosis)
    log_lr = np.asarray(
        [tau * (disease_ll[chosen] - other_ll) for disease_ll, other_ll in likelihoods]
    ).reshape(len(findings), len(chosen))
    kind, matched, strength = match_table(diagnoser, findings, chosen)
    touched = diagnosis_touched(diagnoser, diagnosis)
    labels = [kb.label(f.term) for f in findings]
    matched_labels = {
        int(t): (kb.term_ids[t], kb.label(kb.term_ids[t])) for t in np.unique(matched[matched >= 0])
    }
    strongest_first = np.argsort(-np.abs(log_lr), axis=0, kind="stable")
    result = {}
    for k, disease in enumerate(chosen.tolist()):
        contributions = []
        for j in strongest_first[:, k].tolist():
            finding = findings[j]
            matched_id, matched_label = matched_labels.get(int(matched[j, k]), (None, None))
            contributions.append(
                Contribution(
                    finding.term,
                    labels[j],
                    finding.present,
                    finding.severity,
                    float(log_lr[j, k]),
                    MATCH_TYPES[kind[j, k]],
                    matched_id,
                    matched_label,
                    None if np.isnan(strength[j, k]) else float(strength[j, k]),
                )
            )
        result[disease] = Explanation(
            kb.disease_ids[disease],
            kb.disease_names[disease],
            float(np.exp(diagnosis.log_posterior[disease])),
            contributions,
            _missing(diagnoser, touched, disease, max_missing),
        )
    return result


def explain(
    diagnoser: Diagnoser, diagnosis: Diagnosis, disease_index: int, max_missing: int = 5
) -> Explanation:
    """Why one disease ranks where it does (see explain_many for several at once)."""
    return explain_many(diagnoser, diagnosis, [disease_index], max_missing)[disease_index]


def missing_frequent(
    diagnoser: Diagnoser, findings: list[Finding], disease: int, limit: int, threshold: float = 0.3
) -> list[MissingFeature]:
    """The disease's frequent features that no reported finding touches (itself, ancestor or subtype)."""
    return _missing(diagnoser, touched_terms(diagnoser, findings), disease, limit, threshold)


def _missing(
    diagnoser: Diagnoser, touched: np.ndarray, disease: int, limit: int, threshold: float = 0.3
) -> list[MissingFeature]:
    kb = diagnoser.kb
    terms, _ = _disease_annotations(diagnoser, disease)
    stated = stated_frequencies(kb, disease, terms)
    keep = ~touched[terms] & (stated >= threshold)  # (NaN: no stated frequency)
    rows = sorted(zip(stated[keep].tolist(), terms[keep].tolist(), strict=True), reverse=True)
    return [MissingFeature(kb.term_ids[t], kb.term_names[t], f) for f, t in rows[:limit]]


def stated_frequencies(kb, disease: int, terms: np.ndarray) -> np.ndarray:
    """The highest frequency the sources state for (disease, term) links; NaN where none is stated.
    Reads a per-disease index of the KB's links, built once per knowledge base (before workers fork)."""
    ptr, link_terms, link_freq = stated_index(kb)
    out = np.full(len(terms), np.nan)
    if disease + 1 >= len(ptr):  # a disease only the data knows: no literature links
        return out
    start, end = ptr[disease], ptr[disease + 1]
    if start == end:
        return out
    own_terms, own_freq = link_terms[start:end], link_freq[start:end]
    where = np.minimum(np.searchsorted(own_terms, terms), end - start - 1)
    hit = own_terms[where] == terms
    out[hit] = own_freq[where[hit]]
    return out


def stated_index(kb) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ptr over diseases, term, max stated frequency): positive links with a frequency, one per pair."""
    cached = kb._cache.get("stated_frequencies")
    if cached is not None:
        return cached
    positive = ~kb.link_negated & ~np.isnan(kb.link_freq)
    disease = kb.link_disease[positive].astype(np.int64)
    term = kb.link_term[positive].astype(np.int64)
    freq = kb.link_freq[positive].astype(np.float64)
    order = np.lexsort((-freq, term, disease))
    disease, term, freq = disease[order], term[order], freq[order]
    first = np.ones(len(disease), dtype=bool)
    first[1:] = (disease[1:] != disease[:-1]) | (term[1:] != term[:-1])
    disease, term, freq = disease[first], term[first], freq[first]
    ptr = np.zeros(len(kb.disease_ids) + 1, dtype=np.int64)
    np.add.at(ptr, disease + 1, 1)
    index = (np.cumsum(ptr), term, freq)
    kb._cache["stated_frequencies"] = index
    return index
