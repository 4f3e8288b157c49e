"""Per-finding likelihoods P(finding | disease) for every disease at once: one small unit per match type.

Observed finding q, disease D (single-disease network, noisy-OR over D's annotations, with a leak):
  P(q | D) = 1 - (1 - leak_q) (1 - exact_D(q)) (1 - related_D(q))
  exact_D(q)   = 1 - prod over annotations a at or below q of (1 - f_a)  [exact; patient term more general]
  related_D(q) = max over other annotations a of f_a * p(q) / p(c) * w     [c = most informative common
                 ancestor of a and q; w = 1 when a is an ancestor of q (patient term more specific), else the
                 related-match discount]; root and organ-system categories never count as c
  NOT-annotated: P(q | D) = leak_q * not_annotated_factor
Excluded finding q (a report node under the finding: a present finding is reported absent with
probability 1 - sensitivity, so a reported absence is soft evidence):
  P(reported absent | D) = 1 - sensitivity * P(q | D)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from inference.annotation_index import AnnotationIndex
from inference.network import Network, csr_slices
from inference.params import ModelParams

__all__ = [
    "RARE_CLINIC",
    "TermColumnRules",
    "TermColumns",
    "consult_or_rare_sensitivity",
    "disease_leaks",
    "exclusion_sensitivities",
]

RARE_CLINIC = "rare-disease-clinic"


@dataclass
class TermColumns:
    """Everything about one term for all diseases, kept sparse (most diseases only have the leak); the
    dense log-likelihood arrays are computed on first use and kept with the entry."""

    n_diseases: int
    exact_index: np.ndarray  # diseases with annotations at or below the term ...
    exact_value: np.ndarray  # ... and 1 - prod(1 - f) over those annotations
    related_index: np.ndarray  # diseases with a fuzzy match ...
    related_value: np.ndarray  # ... and its strength
    not_index: np.ndarray  # diseases annotated NOT to have the term (or an ancestor)
    curated_general: np.ndarray  # per curated disease: the fuzzy match through more general annotations only
    leak: float
    background: float  # P(term) for a patient whose disease is not in the knowledge base
    curated_leak: float = 0.0  # the leak of curated common diseases for this term (curated_leaks)
    _log_present: np.ndarray | None = field(default=None, repr=False)
    _log_absent: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def _dense(self, index: np.ndarray, value: np.ndarray | float) -> np.ndarray:
        out = np.zeros(self.n_diseases)
        out[index] = value
        return out

    @property
    def exact(self) -> np.ndarray:
        """The exact match per disease, dense (0: none)."""
        return self._dense(self.exact_index, self.exact_value)

    @property
    def related(self) -> np.ndarray:
        """The fuzzy match per disease, dense (0: none), before the curated diseases' adjustment."""
        return self._dense(self.related_index, self.related_value)

    @property
    def not_annotated(self) -> np.ndarray:
        """Per disease: annotated NOT to have the term or an ancestor of it."""
        return self._dense(self.not_index, 1.0).astype(bool)

    def leaks(self, network: Network) -> np.ndarray:
        """The term's leak per disease (see disease_leaks)."""
        return disease_leaks(network, self.leak, self.curated_leak)

    def effective_related(self, network: Network) -> np.ndarray:
        """The fuzzy match per disease; for a curated common disease a sibling or cousin match counts
        common_leak_factor as much (its complete feature list makes a merely related finding incidental)."""
        related = self.related
        curated = network.curated_index
        related[curated] = np.maximum(
            self.curated_general, related[curated] * network.params.common_leak_factor
        )
        return related

    def present(self, network: Network) -> np.ndarray:
        """P(finding present | disease) for every disease: the noisy-OR of leak, exact and fuzzy match
        (a disease annotated NOT to have it: its leak times not_annotated_factor)."""
        leak = self.leaks(network)
        miss = np.ones(self.n_diseases)
        miss[self.exact_index] *= 1.0 - self.exact_value
        miss *= 1.0 - self.effective_related(network)
        prob = 1.0 - (1.0 - leak) * miss
        prob[self.not_index] = leak[self.not_index] * network.params.not_annotated_factor
        return prob

    def log_present(self, network: Network) -> np.ndarray:
        """log P(finding present | disease), computed on first use and kept with the entry."""
        if self._log_present is None:
            self._log_present = np.log(self.present(network))
        return self._log_present

    def log_absent(self, network: Network, context: str = RARE_CLINIC) -> np.ndarray:
        """Reported absent: the finding is absent, or present but missed (the report's sensitivity, which
        depends on the disease's knowledge source and the clinical context: see exclusion_sensitivities)."""
        if context not in self._log_absent:
            sensitivity = exclusion_sensitivities(network, context)
            self._log_absent[context] = np.log1p(-sensitivity * self.present(network))
        return self._log_absent[context]

    def log_present_other(self) -> float:
        """log P(finding present) for a disease not in the knowledge base: the term's background rate."""
        return float(np.log(self.background))

    def log_absent_other(self, network: Network, context: str = RARE_CLINIC) -> float:
        """log P(reported absent) for a disease not in the knowledge base, in a context."""
        sensitivity = consult_or_rare_sensitivity(network.params, context)
        return float(np.log(1.0 - sensitivity * self.background))


