"""The fitted likelihood: the network's noisy-OR with one fitted weight per match type, a leak that grows
for sparsely annotated diseases, and an information-content similarity term (docs/model.md, "Fitted
likelihood"). It replaces the literature defaults in `ModelParams.fitted_contexts` (the rare-disease clinic,
whose case reports it was fitted on) for HPO diseases; curated common diseases keep their own formulas.

Per present finding q and HPO disease D:
  P(q | D) = 1 - (1 - leak_D(q)) (1 - f_self) (1 - w_below below) (1 - max(anc, rel))
  anc = w_anc f_a (p(q)/p(a))^beta_anc,  rel = w_rel f_r (p(q)/p(c))^beta_rel
  leak_D(q) = min(leak_floor (annotations_D / 20)^-kappa + leak_scale p(q)^gamma, 0.5)
  log-likelihood: (IC(q) / 5)^eta log P(q | D) + lambda sim(q, D)
Absent: log(1 - s P(q | D)). Everything is tempered by fit_temperature, so each finding's contribution in an
explanation is exactly its share of the posterior.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from inference.evidence import SEVERITY_WEIGHT, Finding
from inference.likelihood import LikelihoodCache
from inference.matches import MatchSource
from inference.network import Network, minus_columns
from inference.params import ModelParams
from inference.similarity import expected_similarity
from inference.term_columns import TermColumns

__all__ = ["CAP", "COMPLETENESS_REF", "IC_REF", "FittedColumns", "FittedLikelihood"]

CAP = 0.999  # a match probability never reaches 1
COMPLETENESS_REF = 20.0  # annotation count at which the completeness factor is 1
IC_REF = 5.0  # information content at which a finding's weight is 1


@dataclass
class FittedColumns:
    """One term's fitted log likelihoods over all diseases (untempered, unweighted) and under "other"."""

    log_present: np.ndarray  # float32: a bounded cache of dense arrays per worker
    log_absent: np.ndarray
    other_present: float
    other_absent: float


def present_probability(network: Network, params: ModelParams, matches, background: float) -> np.ndarray:
    """P(q | D) under the fitted parameters for every disease (curated ones included; callers replace)."""
    p = params
    completeness = _completeness(network, p.fit_leak_completeness)
    leak = np.minimum(
        p.fit_leak_floor * completeness + p.fit_leak_scale * background**p.fit_leak_exponent, 0.5
    )
    e_self = np.minimum(matches.self_f.astype(np.float64), CAP)
    e_below = np.minimum(p.fit_below_weight * matches.below.astype(np.float64), CAP)
    anc = p.fit_ancestor_weight * matches.anc_f * _power(matches.anc_ratio, p.fit_ancestor_exponent)
    rel = p.fit_related_weight * matches.rel_f * _power(matches.rel_ratio, p.fit_related_exponent)
    fuzzy = np.minimum(np.maximum(anc, rel).astype(np.float64), CAP)
    prob = 1.0 - (1.0 - leak) * (1.0 - e_self) * (1.0 - e_below) * (1.0 - fuzzy)
    return np.where(matches.negated, leak * p.fit_not_annotated_factor, prob)


def _completeness(network: Network, exponent: float) -> np.ndarray:
    """Per disease: (annotation count / COMPLETENESS_REF) ** -exponent, the leak's completeness factor
    (computed once per network and exponent: every term's columns use it)."""
    cache = network.__dict__.setdefault("_completeness", {})
    if exponent not in cache:
        n_ann = np.maximum(np.diff(network.ann_ptr).astype(np.float64), 1.0)
        cache[exponent] = (n_ann / COMPLETENESS_REF) ** (-exponent)
    return cache[exponent]


def _power(ratio: np.ndarray, exponent: float) -> np.ndarray:
    """ratio ** exponent with 0 ** anything = 0 (no such annotation); only the matched diseases are raised."""
    out = np.zeros(len(ratio))
    matched = np.flatnonzero(ratio > 0)
    out[matched] = np.power(ratio[matched].astype(np.float64), exponent)
    return out


