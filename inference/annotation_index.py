"""A network's annotations grouped by term: what the match rules scan for every annotation on a set of
terms (the literature's fuzzy match, the fitted likelihood's match types)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inference.network import Network, csr_slices

__all__ = ["AnnotationIndex"]


@dataclass(frozen=True)
class AnnotationIndex:
    """Positive annotations sorted by term (stable: a term's annotations keep the network's order), and
    the diseases annotated NOT to have each term."""

    ptr: np.ndarray  # CSR pointer over terms
    disease: np.ndarray  # int64
    strength: np.ndarray
    not_by_term: dict[int, list[int]]

    @classmethod
    def of(cls, network: Network, curated_only: bool = False) -> AnnotationIndex:
        """The index of `network`'s annotations, or of the curated common diseases' alone (each built once
        per network, shared by its users)."""
        key = "_curated_annotation_index" if curated_only else "_annotation_index"
        index = network.__dict__.get(key)
        if index is None:
            keep = network.curated[network.ann_disease] if curated_only else None
            index = cls._build(network, keep)
            network.__dict__[key] = index
        return index

    @classmethod
    def _build(cls, network: Network, keep: np.ndarray | None) -> AnnotationIndex:
        terms, diseases, strengths = network.ann_term, network.ann_disease, network.ann_strength
        if keep is not None:
            terms, diseases, strengths = terms[keep], diseases[keep], strengths[keep]
        order = np.argsort(terms, kind="stable")
        counts = np.bincount(terms, minlength=len(network.kb.term_ids))
        not_by_term: dict[int, list[int]] = {}
        for disease, term in zip(network.not_disease.tolist(), network.not_term.tolist(), strict=True):
            not_by_term.setdefault(term, []).append(disease)
        return cls(
            np.concatenate([[0], np.cumsum(counts)]),
            diseases[order].astype(np.int64),
            strengths[order],
            not_by_term,
        )

    def on(self, terms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(term, disease, strength) of every annotation on `terms`, grouped by term in the given order."""
        terms = np.asarray(terms, dtype=np.int64)
        positions, owner = csr_slices(self.ptr, terms)
        return terms[owner], self.disease[positions], self.strength[positions]

    def negated(self, terms: list[int]) -> list[int]:
        """The diseases annotated NOT to have any of `terms` (repeats possible)."""
        return [d for term in terms for d in self.not_by_term.get(term, ())]
