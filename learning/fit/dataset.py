"""The fitting data: for each case, its candidate diseases and every finding's match features against them.

Candidates are the case's top diseases under the current engine plus the top diseases by information-content
similarity plus the true diseases; OMIM/ORPHA twins are kept as two entries of one slot (their posteriors
are summed, as the engine does). Priors and age/sex/onset terms are fixed offsets: the fitter does not move
them. Curated common diseases are never refitted: their evidence is the engine's, stored as a fixed term.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from tqdm import tqdm

from inference.engine import Diagnoser, top_indices
from inference.evaluation import EvalCase
from inference.evidence import SEVERITY_WEIGHT
from inference.matches import MatchSource, strength_moments
from inference.similarity import expected_similarity, resnik_similarity

__all__ = ["MOMENTS", "FitData", "build_dataset", "concat"]

MOMENTS = 8  # orders of the unreported-feature expansion (exact to < 1e-4 per annotation for r <= 0.5)
FEATURES = ("self_f", "below", "anc_f", "anc_ratio", "rel_f", "rel_ratio", "sim")


@dataclass
class FitData:
    """Flat arrays: cases -> slots (candidate diagnoses) -> entries (diseases) -> finding x entry rows."""

    case_ids: list[str]
    n_cases: int
    slot_case: np.ndarray  # per slot: its case
    slot_truth: np.ndarray  # per slot: bool, a true diagnosis
    entry_slot: np.ndarray  # per entry: its slot
    entry_disease: np.ndarray  # per entry: disease index
    entry_offset: np.ndarray  # log prior + log P(age, sex, onset | disease)
    entry_fixed: np.ndarray  # bool: curated disease, evidence fixed at the engine's value
    entry_fixed_ll: np.ndarray  # its summed log likelihood (findings + unreported)
    entry_n_ann: np.ndarray  # annotations of the disease (annotation completeness)
    entry_moments: np.ndarray  # entries x MOMENTS: untouched-annotation strength moments (engine's rule)
    row_entry: np.ndarray  # per finding x entry row: its entry
    row_finding: np.ndarray  # per row: its finding (index into the finding arrays)
    features: dict[str, np.ndarray]  # per row: FEATURES (float32) and "negated" (bool)
    finding_case: np.ndarray  # per finding: its case
    finding_present: np.ndarray
    finding_weight: np.ndarray  # severity weight
    finding_background: np.ndarray  # p(q)
    finding_ic: np.ndarray  # -log p(q)
    finding_sim_other: np.ndarray  # expected similarity of q to a disease (the "other" reference)
    case_other_prior: float = 0.05
    info: dict = field(default_factory=dict)

    def subset(self, keep_cases: np.ndarray) -> FitData:
        """The data of the cases where keep_cases is true (renumbered)."""
        case_map = np.full(self.n_cases, -1)
        case_map[keep_cases] = np.arange(int(keep_cases.sum()))
        slot_keep = keep_cases[self.slot_case]
        slot_map = np.full(len(self.slot_case), -1)
        slot_map[slot_keep] = np.arange(int(slot_keep.sum()))
        entry_keep = slot_keep[self.entry_slot]
        entry_map = np.full(len(self.entry_slot), -1)
        entry_map[entry_keep] = np.arange(int(entry_keep.sum()))
        finding_keep = keep_cases[self.finding_case]
        finding_map = np.full(len(self.finding_case), -1)
        finding_map[finding_keep] = np.arange(int(finding_keep.sum()))
        row_keep = entry_keep[self.row_entry]
        return FitData(
            [c for c, k in zip(self.case_ids, keep_cases, strict=True) if k],
            int(keep_cases.sum()),
            case_map[self.slot_case[slot_keep]],
            self.slot_truth[slot_keep],
            slot_map[self.entry_slot[entry_keep]],
            self.entry_disease[entry_keep],
            self.entry_offset[entry_keep],
            self.entry_fixed[entry_keep],
            self.entry_fixed_ll[entry_keep],
            self.entry_n_ann[entry_keep],
            self.entry_moments[entry_keep],
            entry_map[self.row_entry[row_keep]],
            finding_map[self.row_finding[row_keep]],
            {k: v[row_keep] for k, v in self.features.items()},
            case_map[self.finding_case[finding_keep]],
            self.finding_present[finding_keep],
            self.finding_weight[finding_keep],
            self.finding_background[finding_keep],
            self.finding_ic[finding_keep],
            self.finding_sim_other[finding_keep],
            self.case_other_prior,
            dict(self.info),
        )


def twin_partners(diagnoser: Diagnoser) -> dict[int, list[int]]:
    """Each twin's other entries (the disease described two or three times)."""
    twins = diagnoser.twins
    return {int(m): twins.others(int(m)) for m in twins.members}


