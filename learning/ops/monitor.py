"""`dxgraph monitor`: compare a recent window of served evidence with the production model's reference.

Checks (each a PSI / chi-square / KS with configurable thresholds): the organ-system mix of the findings
and per-term frequencies, age band, sex and age, the top-1 predicted disease groups, and, where
confirmed diagnoses were fed back, top-1 accuracy per day. The verdict is JSON
({"drift": bool, "reasons": [...], "checks": {...}}) next to an HTML report with plots.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scipy import stats

from inference.loading import promoted_model_dir
from knowledge import config
from knowledge.config import Settings
from knowledge.jsonio import read_json
from knowledge.kb import KnowledgeBase, load_current
from learning.ops import drift
from learning.ops.reference import category_weights, disease_group, training_reference
from learning.ops.serving_log import load_into_store, serving_dir
from learning.store import Store

__all__ = ["Thresholds", "run_monitor"]


@dataclass(frozen=True)
class Thresholds:
    """When a difference counts as drift; each has an env variable DXGRAPH_MONITOR_<NAME>."""

    psi: float = 0.25  # PSI of a distribution (organ systems, age band, sex, predicted groups)
    alpha: float = 0.01  # significance of chi-square / KS / binomial tests (per-term: Bonferroni)
    term_psi: float = 0.1  # PSI of one term's present/absent share
    term_min_count: int = 5  # test terms seen at least this often on either side
    terms_for_drift: int = 3  # this many drifted terms make a drift
    ks: float = 0.15  # KS statistic of age (years)
    min_requests: int = 50  # fewer served requests in the window: no verdict
    min_feedback: int = 20  # fewer confirmed diagnoses: no performance verdict
    accuracy_drop: float = 0.10  # top-1 accuracy this far below the model's validation top-1

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Thresholds:
        """The thresholds with DXGRAPH_MONITOR_<NAME> values from the environment (or env) applied."""
        env = config.environ() if env is None else env
        values: dict = {}
        for item in fields(cls):
            raw = env.get(f"DXGRAPH_MONITOR_{item.name.upper()}")
            if raw not in (None, ""):
                kind = int if item.type in (int, "int") else float
                try:
                    values[item.name] = kind(raw)
                except ValueError:
                    raise ValueError(f"DXGRAPH_MONITOR_{item.name.upper()}={raw!r} is not a number") from None
        return cls(**values)

    def with_overrides(self, **values: float | int | None) -> Thresholds:
        """A copy with the given values replaced (None values are ignored, as for flags left unset)."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})


@dataclass
class Reference:
    data: dict
    model_version: str
    source: str  # "model" (stored at learn time) or "store" (computed now: no learned model)
    validation_top1: float | None


def model_directory(models: Path, which: str) -> Path | None:
    """The production model's directory (None: literature-only), or a given version / directory."""
    if which == "production":
        return promoted_model_dir(models)
    for directory in (Path(which), models / which):
        if (directory / "model.json").exists():
            return directory
    raise FileNotFoundError(f"no model {which} in {models}")


def load_reference(
    settings: Settings, store: Store, kb: KnowledgeBase, which: str = "production"
) -> Reference:
    """The reference stored in a model's info; the store's labelled data when no model has one."""
    directory = model_directory(settings.models_dir, which)
    if directory is not None and (directory / "model.json").exists():
        meta = read_json(directory / "model.json")
        info = meta.get("info", {})
        top1 = info.get("metrics", {}).get("validation", {}).get("top1")
        if info.get("reference"):
            return Reference(info["reference"], meta["version"], "model", top1)
        version = meta["version"]
    else:
        version, top1 = "literature-only", None
    if store.count("diagnoses") == 0:
        raise ValueError("no reference: the model has none and the store holds no labelled cases")
    return Reference(training_reference(store, kb, []), version, "store", top1)


# ---- the window ----------------------------------------------------------------------------------


