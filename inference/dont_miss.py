"""The "don't miss" block: time-critical diagnoses (ontologies/dont_miss.ttl) whose cautious posterior
passes a threshold, shown apart from the ranking with the findings that keep them alive."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from knowledge.kb import KnowledgeBase

__all__ = ["DontMiss", "cautious_log_posterior", "dont_miss_mask", "flagged"]


@dataclass
class DontMiss:
    """A flagged time-critical diagnosis: its id, posterior, cautious posterior (see cautious_log_posterior),
    rank, the guideline, and the observed findings that raise it (strongest first)."""

    index: int
    disease_id: str
    probability: float
    cautious_probability: float
    rank: int
    citation: str
    supporting: list[str]

    def as_dict(self) -> dict:
        """The flag as JSON: disease, probability, cautious probability, rank, guideline and supporting
        findings."""
        return {
            "disease_id": self.disease_id,
            "probability": self.probability,
            "cautious_probability": self.cautious_probability,
            "rank": self.rank,
            "guideline": self.citation,
            "supporting": self.supporting,
        }


def dont_miss_mask(kb: KnowledgeBase) -> np.ndarray:
    """Per disease: is it a curated time-critical diagnosis?"""
    return np.asarray([bool(info.get("dont_miss")) for info in kb.disease_info], dtype=bool)


def cautious_log_posterior(
    log_post: np.ndarray,
    present_likelihoods: list[tuple[np.ndarray, float]],
    mask: np.ndarray,
    forgiven: np.ndarray | None = None,
) -> np.ndarray:
    """For the masked diseases: the log posterior if every present finding they do not explain were
    incidental (it counts no more against them than against a disease outside the knowledge base), and
    without the `forgiven` log penalties (an atypical duration: a time-critical disease can present late),
    so a time-critical diagnosis is not buried by an unrelated complaint; -inf elsewhere."""
    cautious = np.full(len(log_post), -np.inf)
    index = np.flatnonzero(mask & np.isfinite(log_post))
    cautious[index] = log_post[index]
    for disease_ll, other_ll in present_likelihoods:
        cautious[index] += np.maximum(0.0, other_ll - disease_ll[index])
    if forgiven is not None:
        cautious[index] -= np.minimum(forgiven[index], 0.0)
    return np.minimum(cautious, 0.0)


def flagged(
    log_post: np.ndarray, cautious: np.ndarray, threshold: float, limit: int
) -> list[tuple[int, float, float, int]]:
    """(disease, probability, cautious probability, rank) of the time-critical diseases whose cautious
    posterior reaches the threshold, most likely first; the rank counts ties against the disease."""
    chosen = np.flatnonzero(cautious >= np.log(threshold))
    chosen = chosen[np.lexsort((-cautious[chosen], -log_post[chosen]))][:limit]
    if not len(chosen):
        return []
    # rank = how many values are >= the disease's own, counted among the values at or above the lowest
    values = log_post[chosen]
    above = np.sort(log_post[log_post >= values.min()])
    ranks = len(above) - np.searchsorted(above, values, side="left")
    return [
        (int(i), float(np.exp(log_post[i])), float(np.exp(cautious[i])), int(rank))
        for i, rank in zip(chosen.tolist(), ranks.tolist(), strict=True)
    ]