def consult_or_rare_sensitivity(params: ModelParams, context: str) -> float:
    """The report sensitivity of a literature (HPO) disease, and of "other", in a context."""
    return params.exclusion_sensitivity if context == RARE_CLINIC else params.consult_exclusion_sensitivity


def exclusion_sensitivities(network: Network, context: str) -> np.ndarray:
    """Per disease: how reliably a present finding would have been reported, so its reported absence
    counts. Case reports (rare-disease clinic) rarely record absences: one low sensitivity. In a
    consultation (primary care, emergency) the doctor asks: higher, and higher still for curated common
    diseases whose frequencies come from clinical data rather than from the literature of case reports."""
    p = network.params
    sensitivity = np.full(network.n_diseases, consult_or_rare_sensitivity(p, context))
    if context != RARE_CLINIC:
        sensitivity[network.curated] = p.consult_exclusion_sensitivity_curated
    return sensitivity


def disease_leaks(network: Network, leak: float, curated_leak: float) -> np.ndarray:
    """Per disease: the term's leak; a curated common disease's profile lists its usual features, so a finding
    it does not explain is incidental, at a rate of its own (curated_leak) that follows how ordinary the
    finding is among common diseases, not how many rare diseases list it."""
    leaks = np.full(network.n_diseases, leak)
    leaks[network.curated] = curated_leak
    return leaks