def window_data(store: Store, kb: KnowledgeBase, start: datetime, end: datetime) -> dict:
    """The served requests in [start, end] summarised like a reference."""
    db = store.connection
    where = "FROM served WHERE ts >= ? AND ts <= ?"
    span = [start.replace(tzinfo=None), end.replace(tzinfo=None)]

    def pairs(sql: str) -> dict[str, int]:
        return {str(k) if k is not None else "unknown": int(n) for k, n in db.execute(sql, span).fetchall()}

    requests = int(db.execute(f"SELECT count(*) {where}", span).fetchall()[0][0])
    mentions = db.execute(
        f"SELECT t, count(*) FROM (SELECT unnest(present) AS t {where}) GROUP BY 1", span
    ).fetchall()
    mix: Counter = Counter()
    for term, n in mentions:
        for category, share in category_weights(kb, [term]).items():
            mix[category] += share * int(n)
    top1 = pairs(f"SELECT top1, count(*) {where} GROUP BY 1")
    groups: Counter = Counter()
    for disease, n in top1.items():
        groups[disease_group(kb, None if disease == "unknown" else disease)] += n
    daily = db.execute(
        """SELECT CAST(s.ts AS DATE) AS day, count(*) AS requests, count(f.disease_id) AS confirmed,
                   count(*) FILTER (WHERE f.disease_id = s.top1) AS top1_correct,
                   count(*) FILTER (WHERE list_contains(s.top_ids, f.disease_id)) AS top5_correct
            FROM served s LEFT JOIN (
                SELECT request_id, arg_max(disease_id, ts) AS disease_id FROM served_feedback GROUP BY 1
            ) f USING (request_id)
            WHERE s.ts >= ? AND s.ts <= ? GROUP BY 1 ORDER BY 1""",
        span,
    ).fetchall()
    return {
        "requests": requests,
        "present_terms": pairs(
            f"SELECT t, count(DISTINCT request_id) FROM (SELECT request_id, unnest(present) AS t {where}) "
            "GROUP BY 1"
        ),
        "categories": dict(mix),
        "age_band": pairs(f"SELECT age_band, count(*) {where} GROUP BY 1"),
        "sex": pairs(f"SELECT sex, count(*) {where} GROUP BY 1"),
        "age_years": pairs(f"SELECT age_years, count(*) {where} AND age_years IS NOT NULL GROUP BY 1"),
        "findings_per_case": pairs(f"SELECT len(present), count(*) {where} GROUP BY 1"),
        "context": pairs(f"SELECT context, count(*) {where} GROUP BY 1"),
        "model_versions": pairs(f"SELECT model_version, count(*) {where} GROUP BY 1"),
        "top1_groups": dict(groups),
        "daily": [
            {
                "day": str(day),
                "requests": int(n),
                "confirmed": int(c),
                "top1_accuracy": round(t1 / c, 4) if c else None,
                "top5_accuracy": round(t5 / c, 4) if c else None,
                "top1_correct": int(t1),
            }
            for day, n, c, t1, t5 in daily
        ],
    }


# ---- the verdict ---------------------------------------------------------------------------------


def compare(reference: Reference, window: dict, thresholds: Thresholds, kb: KnowledgeBase) -> dict:
    """Each check with its statistics and whether it drifted; the reasons for a drift verdict."""
    ref, t = reference.data, thresholds
    checks: dict = {}
    reasons: list[str] = []

    def categorical(name: str, title: str, reference_counts: dict, window_counts: dict) -> None:
        result = drift.categorical(reference_counts, window_counts)
        drifted = result.drifted(t.psi, t.alpha)
        checks[name] = {**result.as_dict(), "drift": drifted}
        if drifted:
            reasons.append(
                f"{title}: PSI {result.psi:.3f} >= {t.psi} "
                f"(chi-square {result.chi2:.1f}, p={result.p_value:.2g})"
            )

    categorical("phenotypes", "organ-system mix of the findings", ref["categories"], window["categories"])
    terms = drift.term_drift(
        ref["present_terms"], ref["cases"], window["present_terms"], window["requests"], t.term_min_count
    )
    drifted_terms = [d for d in terms if d.psi >= t.term_psi and d.p_value < t.alpha]
    checks["terms"] = {
        "tested": len(terms),
        "drifted": [{**d.as_dict(), "label": kb.label(d.term)} for d in drifted_terms],
        "drift": len(drifted_terms) >= t.terms_for_drift,
    }
    if checks["terms"]["drift"]:
        named = ", ".join(
            f"{kb.label(d.term)} {d.reference_share:.0%}->{d.window_share:.0%}" for d in drifted_terms[:5]
        )
        reasons.append(f"{len(drifted_terms)} of {len(terms)} terms drifted (PSI >= {t.term_psi}): {named}")
    categorical("age_band", "age band", ref["age_band"], window["age_band"])
    categorical("sex", "sex", ref["sex"], window["sex"])
    ks = drift.ks_from_counts(ref.get("age_years", {}), window["age_years"])
    checks["age_years"] = {"ks": None, "p_value": None, "drift": False}
    if ks is not None:
        drifted = ks[0] >= t.ks and ks[1] < t.alpha
        checks["age_years"] = {"ks": round(ks[0], 4), "p_value": ks[1], "drift": drifted}
        if drifted:
            reasons.append(f"age (years): KS {ks[0]:.3f} >= {t.ks} (p={ks[1]:.2g})")
    if ref.get("top1_groups"):
        categorical("predicted", "top-1 predicted disease groups", ref["top1_groups"], window["top1_groups"])
    checks["performance"] = performance(reference, window, t, reasons)
    return {"checks": checks, "reasons": reasons}


