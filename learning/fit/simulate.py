"""Simulated rare-disease patients drawn from the knowledge base, with the imprecision of real case reports.

A patient of disease D has each annotated feature with its link strength, plus a few true features the
annotations lack (terms near its annotations: the literature is incomplete). Some present features are
reported; a reported feature may be recorded as an ancestor, a sibling or a more specific term; unrelated
noise findings are added; some annotated features the patient lacks, and some features of other diseases,
are recorded as absent. No real patient is involved; the settings are chosen by publication-grouped
cross-validation on real cases (learning/fit/crossval.py).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from inference.evaluation import EvalCase
from inference.evidence import make_evidence
from inference.network import Network

__all__ = ["Simulator", "SimulatorSettings"]


@dataclass(frozen=True)
class SimulatorSettings:
    """How imprecise the simulated reports are (each a rate per feature or a Poisson mean per patient)."""

    report_rate: float = 0.6  # a present feature is reported
    ancestor_rate: float = 0.15  # a reported feature is recorded as its parent (or grandparent)
    sibling_rate: float = 0.1  # ... as a sibling term (another child of a parent)
    descendant_rate: float = 0.2  # ... as a more specific term (a child)
    extra_features: float = 1.0  # true features the annotations lack (near the disease's annotations)
    noise_findings: float = 1.0  # unrelated findings
    own_absent_rate: float = 0.15  # an annotated feature the patient lacks is recorded absent
    other_absent: float = 4.0  # absent findings taken from other diseases' features
    seed: int = 0

    def as_dict(self) -> dict:
        """The settings as a plain dict (for reports)."""
        return asdict(self)


class Simulator:
    """Draws patients from a compiled network (literature strengths, ontology) with given settings."""

    def __init__(self, network: Network, settings: SimulatorSettings) -> None:
        self.network = network
        self.settings = settings
        kb = network.kb
        self.kb = kb
        self.usable = ~network.too_general
        self.parents = [
            [int(p) for p in kb.parents(t).tolist() if self.usable[p]] for t in range(len(kb.term_ids))
        ]
        self.children = kb.children_lists
        self.annotation_terms = network.ann_term  # sampling an annotation = a term weighted by usage

    def diseases(self, sources: tuple[str, ...] = ("OMIM",), min_annotations: int = 3) -> np.ndarray:
        """Diseases patients may be drawn from."""
        counts = np.diff(self.network.ann_ptr)
        source = np.asarray(self.kb.disease_source)
        return np.flatnonzero(np.isin(source, sources) & (counts >= min_annotations))

    def _annotations(self, disease: int) -> tuple[np.ndarray, np.ndarray]:
        net = self.network
        start, end = net.ann_ptr[disease], net.ann_ptr[disease + 1]
        return net.ann_term[start:end].astype(np.int64), net.ann_strength[start:end]

    def _nearby(self, term: int, rng: np.random.Generator) -> int | None:
        """A term near `term` (a child of one of its parents or grandparents), not `term` itself."""
        parents = self.parents[term]
        if not parents:
            return None
        parent = parents[rng.integers(len(parents))]
        if rng.random() < 0.5 and self.parents[parent]:
            parent = self.parents[parent][rng.integers(len(self.parents[parent]))]
        pool = [c for c in self.children[parent] if c != term]
        return pool[rng.integers(len(pool))] if pool else None

    def _recorded(self, term: int, rng: np.random.Generator) -> int:
        """The term a reported feature is recorded as (imprecision)."""
        s = self.settings
        u = rng.random()
        if u < s.ancestor_rate and self.parents[term]:
            up = self.parents[term][rng.integers(len(self.parents[term]))]
            if rng.random() < 0.3 and self.parents[up]:
                up = self.parents[up][rng.integers(len(self.parents[up]))]
            return up
        u -= s.ancestor_rate
        if u < s.sibling_rate:
            return self._nearby(term, rng) or term
        u -= s.sibling_rate
        if u < s.descendant_rate and self.children[term]:
            return int(self.children[term][rng.integers(len(self.children[term]))])
        return term

    def _random_feature(self, rng: np.random.Generator) -> int:
        return int(self.annotation_terms[rng.integers(len(self.annotation_terms))])

    def patient(self, disease: int, rng: np.random.Generator) -> tuple[list[int], list[int]]:
        """(present terms, absent terms) of one simulated patient of `disease`."""
        s, kb = self.settings, self.kb
        terms, strengths = self._annotations(disease)
        has = rng.random(len(terms)) < strengths
        if not has.any():
            has[int(np.argmax(strengths))] = True
        true = [int(t) for t in terms[has]]
        implied_by_disease = set().union(*(kb.ancestor_sets[int(t)] for t in terms))
        for _ in range(int(rng.poisson(s.extra_features))):
            near = self._nearby(int(terms[rng.integers(len(terms))]), rng)
            if near is not None and near not in implied_by_disease:
                true.append(near)
        reported = [t for t in true if rng.random() < s.report_rate] or [true[rng.integers(len(true))]]
        present = {self._recorded(t, rng) for t in reported}
        for _ in range(int(rng.poisson(s.noise_findings))):
            present.add(self._random_feature(rng))
        present = {t for t in present if self.usable[t]}
        if not present:
            present = {true[0]}
        implied = set().union(*(kb.ancestor_sets[t] for t in present))
        true_implied = set().union(*(kb.ancestor_sets[t] for t in true))
        absent = {
            int(t) for t in terms[~has] if rng.random() < s.own_absent_rate and int(t) not in true_implied
        }
        for _ in range(int(rng.poisson(s.other_absent))):
            candidate = self._random_feature(rng)
            if candidate not in true_implied:
                absent.add(candidate)
        absent = {t for t in absent if t not in implied and self.usable[t]}
        return sorted(present), sorted(absent)

    def cases(
        self, count: int, sources: tuple[str, ...] = ("OMIM",), min_annotations: int = 3
    ) -> list[EvalCase]:
        """`count` simulated patients, diseases drawn uniformly, in the rare-disease clinic."""
        rng = np.random.default_rng([self.settings.seed, 14])
        pool = self.diseases(sources, min_annotations)
        ids = self.kb.term_ids
        result = []
        for number, disease in enumerate(rng.choice(pool, size=count).tolist()):
            present, absent = self.patient(int(disease), rng)
            evidence = make_evidence(
                self.kb, [ids[t] for t in present], [ids[t] for t in absent], context="rare-disease-clinic"
            )
            result.append(EvalCase(f"SIM_{number:06d}", evidence, (self.kb.disease_ids[disease],)))
        return result