class FittedLikelihood:
    """Fitted per-finding log likelihoods for a network, cached per term (bounded, thread-safe)."""

    def __init__(
        self, network: Network, cache: LikelihoodCache, params: ModelParams, max_terms: int = 4000
    ) -> None:
        self.network = network
        self.params = params
        self.cache = cache
        self.matches = MatchSource(network, cache)
        self.max_terms = max_terms
        self._columns: OrderedDict[int, FittedColumns] = OrderedDict()
        self._lock = threading.Lock()
        self._unreported: tuple[sp.csc_matrix, np.ndarray] | None = None
        self.table = None  # inference.term_table.TermTable: precomputed columns of the most used terms

    def columns(self, term: int) -> FittedColumns:
        """The term's fitted columns: read from the term table when it holds them, else from the cache
        or computed (and cached)."""
        table = self.table
        row = table.row(term) if table is not None and table.fit_log_present is not None else -1
        if row >= 0:
            other_present, other_absent = table.fit_other[row]
            return FittedColumns(
                table.fit_log_present[row],
                table.fit_log_absent[row],
                float(other_present),
                float(other_absent),
            )
        with self._lock:
            cached = self._columns.get(term)
            if cached is not None:
                self._columns.move_to_end(term)
                return cached
        result = self.compute(term)
        with self._lock:
            self._columns[term] = result
            while len(self._columns) > self.capacity():
                self._columns.popitem(last=False)
        return result

    def adopt(self, term: int, columns: FittedColumns) -> None:
        """Keep columns computed elsewhere (in another process of a batch) as if computed here."""
        with self._lock:
            self._columns[term] = columns
            while len(self._columns) > self.capacity():
                self._columns.popitem(last=False)

    def capacity(self) -> int:
        """Terms kept: max_terms, and no more bytes than the literature cache's own bound when one is set
        (a server bounds it per worker)."""
        bound = getattr(self.cache, "max_bytes", None)
        if not bound:
            return self.max_terms
        return max(min(self.max_terms, bound // (8 * self.network.n_diseases)), 1)

    def compute(self, term: int, standard: TermColumns | None = None) -> FittedColumns:
        """A term's fitted columns, computed without keeping them; `standard` is the term's literature
        columns when the caller has them already (curated diseases keep the literature rule's values)."""
        net, p = self.network, self.params
        matches = self.matches.term(term)
        background = float(net.term_background[term])
        prob = present_probability(net, p, matches, background)
        weight = (max(float(net.information_content[term]), 1e-3) / IC_REF) ** p.fit_ic_exponent
        sim = p.similarity_weight * matches.sim.astype(np.float64)
        log_present = weight * np.log(np.maximum(prob, 1e-300)) + sim
        log_absent = np.log1p(-p.fit_exclusion_sensitivity * prob)
        curated = net.curated_index
        if len(curated):
            standard = standard if standard is not None else self.cache.columns(term)
            log_present[curated] = standard.log_present(net)[curated] + sim[curated]
            log_absent[curated] = standard.log_absent(net, "rare-disease-clinic")[curated]
        other_sim = p.similarity_weight * expected_similarity(net, matches.sim)
        return FittedColumns(
            log_present.astype(np.float32),
            log_absent.astype(np.float32),
            weight * float(np.log(background)) + other_sim,
            float(np.log1p(-p.fit_exclusion_sensitivity * background)),
        )

    def finding_log_likelihood(self, finding: Finding, term: int) -> tuple[np.ndarray, float]:
        """log P(finding | disease) for all diseases and under "other", weighted by severity and tempered."""
        columns = self.columns(term)
        scale = self.params.fit_temperature * SEVERITY_WEIGHT[finding.severity]
        if finding.present:
            return np.multiply(columns.log_present, scale, dtype=np.float64), scale * columns.other_present
        return np.multiply(columns.log_absent, scale, dtype=np.float64), scale * columns.other_absent

    def unreported_log_likelihood(self, terms: np.ndarray | list[int], standard: np.ndarray) -> np.ndarray:
        """The unreported-feature term at the fitted rate for HPO diseases (`standard`, the literature
        rule's values, for curated ones), tempered; the same untouched-annotation rule as the engine."""
        net, p = self.network, self.params
        closure, total = self.unreported_closure()
        result = np.minimum(minus_columns(total, closure, np.asarray(terms, dtype=np.int64)), 0.0)
        result[net.curated_index] = standard[net.curated_index]
        return p.fit_temperature * result

    def unreported_closure(self) -> tuple[sp.csc_matrix, np.ndarray]:
        """Per term, the log of each annotation at or below it going unreported (diseases x terms), and
        each disease's total: built once."""
        with self._lock:
            if self._unreported is None:
                net = self.network
                rate = self.params.fit_unreported_rate
                shape = (net.n_diseases, len(net.kb.term_ids))
                logs = sp.csr_matrix(
                    (np.log1p(-rate * net.ann_strength), (net.ann_disease, net.ann_term)), shape=shape
                )
                self._unreported = (logs @ net.ancestors).tocsc(), np.asarray(logs.sum(axis=1)).ravel()
            return self._unreported
