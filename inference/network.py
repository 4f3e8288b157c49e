"""The compiled noisy-OR network: disease-phenotype link strengths and ontology closure as sparse arrays."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from inference.params import ModelParams
from inference.priors import consultation_mix
from inference.vitals import VITAL_SIGN_FINDINGS
from knowledge.kb import KnowledgeBase

__all__ = ["PHENOTYPIC_ABNORMALITY", "ROOT", "Network", "compile_network", "csr_slices"]

ROOT = "HP:0000001"
PHENOTYPIC_ABNORMALITY = "HP:0000118"


@dataclass
class Network:
    """Literature frequencies aggregated per (disease, term), plus what likelihoods need.

    `strength` holds the noisy-OR link probabilities (frequency, default for missing, capped);
    `closure_log` is, per disease and term q, the sum of log(1 - strength) over annotations at or below q.
    """

    kb: KnowledgeBase
    params: ModelParams
    ann_disease: np.ndarray  # positive annotations, sorted by disease
    ann_term: np.ndarray
    ann_strength: np.ndarray
    ann_ptr: np.ndarray  # CSR pointer over diseases into ann_*
    not_disease: np.ndarray
    not_term: np.ndarray
    closure_log: sp.csc_matrix  # diseases x terms
    unreported_log: sp.csc_matrix  # the same with strengths scaled by the unreported rate
    unreported_total: np.ndarray  # per disease: sum of log(1 - rate * strength) over all annotations
    term_background: np.ndarray  # fraction of diseases implying each term (ontology-propagated)
    ancestors: sp.csr_matrix  # terms x terms, [x, c] = 1 when c is x or an ancestor of x
    too_general: np.ndarray  # bool per term: root and organ-system categories, never used as a match

    @property
    def n_diseases(self) -> int:
        """The number of diseases in the network."""
        return len(self.kb.disease_ids)

    @cached_property
    def descendants_matrix(self) -> sp.csc_matrix:
        """The term ancestor matrix in CSC form: column t holds the descendants of t (itself included)."""
        return self.ancestors.tocsc()

    def descendants_of(self, term: int) -> np.ndarray:
        """The descendant term indices of a term index (itself included)."""
        m = self.descendants_matrix
        return m.indices[m.indptr[term] : m.indptr[term + 1]]

    def ancestors_of(self, term: int) -> np.ndarray:
        """The ancestor term indices of a term index (itself included)."""
        m = self.ancestors
        return m.indices[m.indptr[term] : m.indptr[term + 1]]

    @cached_property
    def information_content(self) -> np.ndarray:
        """Each term's information content, -log of its background frequency."""
        return -np.log(self.term_background)

    @cached_property
    def curated(self) -> np.ndarray:
        """Curated (common) diseases: complete feature lists, so an unexplained finding is incidental."""
        return np.asarray([s == "curated" for s in self.kb.disease_source], dtype=bool)

    @cached_property
    def curated_background(self) -> np.ndarray:
        """Per term: how often a patient consulting for one of the curated common diseases has the finding,
        their frequencies of it (ontology-propagated) weighted by their consultation priors; 0 for findings
        at or below an abnormal vital sign (fever, tachycardia...)."""
        weight = np.where(self.curated, consultation_mix(self.kb, self.params), 0.0)
        if weight.sum() <= 0:
            return np.zeros(len(self.kb.term_ids))
        strength = self.closure_log.copy()
        strength.data = -np.expm1(strength.data)
        background = np.asarray(strength.T @ (weight / weight.sum())).ravel()
        measured = [self.kb.term_index[t] for t in VITAL_SIGN_FINDINGS if t in self.kb.term_index]
        if measured:  # an abnormal vital sign always has a cause to explain: never incidental
            background[sorted(set().union(*(self.kb.descendants(t) for t in measured)))] = 0.0
        return background

    @cached_property
    def annotated_index(self) -> np.ndarray:
        """The indices of the diseases with at least one positive annotation."""
        return np.flatnonzero(np.diff(self.ann_ptr) > 0)

    @cached_property
    def curated_index(self) -> np.ndarray:
        """The indices of the curated diseases."""
        return np.flatnonzero(self.curated)

    @cached_property
    def not_keys(self) -> np.ndarray:
        """disease * n_terms + term of every NOT annotation, sorted: (disease, term) membership by binary
        search, for a few diseases without a pass over all of them."""
        return np.unique(self.not_disease.astype(np.int64) * len(self.kb.term_ids) + self.not_term)

    @cached_property
    def depth(self) -> np.ndarray:
        """Each term's number of ancestors (itself included), a measure of how specific it is."""
        return np.asarray(self.ancestors.sum(axis=1)).ravel()


