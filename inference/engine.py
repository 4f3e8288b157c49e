"""Posterior disease probabilities from evidence: the Diagnoser (fit once on a knowledge base, then query)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from inference.calibration import IDENTITY, calibration_features, recalibrate_top1, rest_factor
from inference.complaint_onset import OnsetTable
from inference.course import CourseTable
from inference.dont_miss import DontMiss, cautious_log_posterior, dont_miss_mask, flagged
from inference.evidence import SEVERITY_WEIGHT, Evidence, Finding
from inference.fitted import FittedLikelihood
from inference.likelihood import LikelihoodCache
from inference.network import Network, compile_network, minus_columns
from inference.params import ModelParams
from inference.priors import Demographics, base_prevalence, context_log_prior
from inference.risk import RiskTable
from inference.term_columns import consult_or_rare_sensitivity, exclusion_sensitivities
from knowledge.kb import KnowledgeBase

__all__ = ["Diagnoser", "Diagnosis", "RankedDisease", "top_indices"]


class LikelihoodTable(Protocol):
    """What the engine reads from a precomputed likelihood table (inference.term_table.TermTable)."""

    slot: np.ndarray
    lit_log_present: np.ndarray
    lit_other: np.ndarray

    def row(self, term: int) -> int: ...


@dataclass
class RankedDisease:
    """One disease of the ranking: its index and identity in the knowledge base and its posterior."""

    index: int
    disease_id: str
    label: str
    probability: float
    orphan: bool
    source: str
    xrefs: list[str]
    twin: tuple[str, float] | None = None  # (the twin id merged in, its share of this probability)

    def as_dict(self) -> dict:
        """The row as JSON (the index left out; a merged twin as `also_described_as`)."""
        row = {
            "disease_id": self.disease_id,
            "label": self.label,
            "probability": self.probability,
            "orphan": self.orphan,
            "source": self.source,
            "xrefs": self.xrefs,
        }
        if self.twin is not None:
            row["also_described_as"] = {"disease_id": self.twin[0], "share": self.twin[1]}
        return row


@dataclass
class Diagnosis:
    """The answer to one query: the top of the ranking, the probability of a disease not in the knowledge
    base, the full log posterior, and what explanations and next questions reuse."""

    ranking: list[RankedDisease]
    other_probability: float
    used: list[Finding]  # findings that entered the score
    implied: dict[str, str]  # observed term dropped -> the more specific observed term implying it
    warnings: list[str]
    notes: list[str]
    log_posterior: np.ndarray = field(repr=False)  # over diseases (candidates; -inf elsewhere)
    log_other: float = 0.0
    context: str = "primary-care"  # the clinical context the findings were scored in
    dont_miss: list[DontMiss] = field(default_factory=list)  # time-critical diagnoses above the threshold
    # per scored finding: (log P(finding | disease) for all diseases, under "other"), computed once and
    # shared with explanations and next questions
    likelihoods: list[tuple[np.ndarray, float]] = field(default_factory=list, repr=False)
    # log P(age, sex, onset, duration | disease) the posterior used (the explanations' prior weights reuse it)
    log_demographics: np.ndarray | None = field(default=None, repr=False)


TWIN_PREFERENCE = {"curated": 0, "OMIM": 1, "ORPHA": 2}
DONT_MISS_SHOWN = 5  # the don't-miss block lists at most this many


@dataclass(frozen=True)
class TwinGroups:
    """Diseases described more than once: OMIM/ORPHA twins (knowledge/twins.py) and curated common diseases
    that are an HPO disease (dx:sameDiseaseAs), two or three entries of one disease. `members` lists each
    group's entries in order of preference (curated, OMIM, ORPHA), `starts` where each group begins and
    `group` the group of each member."""

    members: np.ndarray
    starts: np.ndarray
    group: np.ndarray

    def __len__(self) -> int:
        return len(self.starts)

    def span(self, g: int) -> range:
        """Positions in `members` of group g's entries."""
        return range(self.starts[g], self.starts[g + 1] if g + 1 < len(self.starts) else len(self.members))

    def others(self, index: int) -> list[int]:
        """The other entries of the disease at `index` (none when it is described once)."""
        where = np.flatnonzero(self.members == index)
        if not len(where):
            return []
        return [int(self.members[k]) for k in self.span(self.group[where[0]]) if self.members[k] != index]