def build_dataset(
    diagnoser: Diagnoser,
    cases: list[EvalCase],
    sources: tuple[str, ...] | None = ("OMIM",),
    top: int = 60,
    sim_top: int = 30,
    progress: bool = False,
) -> FitData:
    """Candidates and match features of every case (cases whose truth the candidates lack are kept: they
    count as misses in rankings but are left out of the fitted objective)."""
    kb, net = diagnoser.kb, diagnoser.network
    if any(c.evidence.context in diagnoser.params.fitted_contexts for c in cases):
        raise ValueError("build the fit data with the plain likelihood (fitted_contexts without the cases')")
    source = MatchSource(net)
    mask = diagnoser.candidate_mask(sources)
    partner = twin_partners(diagnoser)
    annotated = np.diff(net.ann_ptr) > 0
    n_ann = np.diff(net.ann_ptr).astype(np.float64)

    per_case = []
    terms_needed: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for number, case in enumerate(tqdm(cases, desc="engine pass", disable=not progress, leave=False)):
        findings, _ = diagnoser.scored_findings(case.evidence)
        diagnosis = diagnoser.diagnose(case.evidence, top=1, sources=sources, recalibrate=False)
        evidence = case.evidence
        offset = diagnoser.log_prior(evidence.context) + diagnoser.demographics.log_likelihood(
            diagnoser.params, evidence.age_years, evidence.sex, evidence.onset
        )
        per_case.append((findings, top_indices(diagnosis.log_posterior, top), offset))
        for position, finding in enumerate(findings):
            terms_needed[kb.term_index[finding.term]].append((number, position))

    sims: dict[int, np.ndarray] = {}
    sim_score = [np.zeros(net.n_diseases, dtype=np.float32) for _ in cases]
    for term, uses in tqdm(terms_needed.items(), desc="similarity", disable=not progress, leave=False):
        sim = resnik_similarity(net, term)
        sims[term] = expected_similarity(net, sim)
        for number, position in uses:
            if per_case[number][0][position].present:
                sim_score[number] += sim

    slot_case, slot_truth, entry_slot, entry_disease, entry_offset = [], [], [], [], []
    case_entries: list[np.ndarray] = []
    for number, case in enumerate(cases):
        findings, best, offset = per_case[number]
        score = sim_score[number]
        if mask is not None:
            score = np.where(mask & annotated, score, -1.0)
        else:
            score = np.where(annotated, score, -1.0)
        truths = [kb.disease_index[t] for t in case.truths if t in kb.disease_index]
        truths = [t for t in truths if mask is None or mask[t]]
        slots = list(dict.fromkeys([*best.tolist(), *top_indices(score, sim_top).tolist(), *truths]))
        if mask is not None:
            slots = [s for s in slots if mask[s]]
        entries = []
        for slot in slots:
            slot_id = len(slot_case)
            slot_case.append(number)
            slot_truth.append(slot in truths)
            members = [slot] + (partner.get(slot, []) if diagnoser.params.merge_twins else [])
            for disease in members:
                entry_slot.append(slot_id)
                entry_disease.append(disease)
                entry_offset.append(offset[disease])
                entries.append(disease)
        case_entries.append(np.asarray(entries, dtype=np.int64))
        sim_score[number] = None  # free memory

    entry_disease_arr = np.asarray(entry_disease, dtype=np.int64)
    fixed = net.curated[entry_disease_arr]
    fixed_ll = np.zeros(len(entry_disease_arr))
    entry_start = np.concatenate([[0], np.cumsum([len(e) for e in case_entries])])

    # rows: per case, findings x entries, finding-major
    finding_case, finding_present, finding_weight, finding_bg, finding_ic, finding_sim = (
        [],
        [],
        [],
        [],
        [],
        [],
    )
    row_base, finding_base = [], []
    total_rows = 0
    for number, (findings, _, _) in enumerate(per_case):
        finding_base.append(len(finding_case))
        row_base.append(total_rows)
        total_rows += len(findings) * len(case_entries[number])
        for finding in findings:
            term = kb.term_index[finding.term]
            finding_case.append(number)
            finding_present.append(finding.present)
            finding_weight.append(SEVERITY_WEIGHT[finding.severity])
            finding_bg.append(net.term_background[term])
            finding_ic.append(net.information_content[term])
            finding_sim.append(sims[term])
    features = {name: np.zeros(total_rows, dtype=np.float32) for name in FEATURES}
    features["negated"] = np.zeros(total_rows, dtype=bool)
    row_entry = np.zeros(total_rows, dtype=np.int64)
    row_finding = np.zeros(total_rows, dtype=np.int64)
    for number, (findings, _, _) in enumerate(per_case):
        n_e = len(case_entries[number])
        for position in range(len(findings)):
            start = row_base[number] + position * n_e
            row_entry[start : start + n_e] = entry_start[number] + np.arange(n_e)
            row_finding[start : start + n_e] = finding_base[number] + position

    moments_mats = strength_moments(net, MOMENTS)
    moments = np.zeros((len(entry_disease_arr), MOMENTS))
    for k in range(MOMENTS):
        per_disease = np.bincount(
            net.ann_disease, weights=net.ann_strength ** (k + 1), minlength=net.n_diseases
        )
        moments[:, k] = per_disease[entry_disease_arr]
    for term, uses in tqdm(terms_needed.items(), desc="match features", disable=not progress, leave=False):
        matches = source.term(term)
        touched = np.stack([_dense_column(m, term) for m in moments_mats], axis=1)
        for number, position in uses:
            entries = case_entries[number]
            start = row_base[number] + position * len(entries)
            for name in (*FEATURES, "negated"):
                features[name][start : start + len(entries)] = getattr(matches, name)[entries]
            moments[entry_start[number] : entry_start[number + 1]] -= touched[entries]

    for number, (findings, _, _) in enumerate(per_case):
        entries = case_entries[number]
        local_fixed = np.flatnonzero(fixed[entry_start[number] : entry_start[number + 1]])
        if not findings or not len(local_fixed):
            continue
        unreported = diagnoser.unreported_log_likelihood(findings)
        lls = [diagnoser.finding_log_likelihood(f, cases[number].evidence.context)[0] for f in findings]
        for local in local_fixed.tolist():
            disease = int(entries[local])
            fixed_ll[entry_start[number] + local] = unreported[disease] + sum(ll[disease] for ll in lls)

    return FitData(
        [c.case_id for c in cases],
        len(cases),
        np.asarray(slot_case, dtype=np.int64),
        np.asarray(slot_truth, dtype=bool),
        np.asarray(entry_slot, dtype=np.int64),
        entry_disease_arr,
        np.asarray(entry_offset, dtype=np.float64),
        fixed,
        fixed_ll,
        n_ann[entry_disease_arr],
        moments,
        row_entry,
        row_finding,
        features,
        np.asarray(finding_case, dtype=np.int64),
        np.asarray(finding_present, dtype=bool),
        np.asarray(finding_weight, dtype=np.float64),
        np.asarray(finding_bg, dtype=np.float64),
        np.asarray(finding_ic, dtype=np.float64),
        np.asarray(finding_sim, dtype=np.float64),
        diagnoser.params.other_prior,
        {"top": top, "sim_top": sim_top, "sources": list(sources or [])},
    )