def csr_slices(ptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the CSR slices ptr[r]:ptr[r+1] for every r in rows, concatenated, and which r each
    position belongs to (an index into rows)."""
    starts = ptr[rows]
    lengths = ptr[rows + 1] - starts
    ends = np.cumsum(lengths)
    shift = np.repeat(starts - (ends - lengths), lengths)  # (from a position in the output to the slice's)
    return shift + np.arange(int(ends[-1]) if len(ends) else 0), np.repeat(np.arange(len(rows)), lengths)


def minus_columns(start: np.ndarray, matrix: sp.csc_matrix, columns: np.ndarray) -> np.ndarray:
    """`start` less the entries of `matrix`'s `columns`, row by row, subtracted column after column in the
    given order (so the result is the one a loop over the columns gives, to the last bit)."""
    positions, _ = csr_slices(matrix.indptr, np.asarray(columns, dtype=np.int64))
    result = start.copy()
    np.subtract.at(result, matrix.indices[positions], matrix.data[positions])
    return result


def aggregate_links(
    kb: KnowledgeBase, params: ModelParams, extra: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One strength per positive (disease, term): the highest stated frequency (n/m shrunk toward the
    default), or the default; `extra` (data-refined strengths) replaces literature values for its pairs."""
    positive = ~kb.link_negated
    freq = kb.link_freq[positive].astype(np.float64)
    freq = np.where(np.isnan(freq), params.missing_frequency, freq)
    n, m = kb.link_n[positive].astype(np.float64), kb.link_m[positive].astype(np.float64)
    counted = m > 0
    prior = params.count_prior_strength
    freq[counted] = (n[counted] + prior * params.missing_frequency) / (m[counted] + prior)
    disease = kb.link_disease[positive].astype(np.int64)
    term = kb.link_term[positive].astype(np.int64)
    priority = np.zeros(len(freq))
    if extra is not None and len(extra[0]):
        disease = np.concatenate([disease, extra[0]])
        term = np.concatenate([term, extra[1]])
        freq = np.concatenate([freq, extra[2]])
        priority = np.concatenate([priority, np.ones(len(extra[0]))])
    key = disease * len(kb.term_ids) + term
    order = np.lexsort((-freq, -priority, key))
    key, freq = key[order], freq[order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    key, freq = key[first], np.minimum(freq[first], params.frequency_cap)
    keep = freq > 0
    key, freq = key[keep], freq[keep]
    not_key = np.unique(
        kb.link_disease[kb.link_negated].astype(np.int64) * len(kb.term_ids) + kb.link_term[kb.link_negated]
    )
    n_terms = len(kb.term_ids)
    return key // n_terms, key % n_terms, freq, not_key // n_terms, not_key % n_terms


def ancestor_matrix(kb: KnowledgeBase) -> sp.csr_matrix:
    rows, cols = [], []
    for term, ancestors in enumerate(kb.ancestor_sets):
        rows.extend([term] * len(ancestors))
        cols.extend(ancestors)
    n = len(kb.term_ids)
    return sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, n))


def compile_network(
    kb: KnowledgeBase,
    params: ModelParams | None = None,
    extra_links: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    ancestors: sp.csr_matrix | None = None,
) -> Network:
    """Turn a knowledge base (plus optional data-derived links) into the arrays inference runs on."""
    params = params or ModelParams()
    d, t, f, not_d, not_t = aggregate_links(kb, params, extra_links)
    n_d, n_t = len(kb.disease_ids), len(kb.term_ids)
    anc = ancestors if ancestors is not None else ancestor_matrix(kb)
    logs = sp.csr_matrix((np.log1p(-f), (d, t)), shape=(n_d, n_t))
    closure_log = (logs @ anc).tocsc()
    rate = params.unreported_rate
    unreported = sp.csr_matrix((np.log1p(-rate * f), (d, t)), shape=(n_d, n_t))
    unreported_log = (unreported @ anc).tocsc()
    unreported_total = np.asarray(unreported.sum(axis=1)).ravel()
    indicator = sp.csr_matrix((np.ones(len(d), dtype=np.float32), (d, t)), shape=(n_d, n_t))
    implied = (indicator @ anc) > 0
    annotated = max(int((np.diff(indicator.indptr) > 0).sum()), 1)
    background = (np.asarray(implied.sum(axis=0)).ravel() + 0.5) / (annotated + 1.0)
    too_general = np.zeros(n_t, dtype=bool)
    for term_id in (ROOT, PHENOTYPIC_ABNORMALITY):
        if term_id in kb.term_index:
            index = kb.term_index[term_id]
            too_general[index] = True
            if term_id == PHENOTYPIC_ABNORMALITY:
                too_general[kb.children_lists[index]] = True
    ptr = np.zeros(n_d + 1, dtype=np.int64)
    np.add.at(ptr, d + 1, 1)
    return Network(
        kb=kb,
        params=params,
        ann_disease=d.astype(np.int32),
        ann_term=t.astype(np.int32),
        ann_strength=f.astype(np.float64),
        ann_ptr=np.cumsum(ptr),
        not_disease=not_d.astype(np.int32),
        not_term=not_t.astype(np.int32),
        closure_log=closure_log,
        unreported_log=unreported_log,
        unreported_total=unreported_total,
        term_background=background,
        ancestors=anc,
        too_general=too_general,
    )
