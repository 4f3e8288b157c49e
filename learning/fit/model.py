"""The network's likelihood with its scoring parameters free: log posterior of the true disease and its
exact gradient, on FitData (learning/fit/dataset.py).

Per finding q and disease D (present; inference/fitted.py, the engine's formula with a weight per match type):
  P(q | D) = 1 - (1 - leak_D(q)) (1 - f_self) (1 - w_below below) (1 - max(anc, rel))
  anc = w_anc f_a (p(q)/p(a))^beta_anc           rel = w_rel f_r (p(q)/p(c))^beta_rel
  leak_D(q) = min(leak_floor (n_D / 20)^-kappa + leak_scale p(q)^gamma, 0.5)
  NOT-annotated: leak_D(q) * not_factor
Absent: 1 - s P(q | D). Unreported features: prod (1 - r f_a) over untouched annotations.
Each present finding's log likelihood is weighted (IC(q) / 5)^eta and gets + lambda * sim(q, D) (Resnik
similarity, the "other" hypothesis getting lambda times its expected value). The evidence is tempered by
tau. The fit maximises the mean log posterior of the true diagnosis (its twins summed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inference.fitted import CAP, COMPLETENESS_REF, IC_REF
from learning.fit.dataset import MOMENTS, FitData

__all__ = [
    "FREE",
    "NAMES",
    "Objective",
    "as_model_params",
    "bounds",
    "defaults",
    "from_model_params",
    "from_theta_partial",
    "to_theta",
    "to_theta_partial",
]


@dataclass(frozen=True)
class Param:
    name: str
    field: str  # the ModelParams field it sets (inference/fitted.py)
    init: float  # the literature defaults' behaviour
    low: float
    high: float
    log: bool  # optimised on the log scale


PARAMS = (
    Param("w_below", "fit_below_weight", 1.0, 0.001, 1.0, True),
    Param("w_anc", "fit_ancestor_weight", 1.0, 0.02, 3.0, True),
    Param("beta_anc", "fit_ancestor_exponent", 1.0, 0.0, 3.0, False),
    Param("w_rel", "fit_related_weight", 0.1, 0.002, 3.0, True),
    Param("beta_rel", "fit_related_exponent", 1.0, 0.0, 3.0, False),
    Param("leak_floor", "fit_leak_floor", 0.002, 1e-5, 0.2, True),
    Param("leak_scale", "fit_leak_scale", 0.5, 1e-3, 3.0, True),
    Param("leak_gamma", "fit_leak_exponent", 1.0, 0.2, 2.0, False),
    Param("leak_kappa", "fit_leak_completeness", 0.0, -1.0, 2.0, False),
    Param("sensitivity", "fit_exclusion_sensitivity", 0.05, 1e-3, 0.9, True),
    Param("unreported", "fit_unreported_rate", 0.05, 1e-4, 0.5, True),
    Param("not_factor", "fit_not_annotated_factor", 0.05, 1e-4, 1.0, True),
    Param("sim_weight", "similarity_weight", 0.0, 0.0, 3.0, False),
    Param("ic_eta", "fit_ic_exponent", 0.0, -1.0, 2.0, False),
    Param("tau", "fit_temperature", 1.0, 0.05, 3.0, True),
)
NAMES = tuple(p.name for p in PARAMS)
# fitted by default; the exponents stay at 1 (free, they ran to their bounds and differed between folds)
FREE = tuple(n for n in NAMES if n not in ("beta_anc", "beta_rel", "leak_gamma"))


def to_theta(values: dict[str, float]) -> np.ndarray:
    """The optimiser's vector of every parameter (log scale where the parameter is)."""
    return np.asarray([np.log(values[p.name]) if p.log else values[p.name] for p in PARAMS])


def bounds(free: tuple[str, ...]) -> list[tuple[float, float]]:
    """The optimiser's bounds of the free parameters, in the scale of `to_theta`."""
    return [(np.log(p.low), np.log(p.high)) if p.log else (p.low, p.high) for p in PARAMS if p.name in free]


def defaults() -> dict[str, float]:
    """Every parameter's starting value."""
    return {p.name: p.init for p in PARAMS}