def twin_groups(kb: KnowledgeBase) -> TwinGroups:
    """The twin groups recorded by the knowledge-base build (each entry's "twin" links it to another)."""
    parent = list(range(len(kb.disease_ids)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    linked = set()
    for i, info in enumerate(kb.disease_info):
        j = kb.disease_index.get(info.get("twin", ""))
        if j is not None and j != i:
            parent[root(i)] = root(j)
            linked.update((i, j))
    groups: dict[int, list[int]] = {}
    for i in sorted(linked):
        groups.setdefault(root(i), []).append(i)
    ordered = [
        sorted(g, key=lambda k: (TWIN_PREFERENCE.get(kb.disease_source[k], 3), k))
        for g in sorted(groups.values(), key=min)
    ]
    members = np.asarray([m for g in ordered for m in g], dtype=np.int64)
    sizes = np.asarray([len(g) for g in ordered], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64) if len(sizes) else sizes
    return TwinGroups(members, starts, np.repeat(np.arange(len(sizes)), sizes))


NEAR = (3.0, 5.0, 8.0, 12.0)  # nats: the values within this of the largest are looked at first
NEAR_MAX = 4096  # more of them than this: the plain partial sort over all values


def top_indices(values: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest values, largest first (partial sort: O(n)). The answer of a partial sort
    over all values, found among the values near the largest when that decides it (the k largest are
    there, strictly above the next one and all distinct: no tie for an implementation to break)."""
    k = min(k, len(values))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    largest = values.max()
    for width in NEAR:
        near = np.flatnonzero(values >= largest - width)
        if len(near) > k:
            break
    if k < len(near) <= NEAR_MAX:
        sub = values[near]
        part = np.argpartition(-sub, k)
        head = part[:k][np.argsort(-sub[part[:k]], kind="stable")]
        best = sub[head]
        if best[-1] > sub[part[k]] and bool(np.all(best[:-1] > best[1:])):
            return near[head]
    part = np.argpartition(-values, k - 1)[:k]
    return part[np.argsort(-values[part], kind="stable")]


class Diagnoser:
    """A compiled network plus priors; `diagnose(evidence)` returns the posterior over all diseases."""

    def __init__(
        self,
        kb: KnowledgeBase,
        params: ModelParams | None = None,
        network: Network | None = None,
        prevalence: np.ndarray | None = None,
        cache_terms: int = 4000,
    ) -> None:
        self.kb = kb
        self.params = params or ModelParams()
        self.network = network or compile_network(kb, self.params)
        self.cache = LikelihoodCache(self.network, max_terms=cache_terms)
        self.prevalence = prevalence if prevalence is not None else base_prevalence(kb, self.params)
        self.demographics = Demographics.from_kb(kb)
        self._priors: dict[str, np.ndarray] = {}
        self._source_masks: dict[tuple[str, ...], np.ndarray] = {}
        self.twins = twin_groups(kb)
        self.dont_miss_mask = dont_miss_mask(kb)
        self.model_version = "literature-only"
        self.table: LikelihoodTable | None = None  # the most used terms' columns (term_table.py)
        self._sensitivities: dict[str, np.ndarray] = {}  # per context: minus the report sensitivities
        self._courses: dict[float, CourseTable] = {}  # per mismatch factor: the duration factors
        self.risk = RiskTable.from_kb(kb.term_info, kb.disease_info)  # the risk factors' likelihood ratios
        self.onsets = OnsetTable.from_info(kb.disease_info)  # a sudden or gradual start's likelihood ratios

    def patient_log_likelihood(self, evidence: Evidence, course: np.ndarray | None = None) -> np.ndarray:
        """log P(age, sex, onset, duration of the complaint, risk factors | disease), up to a constant
        (`course`: the duration's and risk factors' log factors, when already computed)."""
        out = self.demographics.log_likelihood(self.params, evidence.age_years, evidence.sex, evidence.onset)
        extra = self.course_and_risk(evidence) if course is None else course
        return out if extra is None else out + extra

    def course_and_risk(self, evidence: Evidence) -> np.ndarray | None:
        """The log factors of the complaint's duration and start and the patient's risk factors (None when
        none is known): what the don't-miss block's cautious posterior does not hold against a disease."""
        stated = evidence.risk_factors or evidence.family_history or evidence.complaint_onset
        if evidence.duration_days is None and not stated:
            return None
        out = np.zeros(len(self.kb.disease_ids))
        if evidence.duration_days is not None:
            out += self.course.log_ratio(evidence.duration_days)
        out += self.onsets.log_ratio(evidence.complaint_onset)
        return out + self.risk.log_ratio(evidence.risk_factors, self.family_rows(evidence))

    def family_rows(self, evidence: Evidence) -> list[int]:
        """The rows of the diseases named in the family history."""
        return [self.kb.disease_index[d] for d in evidence.family_history if d in self.kb.disease_index]

    @property
    def course(self) -> CourseTable:
        """The duration factors under the current parameters (inference/course.py)."""
        mismatch = self.params.course_mismatch_factor
        if mismatch not in self._courses:
            self._courses[mismatch] = CourseTable.from_info(self.kb.disease_info, mismatch)
        return self._courses[mismatch]

    # ---- pieces ----------------------------------------------------------------------------------
    def log_prior(self, context: str) -> np.ndarray:
        """The log prior over diseases in a clinical context (computed once per context)."""
        if context not in self._priors:
            self._priors[context] = context_log_prior(self.kb, self.params, context, self.prevalence)
        return self._priors[context]

    def candidate_mask(self, sources: tuple[str, ...] | None) -> np.ndarray | None:
        """Per disease: whether its source (OMIM, ORPHA, curated...) is one of `sources`; None: all are."""
        if not sources:
            return None
        key = tuple(sorted(s.upper() if s.lower() != "curated" else "curated" for s in sources))
        if key not in self._source_masks:
            self._source_masks[key] = np.asarray([s in key for s in self.kb.disease_source])
        return self._source_masks[key]

    def scored_findings(self, evidence: Evidence) -> tuple[list[Finding], dict[str, str]]:
        """The findings that enter the product; observed terms implied by a more specific one are dropped."""
        if not self.params.drop_implied:
            return list(evidence.findings), {}
        index = self.kb.term_index
        observed = [f for f in evidence.findings if f.present]
        implied: dict[str, str] = {}
        for finding in observed:
            ancestors_of = self.kb.ancestor_sets
            for other in observed:
                if other.term != finding.term and index[finding.term] in ancestors_of[index[other.term]]:
                    implied[finding.term] = other.term
                    break
        return [f for f in evidence.findings if f.term not in implied], implied

    def finding_log_likelihood(
        self, finding: Finding, context: str = "rare-disease-clinic"
    ) -> tuple[np.ndarray, float]:
        """log P(finding | disease) for all diseases, and under 'not in the knowledge base' (an absence
        counts by the context's report sensitivity)."""
        term = self.kb.term_index[finding.term]
        if context in self.params.fitted_contexts:
            return self.fitted.finding_log_likelihood(finding, term)
        weight = SEVERITY_WEIGHT[finding.severity]
        row = self.table.row(term) if self.table is not None else -1
        if row >= 0:
            disease_ll, other_ll = self._tabled_log_likelihood(finding.present, term, row, context)
        else:
            columns = self.cache.columns(term)
            if finding.present:
                disease_ll, other_ll = columns.log_present(self.network), columns.log_present_other()
            else:
                disease_ll = columns.log_absent(self.network, context)
                other_ll = columns.log_absent_other(self.network, context)
        if weight == 1.0:
            return disease_ll, other_ll
        return weight * disease_ll, weight * other_ll

    def recalibrate(
        self, log_post: np.ndarray, log_other: float, context: str = "rare-disease-clinic"
    ) -> tuple[np.ndarray, float]:
        """Platt-rescale the top-1 probability from its logit and its margin over the runner-up; the other
        diseases keep their proportions below it (`rest_factor`), so the ranking is unchanged and everything
        still sums to 1."""
        p = self.params
        calibration = p.calibration_for(context)
        if calibration == IDENTITY:
            return log_post, log_other
        top, second = calibration_features(log_post)
        if not 0.0 < top < 1.0:
            return log_post, log_other
        calibrated = float(recalibrate_top1(np.asarray([top]), np.asarray([second]), calibration)[0])
        factor = rest_factor(top, second, calibrated)
        rest = max(1.0 - top - float(np.exp(log_other)), 0.0)  # the other diseases' mass
        best = int(np.argmax(log_post))
        log_post = log_post + np.log(factor)
        log_post[best] = np.log(calibrated)
        other = max(1.0 - calibrated - factor * rest, 1e-300)
        return log_post, float(np.log(other))

    def merge_twins(
        self, log_post: np.ndarray, mask: np.ndarray | None
    ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
        """A disease described two or three times is one disease: its posteriors are summed onto the entry
        that is a candidate (the curated one, else OMIM, when several are; the others are in its xrefs).
        Also returns the kept entry of each group and each member's share of its group's sum."""
        twins = self.twins
        if not self.params.merge_twins or not len(twins):
            return log_post, None
        members, starts = twins.members, twins.starts
        values = log_post[members]
        position = np.arange(len(members))
        candidate = np.ones(len(members), dtype=bool) if mask is None else mask[members]
        best = np.minimum.reduceat(np.where(candidate, position, position + len(members)), starts)
        keep = members[best % len(members)]
        merged = np.logaddexp.reduceat(values, starts)
        with np.errstate(invalid="ignore"):
            share = np.where(np.isfinite(merged[twins.group]), np.exp(values - merged[twins.group]), 0.0)
        log_post = log_post.copy()
        log_post[members] = -np.inf
        log_post[keep] = merged
        return log_post, (keep, share)

    def unreported_log_likelihood(self, findings: list[Finding], context: str | None = None) -> np.ndarray:
        """log P(the disease's other annotated features went unreported): each present feature would have
        been reported with probability `unreported_rate`; features under a reported finding are excluded."""
        net = self.network
        if not findings:
            return np.zeros(len(self.kb.disease_ids))
        terms = np.asarray([self.kb.term_index[f.term] for f in findings], dtype=np.int64)
        result = minus_columns(net.unreported_total, net.unreported_log, terms)
        result = np.minimum(result, 0.0) if self.params.unreported_rate > 0 else np.zeros_like(result)
        if context in self.params.fitted_contexts:
            return self.fitted.unreported_log_likelihood(terms, result)
        return result

    def _tabled_log_likelihood(
        self, present: bool, term: int, row: int, context: str
    ) -> tuple[np.ndarray, float]:
        """The literature rule's columns read from the table (what TermColumns would give)."""
        assert self.table is not None
        log_present = self.table.lit_log_present[row]
        if present:
            return log_present, float(self.table.lit_other[row])
        if context not in self._sensitivities:  # (negated once: the product is the same)
            self._sensitivities[context] = -exclusion_sensitivities(self.network, context)
        disease_ll = np.exp(log_present, dtype=np.float64)
        disease_ll *= self._sensitivities[context]
        np.log1p(disease_ll, out=disease_ll)
        other = consult_or_rare_sensitivity(self.params, context) * float(self.network.term_background[term])
        return disease_ll, float(np.log(1.0 - other))

    def attach_table(self, table: LikelihoodTable | None) -> None:
        """Read the likelihood columns of the terms `table` holds from it (None: compute them all)."""
        self.table = table
        self.cache.tabled = None if table is None else table.slot >= 0
        if self.__dict__.get("_fitted") is not None:
            self._fitted.table = table

    @property
    def fitted(self) -> FittedLikelihood:
        """The fitted likelihood (inference/fitted.py), built on first use in a fitted context."""
        if self.__dict__.get("_fitted") is None:
            self._fitted = FittedLikelihood(self.network, self.cache, self.params)
            self._fitted.table = self.table
        return self._fitted

    # ---- the query -------------------------------------------------------------------------------
    def diagnose(
        self,
        evidence: Evidence,
        top: int = 10,
        sources: tuple[str, ...] | None = None,
        recalibrate: bool = True,
    ) -> Diagnosis:
        """The posterior over all diseases (and "other") given the evidence; `recalibrate=False` keeps the
        raw top-1 probability (evaluations apply the recalibration themselves)."""
        findings, implied = self.scored_findings(evidence)
        tau = self.params.temperature
        total = np.zeros(len(self.kb.disease_ids))
        total_other = 0.0
        likelihoods = []
        for finding in findings:
            disease_ll, other_ll = self.finding_log_likelihood(finding, evidence.context)
            likelihoods.append((disease_ll, other_ll))
            total += disease_ll
            total_other += other_ll
        total += self.unreported_log_likelihood(findings, evidence.context)
        log_post = self.log_prior(evidence.context) + tau * total
        course = self.course_and_risk(evidence)
        demographics = self.patient_log_likelihood(evidence, course)
        log_post += demographics
        log_other = np.log(self.params.other_prior) + tau * total_other
        mask = self.candidate_mask(sources)
        log_post, merged = self.merge_twins(log_post, mask)
        if mask is not None:
            log_post = np.where(mask, log_post, -np.inf)
        peak = max(float(log_post.max()), log_other)
        norm = peak + np.log(np.exp(log_post - peak).sum() + np.exp(log_other - peak))
        log_post = log_post - norm
        log_other -= norm
        if recalibrate:
            log_post, log_other = self.recalibrate(log_post, log_other, evidence.context)
        order = top_indices(log_post, top)
        notes = []
        if not findings:
            notes.append("no findings given: these are the prior probabilities for the context")
        twins = self._twin_shares(merged, order)
        ranking = [
            self._ranked(int(i), float(np.exp(log_post[i])), twins.get(int(i)))
            for i in order
            if np.isfinite(log_post[i])
        ]
        return Diagnosis(
            ranking,
            float(np.exp(log_other)),
            findings,
            implied,
            list(evidence.warnings),
            notes,
            log_post,
            float(log_other),
            evidence.context,
            dont_miss=self.dont_miss(log_post, findings, likelihoods, course),
            likelihoods=likelihoods,
            log_demographics=demographics,
        )

    def dont_miss(
        self,
        log_post: np.ndarray,
        findings: list[Finding],
        likelihoods: list[tuple[np.ndarray, float]],
        course: np.ndarray | None = None,
    ) -> list[DontMiss]:
        """The time-critical diagnoses whose cautious posterior reaches the threshold, each with the present
        findings that raise it above a disease outside the knowledge base (strongest first); a disease no
        present finding raises is not flagged (its baseline risk alone is not a reason to look). `course`: the
        duration's log factors, which the cautious posterior does not hold against them."""
        present = [ll for finding, ll in zip(findings, likelihoods, strict=True) if finding.present]
        cautious = cautious_log_posterior(log_post, present, self.dont_miss_mask, course)
        out = []
        threshold = self.params.dont_miss_threshold
        for index, probability, safe, rank in flagged(log_post, cautious, threshold, 50):
            if len(out) == DONT_MISS_SHOWN:
                break
            effects = [
                (float(disease_ll[index] - other_ll), finding.term)
                for finding, (disease_ll, other_ll) in zip(findings, likelihoods, strict=True)
                if finding.present and disease_ll[index] > other_ll
            ]
            supporting = [term for _, term in sorted(effects, reverse=True)]
            if not supporting:
                continue
            citation = self.kb.disease_info[index]["dont_miss"]
            out.append(
                DontMiss(index, self.kb.disease_ids[index], probability, safe, rank, citation, supporting)
            )
        return out

    def _twin_shares(
        self, merged: tuple[np.ndarray, np.ndarray] | None, order: np.ndarray
    ) -> dict[int, tuple[str, float]]:
        """For the ranked entries that absorbed a twin: (the largest other entry's id, its share of the
        entry's probability)."""
        if merged is None:
            return {}
        keep, share = merged
        twins, ids = self.twins, self.kb.disease_ids
        slot = np.full(len(ids), -1)
        slot[keep] = np.arange(len(keep))
        out = {}
        for i in order:
            g = slot[i]
            if g < 0:
                continue
            others = [(float(share[k]), int(twins.members[k])) for k in twins.span(g)]
            others = [(v, m) for v, m in others if m != i and v > 0]
            if others:
                value, member = max(others)
                out[int(i)] = (ids[member], value)
        return out

    def _ranked(self, index: int, probability: float, twin: tuple[str, float] | None = None) -> RankedDisease:
        kb = self.kb
        return RankedDisease(
            index,
            kb.disease_ids[index],
            kb.disease_names[index],
            probability,
            bool(kb.disease_orphan[index]),
            kb.disease_source[index],
            list(kb.disease_info[index].get("xrefs", [])),
            twin,
        )
