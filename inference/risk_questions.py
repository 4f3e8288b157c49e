"""Risk factors worth asking about: the habits, exposures and known conditions not yet stated whose answer
would most reduce the differential's uncertainty ("Has he travelled abroad?" when malaria and influenza
compete), by the same expected information gain as the next findings to ask."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inference.engine import Diagnoser, Diagnosis, top_indices
from inference.evidence import FAMILY_FACTOR, MALE_ONLY_EXCLUDED, Evidence
from inference.questions import entropy_bits

__all__ = ["RiskQuestion", "risk_questions"]

FEMALE_ONLY = (*MALE_ONLY_EXCLUDED, "estrogen_use")  # not asked of a male patient
MIN_GAIN = 0.01  # bits: below this an answer would change nothing worth the question


@dataclass
class RiskQuestion:
    """A risk factor worth asking about: how much its answer is expected to tell, and how likely it is."""

    factor: str
    label: str
    label_es: str
    expected_information_gain: float  # bits
    probability_present: float


def risk_questions(
    diagnoser: Diagnoser, diagnosis: Diagnosis, evidence: Evidence, limit: int = 3, pool: int = 30
) -> list[RiskQuestion]:
    """The unstated factors with the largest expected information gain over the top `pool` diseases (the
    remaining mass as one outcome that has each factor at its population share)."""
    table = diagnoser.risk
    keys = [
        key
        for key in table.factors
        if key not in evidence.risk_factors
        and key != FAMILY_FACTOR
        and not (evidence.sex == "male" and key in FEMALE_ONLY)
    ]
    top = top_indices(diagnosis.log_posterior, pool)
    top = top[np.exp(diagnosis.log_posterior[top]) > 0]
    if not keys or top.size == 0 or limit <= 0:
        return []
    posterior = np.exp(diagnosis.log_posterior[top])
    probs = np.append(posterior, max(1.0 - float(posterior.sum()), 0.0))
    probs = probs / probs.sum()
    share = np.asarray([table.factors[key].share for key in keys])
    columns = [table.columns[key] for key in keys]
    # P(factor | disease) = share x its likelihood ratio (at most 1), for the pool and the rest
    present = np.minimum(share[None, :] * np.exp(table.with_factor[np.ix_(top, columns)]), 1.0)
    present = np.vstack([present, share[None, :]])
    p_yes = probs @ present
    post_yes = probs[:, None] * present
    post_no = probs[:, None] * (1.0 - present)
    with np.errstate(invalid="ignore", divide="ignore"):
        gain = (
            entropy_bits(probs[:, None])[0]
            - p_yes * entropy_bits(post_yes / post_yes.sum(axis=0))
            - (1 - p_yes) * entropy_bits(post_no / post_no.sum(axis=0))
        )
    gain = np.nan_to_num(gain)
    out = []
    for i in np.argsort(-gain, kind="stable")[:limit]:
        if gain[i] < MIN_GAIN:
            break
        factor = table.factors[keys[i]]
        out.append(RiskQuestion(factor.id, factor.label, factor.label_es, float(gain[i]), float(p_yes[i])))
    return out
