"""How one finding matches every disease, split by match type: the raw material of the fitted likelihood.

inference/term_columns.py folds these into one probability; here they stay apart so that each match type, the
leak and the similarity term can get its own fitted weight (inference/fitted.py, learning/fit/).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from inference.annotation_index import AnnotationIndex
from inference.likelihood import LikelihoodCache
from inference.network import Network
from inference.similarity import resnik_similarity
from inference.term_columns import TermColumnRules

__all__ = ["MatchSource", "TermMatches", "strength_moments"]


@dataclass
class TermMatches:
    """One term q against all diseases (dense arrays over diseases)."""

    self_f: np.ndarray  # strength of an annotation on q itself (0: none)
    below: np.ndarray  # 1 - prod(1 - f) over annotations strictly below q (q is implied)
    anc_f: np.ndarray  # best annotation strictly above q (by f * ratio): its strength ...
    anc_ratio: np.ndarray  # ... and p(q) / p(annotation)
    rel_f: np.ndarray  # best sibling/cousin annotation: its strength ...
    rel_ratio: np.ndarray  # ... and p(q) / p(common ancestor)
    sim: np.ndarray  # information content of the most informative ancestor of q the disease implies
    negated: np.ndarray  # bool: annotated NOT to have q or an ancestor of q


class MatchSource:
    """Computes TermMatches on a compiled network (literature-only or learned)."""

    def __init__(self, network: Network, rules: TermColumnRules | None = None) -> None:
        """`rules`: the literature rules of `network` already at hand (their match weights are shared)."""
        self.network = network
        self.cache = rules if rules is not None else LikelihoodCache(network, max_terms=1)
        n_d, n_t = network.n_diseases, len(network.kb.term_ids)
        direct = sp.csr_matrix(
            (network.ann_strength, (network.ann_disease, network.ann_term)), shape=(n_d, n_t)
        )
        self.direct = direct.tocsc()
        self.annotations = AnnotationIndex.of(network)

    def column(self, matrix: sp.csc_matrix, term: int) -> tuple[np.ndarray, np.ndarray]:
        """A CSC matrix's column `term`: its row indices (diseases) and values."""
        start, end = matrix.indptr[term], matrix.indptr[term + 1]
        return matrix.indices[start:end], matrix.data[start:end]

    def term(self, term: int) -> TermMatches:
        """How `term` matches every disease, one array per match type."""
        net = self.network
        n = net.n_diseases
        self_f = np.zeros(n)
        rows, values = self.column(self.direct, term)
        self_f[rows] = values
        below = np.zeros(n)
        rows, logs = self.column(net.closure_log, term)
        below[rows] = -np.expm1(logs - np.log1p(-self_f[rows]))
        below = np.clip(below, 0.0, 1.0)
        anc_f, anc_ratio, rel_f, rel_ratio = (np.zeros(n) for _ in range(4))
        weight, via = self.cache.match_weights(term)
        candidates = np.flatnonzero(weight)
        terms, disease, strength = self.annotations.on(candidates)
        if len(terms):
            on_ancestor = via[terms] == terms  # annotations on an ancestor of the term: few
            weights = weight[terms]
            ratio = np.where(on_ancestor, weights, weights / net.params.related_discount)
            value = strength * ratio
            ancestral = np.flatnonzero(on_ancestor)
            _best_annotation(
                disease[ancestral], strength[ancestral], ratio[ancestral], value[ancestral], anc_f, anc_ratio
            )
            value[ancestral] = 0.0  # (the related matches are all the others)
            _best_annotation(disease, strength, ratio, value, rel_f, rel_ratio)
        negated = np.zeros(n, dtype=bool)
        negated[self.annotations.negated(net.ancestors_of(term).tolist())] = True
        return TermMatches(
            self_f.astype(np.float32),
            below.astype(np.float32),
            anc_f.astype(np.float32),
            anc_ratio.astype(np.float32),
            rel_f.astype(np.float32),
            rel_ratio.astype(np.float32),
            resnik_similarity(net, term),
            negated,
        )


def _best_annotation(
    disease: np.ndarray,
    strength: np.ndarray,
    ratio: np.ndarray,
    value: np.ndarray,
    f_out: np.ndarray,
    r_out: np.ndarray,
) -> None:
    """Per disease, the strength and ratio of its annotation of highest value (> 0), into f_out and r_out
    (on a tie the last one)."""
    best = np.zeros(len(f_out))
    np.maximum.at(best, disease, value)
    hit = np.flatnonzero((value == best[disease]) & (value > 0))
    f_out[disease[hit]] = strength[hit]
    r_out[disease[hit]] = ratio[hit]


def strength_moments(network: Network, orders: int) -> list[sp.csc_matrix]:
    """Per k = 1..orders: diseases x terms, the sum of f^k over the disease's annotations at or below the
    term (so the unreported-feature term log(1 - r f) = -sum_k r^k f^k / k can be refitted for any r)."""
    n_d, n_t = network.n_diseases, len(network.kb.term_ids)
    result = []
    for k in range(1, orders + 1):
        direct = sp.csr_matrix(
            (network.ann_strength**k, (network.ann_disease, network.ann_term)), shape=(n_d, n_t)
        )
        result.append((direct @ network.ancestors).tocsc())
    return result