def as_model_params(values: dict[str, float]) -> dict[str, float]:
    """Fitted values as ModelParams fields (replace(ModelParams(), **as_model_params(values)))."""
    return {p.field: float(values[p.name]) for p in PARAMS}


def from_model_params(params) -> dict[str, float]:
    """The fitter's values for a ModelParams (to start from, or to score, what the engine uses)."""
    return {p.name: float(getattr(params, p.field)) for p in PARAMS}


def _segment_logsumexp(values: np.ndarray, segment: np.ndarray, n: int) -> np.ndarray:
    peak = np.full(n, -np.inf)
    np.maximum.at(peak, segment, values)
    safe = np.where(np.isfinite(peak), peak, 0.0)
    total = np.bincount(segment, weights=np.exp(values - safe[segment]), minlength=n)
    with np.errstate(divide="ignore"):
        return safe + np.log(total)


class Objective:
    """Mean negative log posterior of the truth over the cases whose truth is a candidate, with gradient."""

    def __init__(self, data: FitData, floor: float = 0.0) -> None:
        self.data = data
        self.floor = floor  # > 0: maximise log(p_truth + floor), so hopeless cases stop steering the fit
        d = data
        self.bg = d.finding_background[d.row_finding]
        self.present = d.finding_present[d.row_finding]
        self.weight = d.finding_weight[d.row_finding]
        self.ic_log = np.log(np.maximum(d.finding_ic, 1e-3) / IC_REF)
        self.log_bg = np.log(self.bg)
        f = d.features
        self.f = {k: v.astype(np.float64) for k, v in f.items() if k != "negated"}
        self.negated = f["negated"]
        self.log_anc_ratio = np.log(np.maximum(self.f["anc_ratio"], 1e-300))
        self.log_rel_ratio = np.log(np.maximum(self.f["rel_ratio"], 1e-300))
        self.log_completeness = np.log(np.maximum(d.entry_n_ann, 1.0) / COMPLETENESS_REF)[d.row_entry]
        has_truth = np.bincount(d.slot_case, weights=d.slot_truth.astype(float), minlength=d.n_cases) > 0
        self.has_truth = has_truth
        self.n_used = max(int(has_truth.sum()), 1)
        self.entry_truth = d.slot_truth[d.entry_slot]
        self.entry_case = d.slot_case[d.entry_slot]

    # ---- forward pieces -------------------------------------------------------------------------
    def _rows(self, v: dict[str, float]) -> dict[str, np.ndarray]:
        f = self.f
        completeness = np.exp(-v["leak_kappa"] * self.log_completeness)
        bg_term = v["leak_scale"] * np.exp(v["leak_gamma"] * self.log_bg)
        leak_raw = v["leak_floor"] * completeness + bg_term
        leak = np.minimum(leak_raw, 0.5)
        e1_raw = f["self_f"]
        e1 = np.minimum(e1_raw, CAP)
        e2_raw = v["w_below"] * f["below"]
        e2 = np.minimum(e2_raw, CAP)
        anc = v["w_anc"] * f["anc_f"] * np.exp(v["beta_anc"] * self.log_anc_ratio)
        rel = v["w_rel"] * f["rel_f"] * np.exp(v["beta_rel"] * self.log_rel_ratio)
        anc_wins = anc >= rel
        fuzzy_raw = np.where(anc_wins, anc, rel)
        fuzzy = np.minimum(fuzzy_raw, CAP)
        miss = (1 - leak) * (1 - e1) * (1 - e2) * (1 - fuzzy)
        prob = np.where(self.negated, leak * v["not_factor"], 1 - miss)
        prob = np.maximum(prob, 1e-300)
        return {
            "completeness": completeness,
            "bg_term": bg_term,
            "leak": leak,
            "leak_free": leak_raw < 0.5,
            "e1": e1,
            "e1_free": e1_raw < CAP,
            "e2": e2,
            "e2_free": e2_raw < CAP,
            "anc": anc,
            "rel": rel,
            "anc_wins": anc_wins,
            "fuzzy": fuzzy,
            "fuzzy_free": fuzzy_raw < CAP,
            "miss": miss,
            "prob": prob,
        }

    def evaluate(self, theta: np.ndarray, free: tuple[str, ...] = NAMES, base: dict | None = None):
        """(loss, gradient over the free parameters, per-slot scores)."""
        values = dict(base or defaults())
        values.update({k: v for k, v in from_theta_partial(theta, free).items()})
        loss, grad, slot_scores = self._evaluate(values)
        g = np.asarray([grad[name] for name in free])
        return loss, g, slot_scores

    def _evaluate(self, v: dict[str, float]):
        d = self.data
        r = self._rows(v)
        s, tau, lam, eta = v["sensitivity"], v["tau"], v["sim_weight"], v["ic_eta"]
        prob = r["prob"]
        wq = np.where(self.present, np.exp(eta * self.ic_log[d.row_finding]), 1.0)
        w = self.weight
        one_minus_sp = np.maximum(1 - s * prob, 1e-300)
        log_p = np.log(prob)
        ll = np.where(self.present, w * wq * log_p + lam * w * self.f["sim"], w * np.log(one_minus_sp))
        n_e = len(d.entry_slot)
        finding_ll = np.bincount(d.row_entry, weights=ll, minlength=n_e)
        rate = v["unreported"]
        powers = rate ** np.arange(1, MOMENTS + 1)
        unrep_raw = -(d.entry_moments * (powers / np.arange(1, MOMENTS + 1))).sum(axis=1)
        unrep_on = unrep_raw < 0
        unrep = np.where(unrep_on, unrep_raw, 0.0)
        sim_rows = np.where(self.present, lam * w * self.f["sim"], 0.0)
        sim_ll = np.bincount(d.row_entry, weights=sim_rows, minlength=n_e)
        evidence = np.where(d.entry_fixed, d.entry_fixed_ll + sim_ll, finding_ll + unrep)
        score = d.entry_offset + tau * evidence
        # "other": present log p(q) (IC-weighted) + lambda * expected similarity; absent log(1 - s p(q))
        fw = d.finding_weight
        f_wq = np.where(d.finding_present, np.exp(eta * self.ic_log), 1.0)
        log_bg_f = np.log(d.finding_background)
        one_minus_sbg = 1 - s * d.finding_background
        other_f = np.where(
            d.finding_present,
            fw * f_wq * log_bg_f + lam * fw * d.finding_sim_other,
            fw * np.log(one_minus_sbg),
        )
        other_ev = np.bincount(d.finding_case, weights=other_f, minlength=d.n_cases)
        other = np.log(d.case_other_prior) + tau * other_ev
        slot_score = _segment_logsumexp(score, d.entry_slot, len(d.slot_case))
        everything = np.concatenate([slot_score, other])
        owners = np.concatenate([d.slot_case, np.arange(d.n_cases)])
        z = _segment_logsumexp(everything, owners, d.n_cases)
        truth_score = np.where(d.slot_truth, slot_score, -np.inf)
        lt = _segment_logsumexp(truth_score, d.slot_case, d.n_cases)
        used = self.has_truth
        log_p_truth = lt - z
        if self.floor > 0:
            p_truth = np.exp(np.where(used, log_p_truth, 0.0))
            loss = -float(np.log(p_truth[used] + self.floor).sum()) / self.n_used
            case_weight = np.where(used, p_truth / (p_truth + self.floor), 0.0)
        else:
            loss = -float(log_p_truth[used].sum()) / self.n_used
            case_weight = used.astype(float)

        # gradient: dLoss/dscore_e = (p_e - q_e) / n over used cases
        case = self.entry_case
        p_e = np.exp(score - z[case])
        q_e = np.where(self.entry_truth, np.exp(score - lt[case]), 0.0)
        g_score = case_weight[case] * np.where(used[case], p_e - q_e, 0.0) / self.n_used
        g_other = case_weight * np.where(used, np.exp(other - z), 0.0) / self.n_used
        g_ev = np.where(d.entry_fixed, 0.0, g_score * tau)
        g_sim = (g_score * tau)[d.row_entry]  # the similarity term counts for every entry
        grad: dict[str, float] = {}
        grad["tau"] = float((g_score * tau * evidence).sum() + (g_other * tau * other_ev).sum())
        g_row = g_ev[d.row_entry]
        # d ll / d prob per row
        dll_dp = np.where(self.present, w * wq / prob, -w * s / one_minus_sp)
        h = g_row * dll_dp  # dLoss/dprob
        neg = self.negated
        # non-negated rows: dprob = miss * dX / (1 - X)
        hm = np.where(neg, 0.0, h * r["miss"])
        leak = r["leak"]
        d_leak_pos = np.where(neg, h * v["not_factor"], hm / (1 - leak)) * r["leak_free"]
        lf_part = v["leak_floor"] * r["completeness"]
        grad["leak_floor"] = float((d_leak_pos * lf_part).sum())
        grad["leak_scale"] = float((d_leak_pos * r["bg_term"]).sum())
        grad["leak_gamma"] = float((d_leak_pos * r["bg_term"] * self.log_bg).sum())
        grad["leak_kappa"] = float((d_leak_pos * lf_part * -self.log_completeness).sum())
        grad["not_factor"] = float(np.where(neg, h * prob, 0.0).sum())
        grad["w_below"] = float((hm / (1 - r["e2"]) * r["e2"] * r["e2_free"]).sum())
        d_fuzzy = hm / (1 - r["fuzzy"]) * r["fuzzy_free"]
        anc_part = np.where(r["anc_wins"], d_fuzzy * r["anc"], 0.0)
        rel_part = np.where(r["anc_wins"], 0.0, d_fuzzy * r["rel"])
        grad["w_anc"] = float(anc_part.sum())
        grad["beta_anc"] = float((anc_part * self.log_anc_ratio).sum())
        grad["w_rel"] = float(rel_part.sum())
        grad["beta_rel"] = float((rel_part * self.log_rel_ratio).sum())
        # sensitivity (log scale): absent rows ll = w log(1 - s p)
        grad["sensitivity"] = float(np.where(self.present, 0.0, g_row * w * (-s * prob) / one_minus_sp).sum())
        grad["sensitivity"] += float(
            (
                g_other
                * tau
                * np.bincount(
                    d.finding_case,
                    weights=np.where(
                        d.finding_present, 0.0, fw * (-s * d.finding_background) / one_minus_sbg
                    ),
                    minlength=d.n_cases,
                )
            ).sum()
        )
        grad["sim_weight"] = float(np.where(self.present, g_sim * w * self.f["sim"], 0.0).sum())
        grad["sim_weight"] += float(
            (
                g_other
                * tau
                * np.bincount(
                    d.finding_case,
                    weights=np.where(d.finding_present, fw * d.finding_sim_other, 0.0),
                    minlength=d.n_cases,
                )
            ).sum()
        )
        ic_rows = self.ic_log[d.row_finding]
        grad["ic_eta"] = float(np.where(self.present, g_row * w * wq * log_p * ic_rows, 0.0).sum())
        grad["ic_eta"] += float(
            (
                g_other
                * tau
                * np.bincount(
                    d.finding_case,
                    weights=np.where(d.finding_present, fw * f_wq * log_bg_f * self.ic_log, 0.0),
                    minlength=d.n_cases,
                )
            ).sum()
        )
        d_unrep = -(d.entry_moments * powers).sum(axis=1)  # d unrep / d log r
        grad["unreported"] = float((g_ev * np.where(unrep_on, d_unrep, 0.0)).sum())
        # chain to log-scale parameters (the derivatives above are w.r.t. log w except where noted)
        # leak_floor, leak_scale, not_factor, w_*, sensitivity, unreported, tau: already d/dlog;
        # beta_*, leak_gamma, leak_kappa, sim_weight, ic_eta: linear.
        return loss, grad, slot_score


def from_theta_partial(theta: np.ndarray, free: tuple[str, ...]) -> dict[str, float]:
    """Parameter values by name from the optimiser's vector of the free parameters."""
    by_name = {p.name: p for p in PARAMS}
    return {name: float(np.exp(t) if by_name[name].log else t) for name, t in zip(free, theta, strict=True)}


def to_theta_partial(values: dict[str, float], free: tuple[str, ...]) -> np.ndarray:
    """The optimiser's vector of the free parameters from values by name."""
    by_name = {p.name: p for p in PARAMS}
    return np.asarray([np.log(values[n]) if by_name[n].log else values[n] for n in free])