class TermColumnRules:
    """Computes one term's TermColumns from the network by the rules above: its leaks, the exact match
    through the annotation closure and the fuzzy match through the most informative common ancestor."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self.annotations = AnnotationIndex.of(network)

    def leak(self, term: int) -> float:
        """The term's leak (a finding present without the disease explaining it), for HPO diseases."""
        return float(self.term_leaks(np.asarray([term]))[0])

    def term_leaks(self, terms: np.ndarray) -> np.ndarray:
        """The leak of each of `terms` (what `leak` gives for one)."""
        p = self.network.params
        return np.minimum(p.leak_floor + p.leak_scale * self.network.term_background[terms], 0.5)

    def curated_leaks(self, terms: np.ndarray) -> np.ndarray:
        """The incidental rate of each of `terms` for a curated common disease that does not list it:
        proportional to how often consulting patients have the finding (fatigue is often incidental, nuchal
        rigidity rarely), between curated_leak and curated_leak_max."""
        p = self.network.params
        scaled = p.curated_leak_scale * self.network.curated_background[terms]
        return np.clip(scaled, p.curated_leak, p.curated_leak_max)

    def leaks(self, term: int) -> np.ndarray:
        """The term's leak per disease: `leak` for HPO diseases, `curated_leaks` for curated ones."""
        return disease_leaks(self.network, self.leak(term), float(self.curated_leaks(np.asarray([term]))[0]))

    def _compute(self, term: int, curated_only: bool = False) -> TermColumns:
        net = self.network
        col = net.closure_log
        rows = col.indices[col.indptr[term] : col.indptr[term + 1]].astype(np.int32)  # (indices kept small)
        exact = -np.expm1(col.data[col.indptr[term] : col.indptr[term + 1]])
        keep = exact > 0
        related, general = self._related(term, AnnotationIndex.of(net, curated_only))
        related_index = np.flatnonzero(related).astype(np.int32)
        not_index = sorted(set(self.annotations.negated(net.ancestors_of(term).tolist())))
        return TermColumns(
            net.n_diseases,
            rows[keep],
            exact[keep],
            related_index,
            related[related_index],
            np.asarray(not_index, dtype=np.int32),
            general[net.curated_index],
            self.leak(term),
            float(net.term_background[term]),
            float(self.curated_leaks(np.asarray([term]))[0]),
        )

    def match_weights(self, term: int) -> tuple[np.ndarray, np.ndarray]:
        """Per ontology term x: the weight of an annotation on x as a fuzzy match for `term`, and the
        common ancestor that links them (-1 where there is no usable match). The last term's answer is
        kept (the literature and the fitted rules ask for the same term in turn); callers only read it."""
        last = self.__dict__.get("_last_weights")
        if last is not None and last[0] == term:
            return last[1], last[2]
        weight, via = self._match_weights(term)
        self._last_weights = (term, weight, via)
        return weight, via

    def _match_weights(self, term: int) -> tuple[np.ndarray, np.ndarray]:
        net = self.network
        n_terms = len(net.kb.term_ids)
        weight = np.zeros(n_terms)
        via = np.full(n_terms, -1, dtype=np.int64)
        assigned = np.zeros(n_terms, dtype=bool)
        assigned[net.descendants_of(term)] = True  # handled exactly
        ancestors = [a for a in net.ancestors_of(term).tolist() if a != term and not net.too_general[a]]
        ancestors.sort(key=lambda a: (-net.information_content[a], -net.depth[a]))
        p_term = net.term_background[term]
        discount = net.params.related_discount
        for ancestor in ancestors:
            ratio = min(p_term / net.term_background[ancestor], 1.0)
            members = net.descendants_of(ancestor)
            fresh = members[~assigned[members]]
            if fresh.size == 0:
                continue
            assigned[fresh] = True
            weight[fresh] = ratio * discount
            via[fresh] = ancestor
            if not assigned[ancestor] or via[ancestor] == ancestor:
                weight[ancestor] = ratio  # annotation more general than the patient's term
                via[ancestor] = ancestor
        return weight, via

    def match_weights_many(self, terms: np.ndarray, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """match_weights(t)[at] and its via for every t of `terms` at once, arrays (terms, at): an annotation
        on x is weighted through the first of t's ancestors, in match_weights' order (most informative,
        then deepest, then lowest index), that is also an ancestor of x; nothing where x is at or below t
        (matched exactly instead)."""
        net = self.network
        terms = np.asarray(terms, dtype=np.int64)
        at = np.asarray(at, dtype=np.int64)
        weight = np.zeros((len(terms), len(at)))
        via = np.full((len(terms), len(at)), -1, dtype=np.int64)
        if not len(terms) or not len(at):
            return weight, via
        rank, by_rank = self._match_order
        # usable[j, c]: c is an ancestor of terms[j], not terms[j] itself and not too general
        positions, owner = csr_slices(net.ancestors.indptr, terms)
        ancestors = net.ancestors.indices[positions]
        keep = (ancestors != terms[owner]) & ~net.too_general[ancestors]
        usable = np.zeros((len(terms), len(net.kb.term_ids)), dtype=bool)
        usable[owner[keep], ancestors[keep]] = True
        # every ancestor of every x (a term is its own ancestor: no empty group)
        positions, _ = csr_slices(net.ancestors.indptr, at)
        theirs = net.ancestors.indices[positions]
        lengths = net.ancestors.indptr[at + 1] - net.ancestors.indptr[at]
        starts = np.cumsum(lengths) - lengths
        never = len(by_rank)
        best = np.minimum.reduceat(np.where(usable[:, theirs], rank[theirs][None, :], never), starts, axis=1)
        below = np.maximum.reduceat(theirs[None, :] == terms[:, None], starts, axis=1)
        found = (best < never) & ~below
        rows, columns = np.nonzero(found)
        common = by_rank[best[rows, columns]]
        ratio = np.minimum(net.term_background[terms[rows]] / net.term_background[common], 1.0)
        weight[rows, columns] = np.where(common == at[columns], ratio, ratio * net.params.related_discount)
        via[rows, columns] = common
        return weight, via

    @cached_property
    def _match_order(self) -> tuple[np.ndarray, np.ndarray]:
        """Every term's place in match_weights' order of common ancestors (information content, then
        depth, both descending, then index), and the terms in that order."""
        net = self.network
        by_rank = np.lexsort((np.arange(len(net.kb.term_ids)), -net.depth, -net.information_content))
        rank = np.empty(len(by_rank), dtype=np.int64)
        rank[by_rank] = np.arange(len(by_rank))
        return rank, by_rank

    def curated_columns(self, term: int) -> TermColumns:
        """The term's columns, right for the curated common diseases only (their fuzzy match is found among
        their own annotations, the costly part for all diseases): what the fitted likelihood reads of
        the literature rule, for a batch that needs nothing else of it."""
        return self._compute(term, curated_only=True)

    def _related(self, term: int, annotations: AnnotationIndex) -> tuple[np.ndarray, np.ndarray]:
        """Per disease: the best fuzzy match, and the best through annotations more general than `term`,
        among `annotations`."""
        net = self.network
        weight, via = self.match_weights(term)
        candidates = np.flatnonzero(weight)
        related = np.zeros(net.n_diseases)
        general = np.zeros(net.n_diseases)
        if candidates.size == 0:
            return related, general
        terms, disease, strength = annotations.on(candidates)
        if not len(terms):
            return related, general
        values = strength * weight[terms]
        np.maximum.at(related, disease, values)
        is_general = via[terms] == terms
        np.maximum.at(general, disease[is_general], values[is_general])
        return related, general
