"""What is known of the patient besides the findings (habits, exposures, medicines, pregnancy, known
conditions, a family history) as evidence. A curated disease's relative risk RR for a factor held by a
share p of patients becomes the likelihood ratio P(factor | disease) / P(factor): RR / (1 + p (RR - 1)) for
a patient with the factor, 1 / (1 + p (RR - 1)) for one stated without it; diseases without a stated risk
are neutral, so each factor's effect on each disease is one number the explanation can show."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from inference.evidence import FAMILY_FACTOR

__all__ = ["FAMILY", "RiskFactor", "RiskTable", "likelihood_ratios", "risk_vocabulary"]

FAMILY = FAMILY_FACTOR  # applies only to the diseases named in the family history


@dataclass(frozen=True)
class RiskFactor:
    """One factor of the vocabulary (ontologies/risk_factors.ttl)."""

    id: str
    label: str
    label_es: str
    share: float  # of the adults seen in primary care who have it
    history_terms: tuple[str, ...]  # HPO terms whose mention in a past history is this factor


def risk_vocabulary(term_info: dict) -> dict[str, RiskFactor]:
    """The knowledge base's risk factors by id (empty for a knowledge base built without them)."""
    return {
        key: RiskFactor(
            key,
            value.get("label") or key,
            value.get("label_es") or value.get("label") or key,
            float(value.get("share") or 0.05),
            tuple(value.get("history_terms") or ()),
        )
        for key, value in (term_info.get("risk_factors") or {}).items()
    }


def likelihood_ratios(relative_risk: float, share: float) -> tuple[float, float]:
    """(with the factor, stated without it): P(factor | disease) / P(factor) and its complement's ratio."""
    spread = 1.0 + share * (relative_risk - 1.0)
    return relative_risk / spread, 1.0 / spread


@dataclass(frozen=True)
class RiskTable:
    """log likelihood ratios per disease and factor, with and without the factor (0 where none is stated)."""

    factors: dict[str, RiskFactor]
    columns: dict[str, int]
    with_factor: np.ndarray  # diseases x factors
    without_factor: np.ndarray

    @classmethod
    def from_kb(cls, term_info: dict, disease_info: list[dict]) -> RiskTable:
        """The table of every curated disease's stated relative risks."""
        factors = risk_vocabulary(term_info)
        columns = {key: col for col, key in enumerate(factors)}
        with_factor = np.zeros((len(disease_info), len(factors)), dtype=np.float32)  # (a few MB per worker)
        without_factor = np.zeros_like(with_factor)
        for row, info in enumerate(disease_info):
            for key, (relative_risk, _source) in (info.get("risk") or {}).items():
                if key in columns:
                    ratio, complement = likelihood_ratios(relative_risk, factors[key].share)
                    with_factor[row, columns[key]] = np.log(ratio)
                    without_factor[row, columns[key]] = np.log(complement)
        return cls(factors, columns, with_factor, without_factor)

    def _effects(
        self, risks: dict[str, bool], family: Iterable[int]
    ) -> Iterable[tuple[str, bool, np.ndarray]]:
        for key, present in risks.items():
            if key == FAMILY or key not in self.columns:
                continue
            column = self.columns[key]
            yield key, present, (self.with_factor if present else self.without_factor)[:, column]
        if FAMILY in self.columns:
            named = np.zeros(len(self.with_factor))
            rows = list(family)
            named[rows] = self.with_factor[rows, self.columns[FAMILY]]
            if rows:
                yield FAMILY, True, named

    def log_ratio(self, risks: dict[str, bool], family: Iterable[int] = ()) -> np.ndarray:
        """Each disease's summed log likelihood ratio for the patient's factors (`family`: the rows of the
        diseases named in the family history)."""
        out = np.zeros(len(self.with_factor))
        for _key, _present, column in self._effects(risks, family):
            out += column
        return out

    def explain(
        self, row: int, risks: dict[str, bool], family: Iterable[int] = ()
    ) -> list[tuple[str, bool, float]]:
        """(factor, present, log ratio) of the factors that move this disease, strongest first."""
        effects = [
            (key, present, float(column[row]))
            for key, present, column in self._effects(risks, family)
            if column[row] != 0.0
        ]
        return sorted(effects, key=lambda effect: -abs(effect[2]))