def _dense_column(matrix, term: int) -> np.ndarray:
    """One sparse column as a dense array over diseases."""
    start, end = matrix.indptr[term], matrix.indptr[term + 1]
    dense = np.zeros(matrix.shape[0])
    dense[matrix.indices[start:end]] = matrix.data[start:end]
    return dense


def concat(datasets: list[FitData]) -> FitData:
    """One FitData of several (cases renumbered in order; disease indices keep each set's own network)."""
    cases = np.cumsum([0] + [d.n_cases for d in datasets])
    slots = np.cumsum([0] + [len(d.slot_case) for d in datasets])
    entries = np.cumsum([0] + [len(d.entry_slot) for d in datasets])
    findings = np.cumsum([0] + [len(d.finding_case) for d in datasets])

    def join(name: str, shift: np.ndarray | None = None) -> np.ndarray:
        parts = [getattr(d, name) + (shift[i] if shift is not None else 0) for i, d in enumerate(datasets)]
        return np.concatenate(parts)

    return FitData(
        [c for d in datasets for c in d.case_ids],
        int(cases[-1]),
        join("slot_case", cases),
        join("slot_truth"),
        join("entry_slot", slots),
        join("entry_disease"),
        join("entry_offset"),
        join("entry_fixed"),
        join("entry_fixed_ll"),
        join("entry_n_ann"),
        np.concatenate([d.entry_moments for d in datasets]),
        join("row_entry", entries),
        join("row_finding", findings),
        {k: np.concatenate([d.features[k] for d in datasets]) for k in datasets[0].features},
        join("finding_case", cases),
        join("finding_present"),
        join("finding_weight"),
        join("finding_background"),
        join("finding_ic"),
        join("finding_sim_other"),
        datasets[0].case_other_prior,
        {"parts": [d.info for d in datasets]},
    )
