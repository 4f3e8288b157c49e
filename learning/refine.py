"""Refine the network from patient counts: literature frequencies are Beta priors, patient counts the data."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from inference.network import Network

__all__ = ["LearningParams", "Refinement", "refine"]


@dataclass(frozen=True)
class LearningParams:
    """The settings of the Beta refinement of link strengths with the literature as prior."""

    equivalent_sample_size: float = 5.0  # weight of a literature frequency without its own n/m
    use_annotation_counts: bool = True  # an n/m annotation carries m as its own sample size
    prior_pseudocount: float = 3.0  # disease prior multiplier = (cases + a) / a
    min_cases: int = 1  # diseases with fewer training cases keep literature parameters
    data_only_sample_size: float = 1.0  # prior weight (toward 0) of a finding the literature never links
    scoring_refit_parts: int = 4  # rare-clinic scoring refitted on learned networks by cross-fitting; 0: off


@dataclass
class Refinement:
    """Data-refined strengths (disease id, term id, strength), new diseases and prior multipliers."""

    link_disease: list[str]
    link_term: list[str]
    link_strength: list[float]
    new_diseases: dict[str, str]
    prior_multiplier: dict[str, float]
    cases_per_disease: dict[str, int]


def literature_table(network: Network) -> pd.DataFrame:
    """Literature strengths per (disease, term) with the sample size each carries."""
    kb = network.kb
    counts = pd.DataFrame({"disease": kb.link_disease, "term": kb.link_term, "m": kb.link_m})
    counts = counts[~kb.link_negated].groupby(["disease", "term"], as_index=False)["m"].max()
    table = pd.DataFrame(
        {"disease": network.ann_disease, "term": network.ann_term, "strength": network.ann_strength}
    )
    return table.merge(counts, on=["disease", "term"], how="left").fillna({"m": -1})


def refine(
    network: Network,
    case_counts: pd.DataFrame,
    present_counts: pd.DataFrame,
    disease_labels: dict[str, str],
    params: LearningParams | None = None,
) -> Refinement:
    """case_counts: disease_id, n_cases. present_counts: disease_id, term_id, n_present, n_exact, where
    n_present counts the disease's cases showing the term or any of its subtypes (the true-path rule) and
    n_exact those recording the term itself; links are kept for literature terms and recorded terms."""
    params = params or LearningParams()
    kb = network.kb
    cases = case_counts[case_counts["n_cases"] >= params.min_cases]
    n_cases = dict(zip(cases["disease_id"], cases["n_cases"].astype(int), strict=True))
    new = {d: disease_labels.get(d, d) for d in n_cases if d not in kb.disease_index}
    lit = literature_table(network)
    lit["disease_id"] = np.asarray(kb.disease_ids)[lit["disease"].to_numpy()]
    lit["term_id"] = np.asarray(kb.term_ids)[lit["term"].to_numpy()]
    lit = lit[lit["disease_id"].isin(n_cases)][["disease_id", "term_id", "strength", "m"]]
    present = present_counts[present_counts["disease_id"].isin(n_cases)]
    merged = lit.merge(present, on=["disease_id", "term_id"], how="outer")
    merged = merged[merged["strength"].notna() | (merged["n_exact"].fillna(0) > 0)]
    merged["strength"] = merged["strength"].fillna(0.0)
    merged = merged.reset_index(drop=True)
    merged["m"] = merged["m"].fillna(-1)
    merged["n_present"] = merged["n_present"].fillna(0)
    in_literature = merged["strength"].to_numpy() > 0
    alpha = np.where(in_literature, params.equivalent_sample_size, params.data_only_sample_size)
    if params.use_annotation_counts:
        alpha = np.where(merged["m"] > 0, np.maximum(merged["m"], 1.0), alpha)
    n = merged["disease_id"].map(n_cases).to_numpy(dtype=float)
    strength = (alpha * merged["strength"].to_numpy() + merged["n_present"].to_numpy()) / (alpha + n)
    multiplier = {d: (c + params.prior_pseudocount) / params.prior_pseudocount for d, c in n_cases.items()}
    return Refinement(
        merged["disease_id"].tolist(), merged["term_id"].tolist(), strength.tolist(), new, multiplier, n_cases
    )
