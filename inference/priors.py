"""Prior probability of each disease for a clinical context, and demographic (age, sex) likelihoods."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from inference.params import ModelParams
from knowledge.kb import KnowledgeBase

__all__ = ["ONSET_RANGE", "Demographics", "base_prevalence", "context_log_prior"]

CURATED_FALLBACK_PREVALENCE = 1e-4
RARE_CLINIC_RARE_SHARE = 0.9  # in a rare-disease clinic, 90% of the known-disease mass goes to rare diseases
# Onset terms of HPO (HP:0003674 branch) as age ranges in years, for the disease's and the patient's onset
ONSET_RANGE: dict[str, tuple[float, float]] = {
    "HP:0003674": (0, 130),  # Onset
    "HP:0034199": (0, 0),  # Embryonal onset
    "HP:0034197": (0, 0),  # Fetal onset (older label)
    "HP:0011461": (0, 0),  # Fetal onset
    "HP:0030674": (0, 0),  # Antenatal onset
    "HP:0003577": (0, 0),  # Congenital onset
    "HP:0003623": (0, 28 / 365.25),  # Neonatal onset
    "HP:0003593": (28 / 365.25, 1),  # Infantile onset
    "HP:0410280": (1, 16),  # Pediatric onset
    "HP:0011463": (1, 5),  # Childhood onset
    "HP:0003621": (5, 16),  # Juvenile onset
    "HP:0003581": (16, 130),  # Adult onset
    "HP:0011462": (16, 40),  # Young adult onset
    "HP:0025708": (16, 19),  # Early young adult onset
    "HP:0025709": (19, 25),  # Intermediate young adult onset
    "HP:0025710": (25, 40),  # Late young adult onset
    "HP:0003596": (40, 60),  # Middle age onset
    "HP:0003584": (60, 130),  # Late onset
}
ONSET_TOLERANCE_YEARS = 2.0  # onset is recalled and recorded loosely: only clear mismatches count
X_LINKED_RECESSIVE = "HP:0001419"


def base_prevalence(kb: KnowledgeBase, params: ModelParams) -> np.ndarray:
    """Each disease's prevalence, with the curated fallback for curated diseases of unknown prevalence and the
    parameters' rare-disease default for the rest."""
    prevalence = kb.disease_prevalence.copy()
    curated = np.asarray([s == "curated" for s in kb.disease_source])
    prevalence[np.isnan(prevalence) & curated] = CURATED_FALLBACK_PREVALENCE
    prevalence[np.isnan(prevalence)] = params.rare_default_prevalence
    return prevalence


CONSULTATION_CONTEXTS = ("primary-care", "emergency")


def consultation_weights(kb: KnowledgeBase, prevalence: np.ndarray) -> np.ndarray:
    """In a consultation, a curated disease's prior is how often it is the diagnosis of a visit
    (dx:consultationPrior, from SymCat's visit shares) where known: a chronic condition's point prevalence
    (tension-type headache 26%) overstates how often it is what brings a patient in."""
    weight = prevalence.copy()
    for index, info in enumerate(kb.disease_info):
        if info.get("consultation_prior") is not None:
            weight[index] = info["consultation_prior"]
    return weight


def consultation_mix(
    kb: KnowledgeBase, params: ModelParams, prevalence: np.ndarray | None = None
) -> np.ndarray:
    """Each disease's share of consultations before the setting factors: the tempered consultation priors
    (what a consulting patient is likely to have, whatever the setting)."""
    curated = np.asarray([s == "curated" for s in kb.disease_source])
    base = prevalence if prevalence is not None else base_prevalence(kb, params)
    return tempered(consultation_weights(kb, base), curated, params.consult_prior_exponent)


def tempered(weight: np.ndarray, selected: np.ndarray, exponent: float) -> np.ndarray:
    """The selected diseases' weights raised to `exponent` and rescaled to their former total: a flatter
    prior where the estimates are uncertain, without moving mass to or from the other diseases."""
    out = weight.copy()
    total = weight[selected].sum()
    if exponent == 1.0 or total <= 0:
        return out
    out[selected] = weight[selected] ** exponent
    out[selected] *= total / out[selected].sum()
    return out


def context_log_prior(
    kb: KnowledgeBase, params: ModelParams, context: str, prevalence: np.ndarray | None = None
) -> np.ndarray:
    """log prior per disease; the diseases share 1 - other_prior, the rest is 'not in the knowledge base'."""
    if context in CONSULTATION_CONTEXTS:
        weight = consultation_mix(kb, params, prevalence)
    else:
        weight = (prevalence if prevalence is not None else base_prevalence(kb, params)).copy()
    curated = np.asarray([s == "curated" for s in kb.disease_source])
    settings = [set(info.get("setting", [])) for info in kb.disease_info]
    if context == "emergency":
        weight *= np.asarray(
            [3.0 if "emergency" in s else 0.5 if c else 1.0 for s, c in zip(settings, curated, strict=True)]
        )
    elif context == "primary-care":
        weight *= np.asarray(
            [
                2.0 if "primary-care" in s else 0.5 if c else 1.0
                for s, c in zip(settings, curated, strict=True)
            ]
        )
    elif context == "rare-disease-clinic":
        rare = kb.disease_orphan
        common_mass, rare_mass = weight[~rare].sum(), weight[rare].sum()
        if common_mass > 0 and rare_mass > 0:
            weight[rare] *= RARE_CLINIC_RARE_SHARE / (1 - RARE_CLINIC_RARE_SHARE) * common_mass / rare_mass
    weight = weight / weight.sum() * (1.0 - params.other_prior)
    return np.log(weight)


