"""Hyperparameters of the network (documented in docs/model.md), in one dataclass models can record."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

__all__ = ["ModelParams"]


@dataclass(frozen=True)
class ModelParams:
    """Defaults chosen by publication-grouped cross-validation on the dev cases (see benchmarks/)."""

    missing_frequency: float = 0.2  # frequency assumed when the literature gives none (21% of HPO links)
    count_prior_strength: float = 8.0  # n/m frequencies shrink toward missing_frequency with this many cases
    frequency_cap: float = 0.98  # even obligate features go unrecorded sometimes
    leak_floor: float = 0.002  # P(finding | disease) for a finding the disease's annotations do not explain
    leak_scale: float = 0.5  # ... plus this times the finding's background frequency among diseases
    common_leak_factor: float = 0.1  # curated common diseases: weight of a sibling/cousin match
    curated_leak: float = 0.002  # curated common diseases: P(finding | disease), finding not in its profile:
    curated_leak_scale: float = 0.5  # ... this x how often a consulting patient has the finding (the curated
    curated_leak_max: float = 0.05  # frequencies weighted by consultation priors), within [curated_leak, max]
    related_discount: float = 0.1  # weight of a match through a common ancestor (sibling/cousin terms)
    exclusion_sensitivity: float = 0.05  # how strongly an excluded annotated finding counts against a disease
    # (rare-disease clinic: case reports); in a consultation (primary care, emergency) the doctor asks:
    consult_exclusion_sensitivity: float = 0.3  # ... HPO (literature) diseases
    consult_exclusion_sensitivity_curated: float = 0.9  # ... curated common diseases (clinical frequencies)
    unreported_rate: float = 0.05  # chance a present annotated feature would have been reported if not asked
    not_annotated_factor: float = 0.05  # an observed finding the disease is annotated NOT to have
    merge_twins: bool = True  # rank an OMIM/ORPHA twin pair as one diagnosis under its OMIM id
    drop_implied: bool = True  # drop observed terms implied by a more specific observed term
    temperature: float = (
        1.0  # tempering of the summed log-likelihood (1 = plain Bayes; confidence is recalibrated)
    )
    calibration_slope: float = 0.309  # Platt recalibration of the top-1 probability in the rare-disease
    calibration_margin: float = 0.0  # clinic, p' = sigmoid(slope * logit(p1) + margin * log(p1 / p2) + b),
    calibration_intercept: float = -1.142  # refitted on the dev cases under the fitted likelihood (issue 14)
    calibration_contexts: tuple[str, ...] = ("rare-disease-clinic",)  # where that fit applies (its cases)
    # the same recalibration for primary care and emergency, fitted on the common-disease dev vignettes
    # (half A, both contexts pooled; refitted 2026-11-27 after the incidence priors and near-synonyms: of
    # the slope and margin together, the slope alone and the margin alone, the slope alone gave the lowest
    # half-A ECE in both contexts, 0.092 / 0.089): (slope, margin weight, intercept)
    consult_calibration: tuple[float, float, float] = (0.419, 0.0, -0.904)
    # a curated disease's consultation prior is its visit share ** this, the curated mass kept: the shares are
    # survey and incidence estimates, uncertain by a factor of several (chosen on half A, docs/model.md)
    consult_prior_exponent: float = 0.5
    other_prior: float = 0.05  # prior mass of "a disease not in the knowledge base"
    rare_default_prevalence: float = 1e-6  # prior prevalence of an HPO disease without curated prevalence
    age_mismatch_factor: float = 0.2  # likelihood when the patient's age is outside the disease's range
    demographic_odds_floor: float = 0.05  # floor of a disease's age-band / sex odds (0 in data is no proof)
    onset_mismatch_factor: float = 0.2  # likelihood when the patient's onset is clearly outside the disease's
    dont_miss_threshold: float = 0.0005  # flag a time-critical diagnosis whose cautious posterior is this
    # how long the complaint has lasted (inference/course.py): likelihood of a duration outside a curated
    # disease's typical bins (its square root next to one); chosen on half A of the vignettes (docs/model.md)
    course_mismatch_factor: float = 0.3
    sex_mismatch_factor: float = 0.001  # likelihood of the wrong sex for a sex-limited disease
    # The fitted likelihood (inference/fitted.py; docs/model.md "The fitted likelihood"): used for HPO
    # diseases in these contexts (curated common diseases keep the formulas above). Fitted by
    # benchmarks/rare_fit.py (learning/fit) on the 4,724 dev case reports, maximising the mean of
    # log(P(true disease) + 0.01); by publication-grouped 2-fold CV OMIM top-1 45.1 -> 47.7 (docs/results.md).
    # learning.fit.model.defaults() gives the values that reproduce the literature likelihood.
    fitted_contexts: tuple[str, ...] = ("rare-disease-clinic",)
    fit_below_weight: float = 0.073  # weight of a match through a more specific annotation (q implied)
    fit_ancestor_weight: float = 0.353  # weight of a match through a more general annotation ...
    fit_ancestor_exponent: float = 1.0  # ... times (p(q) / p(annotation)) ** this (not fitted)
    fit_related_weight: float = 0.054  # weight of a sibling/cousin match ...
    fit_related_exponent: float = 1.0  # ... times (p(q) / p(common ancestor)) ** this (not fitted)
    fit_leak_floor: float = 0.021  # leak = floor * (annotations / 20) ** -completeness
    fit_leak_completeness: float = 0.570  # (sparsely annotated diseases explain less of a real patient)
    fit_leak_scale: float = 0.461  # ... + scale * p(q) ** exponent
    fit_leak_exponent: float = 1.0  # (not fitted)
    fit_exclusion_sensitivity: float = 0.013  # an absent finding: 1 - this * P(q | D)
    fit_unreported_rate: float = 0.062  # unreported annotated features: prod (1 - this * f)
    fit_not_annotated_factor: float = 0.165  # an observed finding annotated NOT: leak * this
    fit_ic_exponent: float = 0.178  # a present finding's log likelihood weighted (IC(q) / 5) ** this
    similarity_weight: float = 0.421  # + this x Resnik similarity of the finding to the disease (nats)
    fit_temperature: float = 1.289  # tempering of the evidence in the fitted contexts

    def calibration_for(self, context: str) -> tuple[float, float, float]:
        """The top-1 recalibration the engine applies in a context (identity where none was fitted)."""
        if context in self.calibration_contexts:
            return (self.calibration_slope, self.calibration_margin, self.calibration_intercept)
        if context in ("primary-care", "emergency"):
            return tuple(self.consult_calibration)
        return (1.0, 0.0, 0.0)

    def as_dict(self) -> dict:
        """The parameters as a plain dict (saved in model.json; read back by `from_dict`)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ModelParams:
        """Parameters recorded in a model artifact; a name this version does not know raises ValueError
        (a model saved by another version must not be served with parts of it silently dropped)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown model parameter(s) {', '.join(unknown)} (saved by another version?)")
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})