def performance(reference: Reference, window: dict, t: Thresholds, reasons: list[str]) -> dict:
    confirmed = sum(d["confirmed"] for d in window["daily"])
    correct = sum(d["top1_correct"] for d in window["daily"])
    result = {
        "confirmed": confirmed,
        "top1_accuracy": round(correct / confirmed, 4) if confirmed else None,
        "reference_top1": reference.validation_top1,
        "per_day": window["daily"],
        "drift": False,
    }
    if confirmed < t.min_feedback or reference.validation_top1 is None:
        return result
    bar = reference.validation_top1 - t.accuracy_drop
    p_value = float(stats.binomtest(correct, confirmed, max(bar, 1e-9), alternative="less").pvalue)
    result["p_value"] = p_value
    if correct / confirmed < bar and p_value < t.alpha:
        result["drift"] = True
        reasons.append(
            f"top-1 accuracy {correct / confirmed:.3f} on {confirmed} confirmed diagnoses is below "
            "the model's "
            f"validation top-1 {reference.validation_top1:.3f} - {t.accuracy_drop} (p={p_value:.2g})"
        )
    return result


def _mean(histogram: dict[str, int]) -> float | None:
    """Mean of an integer histogram ({value: count}): present findings per case or request."""
    total = sum(histogram.values())
    return round(sum(float(k) * n for k, n in histogram.items()) / total, 2) if total else None


def run_monitor(
    settings: Settings,
    window_days: float = 7.0,
    reference: str = "production",
    thresholds: Thresholds | None = None,
    out_dir: Path | None = None,
    now: datetime | None = None,
) -> dict:
    """Load the serving logs, compare the window with the reference, write the verdict and the report."""
    from learning.ops.monitor_report import write_report

    started = time.perf_counter()
    thresholds = thresholds or Thresholds.from_env()
    end = now or datetime.now(UTC)
    start = end - timedelta(days=window_days)
    kb = load_current(settings.kb_dir)
    with Store(settings.store_path) as store:
        loaded = load_into_store(store, serving_dir(settings.home))
        ref = load_reference(settings, store, kb, reference)
        window = window_data(store, kb, start, end)
    verdict: dict = {
        "drift": False,
        "status": "ok",
        "reasons": [],
        "checked_at": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "window": {
            "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "days": window_days,
            "requests": window["requests"],
            "confirmed": sum(d["confirmed"] for d in window["daily"]),
            "model_versions": window["model_versions"],
            "context": window["context"],
            "mean_findings": _mean(window["findings_per_case"]),
        },
        "reference": {
            "model_version": ref.model_version,
            "source": ref.source,
            "cases": ref.data["cases"],
            "validation_top1": ref.validation_top1,
            "mean_findings": _mean(ref.data.get("findings_per_case", {})),
        },
        "thresholds": asdict(thresholds),
        "loaded": loaded,
    }
    if window["requests"] < thresholds.min_requests:
        verdict["status"] = "insufficient-data"
        verdict["reasons"] = [
            f"only {window['requests']} requests in the window "
            f"(fewer than {thresholds.min_requests}): no verdict"
        ]
        verdict["checks"] = {}
    else:
        result = compare(ref, window, thresholds, kb)
        verdict.update(result)
        verdict["drift"] = bool(result["reasons"])
    verdict["seconds"] = round(time.perf_counter() - started, 3)
    out_dir = out_dir or settings.home / "reports" / "monitor"
    verdict["report"] = str(write_report(out_dir, verdict, ref, window, kb))
    return verdict