@dataclass(frozen=True)
class Demographics:
    """Per-disease age range, earliest onset and sex pattern as arrays (NaN = no constraint)."""

    age_min: np.ndarray
    age_max: np.ndarray
    onset_min: np.ndarray
    onset_max: np.ndarray
    female_only: np.ndarray
    male_only: np.ndarray
    female_lean: np.ndarray  # female-predominant
    male_lean: np.ndarray  # male-predominant or X-linked recessive
    age_band_lower: np.ndarray  # lower bounds (years) of the age bands of age_odds
    age_odds: np.ndarray  # disease x band odds of the disease at that age (NaN = none given)
    male_odds: np.ndarray  # odds of the disease in men / women (NaN = none given)
    female_odds: np.ndarray

    @classmethod
    def from_kb(cls, kb: KnowledgeBase) -> Demographics:
        """The per-disease age, onset and sex arrays read from the knowledge base's disease information."""

        def values(key: str) -> np.ndarray:
            return np.asarray([np.nan if i.get(key) is None else float(i[key]) for i in kb.disease_info])

        ranges = [[ONSET_RANGE[t] for t in i.get("onset", []) if t in ONSET_RANGE] for i in kb.disease_info]
        onset_min = np.asarray([min((a for a, _ in r), default=np.nan) for r in ranges], dtype=float)
        onset_max = np.asarray([max((b for _, b in r), default=np.nan) for r in ranges], dtype=float)
        pattern = [i.get("sex_pattern") for i in kb.disease_info]
        xlr = np.asarray([X_LINKED_RECESSIVE in i.get("inheritance", []) for i in kb.disease_info])
        bands = sorted({lower for i in kb.disease_info for lower, _ in i.get("age_odds", [])})
        age_odds = np.full((len(kb.disease_info), len(bands)), np.nan)
        for row, info in enumerate(kb.disease_info):
            for lower, odds in info.get("age_odds", []):
                age_odds[row, bands.index(lower)] = odds
        sex_odds = [i.get("sex_odds") or {} for i in kb.disease_info]
        return cls(
            values("age_min"),
            values("age_max"),
            onset_min,
            onset_max,
            np.asarray([p == "female" for p in pattern]),
            np.asarray([p == "male" for p in pattern]),
            np.asarray([p == "female-predominant" for p in pattern]),
            np.asarray([p == "male-predominant" for p in pattern]) | xlr,
            np.asarray(bands, dtype=float),
            age_odds,
            np.asarray([o.get("male", np.nan) for o in sex_odds], dtype=float),
            np.asarray([o.get("female", np.nan) for o in sex_odds], dtype=float),
        )

    def log_likelihood(
        self,
        params: ModelParams,
        age: float | None,
        sex: str | None,
        onset: tuple[float, float] | None = None,
    ) -> np.ndarray:
        """log P(age, sex, onset | disease) up to a constant: a mismatched age range, onset or sex is
        penalised. `onset` is the patient's age range (years) when the disease began."""
        floor = params.demographic_odds_floor
        age_odds, male_odds, female_odds = self._log_odds(floor)
        out = np.zeros(len(self.age_min))
        if age is not None and len(self.age_band_lower):
            band = int(np.searchsorted(self.age_band_lower, age, side="right")) - 1
            if band >= 0:
                out += age_odds[band]
        if sex in ("male", "female"):
            out += male_odds if sex == "male" else female_odds
        if age is not None:
            lowest, highest = self._age_bounds
            outside = (age < lowest) | (age > highest)  # (NaN: no bound, never outside)
            np.add(out, np.log(params.age_mismatch_factor), out=out, where=outside)
        if onset is not None:
            early, late = onset
            first, last = self._onset_bounds
            mismatch = (late < first) | (early > last)
            np.add(out, np.log(params.onset_mismatch_factor), out=out, where=mismatch)
        if sex in ("male", "female"):
            only, lean = self._sex_mismatch[sex]
            out[only] += np.log(params.sex_mismatch_factor)
            out[lean] += np.log(0.5)
        return out

    def _log_odds(self, floor: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The age-band (bands x diseases), male and female log odds floored at `floor`, 0 where none is
        given: computed once per floor, since every diagnosis reads them."""
        cache = self.__dict__.setdefault("_log_odds_cache", {})
        if floor not in cache:

            def logs(odds: np.ndarray) -> np.ndarray:
                with np.errstate(invalid="ignore"):
                    return np.where(np.isnan(odds), 0.0, np.log(np.maximum(odds, floor)))

            cache[floor] = (
                np.ascontiguousarray(logs(self.age_odds).T),
                logs(self.male_odds),
                logs(self.female_odds),
            )
        return cache[floor]

    @cached_property
    def _age_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """The youngest and oldest age at which each disease is plausible (NaN: no bound): its age range,
        and no younger than two years before its earliest onset."""
        return np.fmax(self.age_min, self.onset_min - 2), self.age_max

    @cached_property
    def _onset_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """The patient's onset ages that clearly do not fit each disease: a range ending before the
        disease's earliest onset (less the tolerance), or starting after twice its latest (plus it)."""
        return self.onset_min - ONSET_TOLERANCE_YEARS, 2 * self.onset_max + ONSET_TOLERANCE_YEARS

    @cached_property
    def _sex_mismatch(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Per sex: the diseases of the other sex only, and those leaning to the other sex (index arrays)."""
        return {
            "male": (np.flatnonzero(self.female_only), np.flatnonzero(self.female_lean)),
            "female": (np.flatnonzero(self.male_only), np.flatnonzero(self.male_lean)),
        }
