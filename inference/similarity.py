"""Information-content similarity of a finding to every disease (Resnik, as Phenomizer and hpo3 use it).

sim(q, D) is the information content -log p(c) of the most informative ancestor c of q (q included) that
disease D implies. In the fitted likelihood (inference/fitted.py) it enters each present finding's log
likelihood as lambda * sim(q, D), against lambda times its mean over annotated diseases for "not in the
knowledge base", so the explanation of a ranking still sums exactly over findings.
"""

from __future__ import annotations

import numpy as np

from inference.network import Network

__all__ = ["expected_similarity", "resnik_similarity"]


def resnik_similarity(network: Network, term: int) -> np.ndarray:
    """Per disease: max IC over the term's ancestors (itself included) the disease implies (0: none)."""
    ic = network.information_content
    closure = network.closure_log
    sim = np.zeros(network.n_diseases, dtype=np.float32)
    ancestors = network.ancestors_of(term)
    for ancestor in ancestors[np.argsort(ic[ancestors])].tolist():
        rows = closure.indices[closure.indptr[ancestor] : closure.indptr[ancestor + 1]]
        sim[rows] = ic[ancestor]
    return sim


def expected_similarity(network: Network, sim: np.ndarray) -> float:
    """The similarity's mean over annotated diseases: its value for "a disease not in the knowledge base"."""
    annotated = network.annotated_index
    return float(sim[annotated].mean()) if len(annotated) else 0.0
