"""What the page and the API share: the differential for a request as JSON (explanations and next
questions within the request's time budget), the serving log and feedback, and the envelope of every answer.
Evidence from a request is in web.evidence, a disease's page in web.diseases."""

from __future__ import annotations

import logging
import math
import time

import numpy as np
from flask import current_app, g, has_app_context

from inference.engine import Diagnosis
from inference.evidence import Evidence
from inference.explain import explain_many
from inference.questions import next_questions
from inference.risk_questions import risk_questions
from learning.ops import serving_log
from web import wording
from web.diseases import disease_url, label_lang
from web.evidence import evidence_from
from web.lanes import compute_lane, is_ordinary
from web.metrics import DIAGNOSES
from web.schemas import DiagnoseRequest
from web.state import Engine

__all__ = ["DISCLAIMER", "diagnose", "envelope", "log_feedback"]

DISCLAIMER = "Supports, does not replace, clinical judgement."


def envelope(engine: Engine, payload: dict) -> dict:
    """Every API answer names the model, the KB build and the HPO release it came from."""
    return {
        **payload,
        "model_version": engine.model_version,
        "kb_version": engine.kb_version,
        "hpo_release": engine.kb.release,
        "credit": engine.credit,
    }


# ---- the differential --------------------------------------------------------------------------


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def diagnose(engine: Engine, request: DiagnoseRequest, via: str = "api") -> dict:
    """The differential for a validated request, with explanations and next questions, as JSON."""
    evidence, case_id = evidence_from(engine, request)
    diagnoser, lang = engine.diagnoser, request.lang
    kb = diagnoser.kb
    sources = tuple(request.sources) if request.sources else None
    deadline = _deadline()
    ordinary = _lane_on() and is_ordinary(
        len(evidence.findings), request.top, request.explain, request.questions
    )
    with compute_lane(ordinary):
        diagnosis = diagnoser.diagnose(evidence, top=request.top, sources=sources)  # (thread-safe)
        explained = [row.index for row in diagnosis.ranking[: request.explain]]
        left_out = []
        explanations = {}
        if explained and _in_time(deadline):
            explanations = explain_many(diagnoser, diagnosis, explained)
        elif explained:
            left_out.append("explanations")
        questions, asked_risks = [], []
        if request.questions and _in_time(deadline):
            questions = next_questions(diagnoser, diagnosis, limit=request.questions)
            asked_risks = risk_questions(diagnoser, diagnosis, evidence, limit=min(request.questions, 3))
        elif request.questions:
            left_out.append("next questions")
        effects = wording.log_effects(diagnoser, evidence, diagnosis, explained) if explanations else {}
    if left_out:
        budget_ms = round(current_app.extensions["dxgraph.config"].request_budget_s * 1000)
        diagnosis.warnings.append(
            f"{' and '.join(left_out)} left out: the request's time budget ({budget_ms} ms) ran out"
        )
    DIAGNOSES.labels(context=evidence.context, via=via).inc()
    request_id = log_served(engine, evidence, diagnosis, via)
    ranking = []
    course = (
        diagnoser.course.log_ratio(evidence.duration_days) if evidence.duration_days is not None else None
    )
    for rank, row in enumerate(diagnosis.ranking, start=1):
        item = {
            "rank": rank,
            "disease_id": row.disease_id,
            "label": kb.disease_label(row.index, lang),
            "label_en": row.label,
            "label_lang": label_lang(kb, row.index, lang),
            "probability": row.probability,
            "orphan": row.orphan,
            "kind": "orphan" if row.orphan else "common",
            "source": row.source,
            "xrefs": row.xrefs,
            "url": disease_url(row.disease_id),
        }
        if row.twin is not None:
            twin_index = kb.disease_index[row.twin[0]]
            twin_label = kb.disease_label(twin_index, lang)
            # the same name needs no repeating, in this language or in English (Orphanet has no Spanish)
            same_name = twin_label == item["label"] or (
                kb.disease_label(twin_index, "en").casefold() == kb.disease_label(row.index, "en").casefold()
            )
            item["also_described_as"] = {
                "disease_id": row.twin[0],
                "label": twin_label,
                "share": row.twin[1],
                "url": disease_url(row.twin[0]),
                "words": wording.twin_words(
                    row.twin[0], None if same_name else twin_label, row.twin[1], lang
                ),
            }
        if row.index in explanations:
            item["explanation"] = _explanation(kb, explanations[row.index], lang, effects[row.index])
        if course is not None and (said := _course(diagnoser.kb, evidence, course, row.index, lang)):
            item["duration"] = said
        if said := _complaint_onset(diagnoser, evidence, row.index, lang):
            item["complaint_onset"] = said
        if risks := _risks(diagnoser, evidence, row.index, lang):
            item["risk_factors"] = risks
        ranking.append(item)
    shown = {item["disease_id"]: item["rank"] for item in ranking}  # a don't-miss entry's rank as listed
    return {
        "request_id": request_id,
        "case_id": case_id,
        "context": evidence.context,
        "lang": lang,
        "ranking": ranking,
        "other_probability": diagnosis.other_probability,
        "dont_miss": [
            {
                "disease_id": item.disease_id,
                "label": kb.disease_label(item.index, lang),
                "label_lang": label_lang(kb, item.index, lang),
                "probability": item.probability,
                "cautious_probability": item.cautious_probability,
                "rank": shown.get(item.disease_id, max(item.rank, len(ranking) + 1)),
                "in_ranking": item.disease_id in shown,
                "words": wording.standing(
                    item.probability,
                    shown.get(item.disease_id, max(item.rank, len(ranking) + 1)),
                    item.disease_id in shown,
                    lang,
                ),
                "guideline": item.citation,
                "guideline_title": item.citation.removeprefix("guideline:").strip(),
                "supporting": [{"id": t, "label": kb.label(t, lang)} for t in item.supporting],
                "xrefs": kb.disease_info[item.index].get("xrefs", []),
                "url": disease_url(item.disease_id),
            }
            for item in diagnosis.dont_miss
        ],
        "findings": [
            {
                "id": f.term,
                "label": kb.label(f.term, lang),
                "present": f.present,
                "severity": f.severity,
                "source": f.source,
            }
            for f in diagnosis.used
        ],
        "implied": [
            {
                "id": term,
                "label": kb.label(term, lang),
                "implied_by": by,
                "implied_by_label": kb.label(by, lang),
            }
            for term, by in diagnosis.implied.items()
        ],
        "questions": [
            {
                "id": q.term,
                "label": kb.label(q.term, lang),
                "expected_information_gain": q.expected_information_gain,
                "probability_present": q.probability_present,
            }
            for q in questions
        ],
        "risk_questions": [
            {
                "factor": q.factor,
                "label": q.label_es if lang == "es" else q.label,
                "expected_information_gain": q.expected_information_gain,
                "probability_present": q.probability_present,
            }
            for q in asked_risks
        ],
        "warnings": [wording.note(text, lang) for text in diagnosis.warnings],
        "notes": [wording.note(text, lang) for text in diagnosis.notes],
        "disclaimer": DISCLAIMER,
    }


def _course(kb, evidence: Evidence, course: np.ndarray, index: int, lang: str) -> dict | None:
    """How the complaint's duration (its log factors `course`) bears on a disease with a stated typical
    duration (else None)."""
    typical = [b for b in kb.disease_info[index].get("course", []) if b != "any"]
    if not typical:
        return None
    log_ratio = float(course[index])
    return {
        "days": evidence.duration_days,
        "typical": typical,
        "log_ratio": log_ratio,
        "words": wording.course_words(evidence.duration_days, typical, log_ratio, lang),
    }


def _complaint_onset(diagnoser, evidence: Evidence, index: int, lang: str) -> dict | None:
    """How the complaint's start bears on a disease that states how it typically starts (else None)."""
    if evidence.complaint_onset is None:
        return None
    log_ratio = float(diagnoser.onsets.log_ratio(evidence.complaint_onset)[index])
    if log_ratio == 0.0:
        return None
    return {
        "value": evidence.complaint_onset,
        "typical": diagnoser.kb.disease_info[index].get("complaint_onset"),
        "log_ratio": log_ratio,
        "words": wording.onset_words(evidence.complaint_onset, log_ratio, lang),
    }


def _risks(diagnoser, evidence: Evidence, index: int, lang: str) -> list[dict]:
    """How the patient's risk factors bear on a disease, strongest first (empty when none moves it)."""
    if not evidence.risk_factors and not evidence.family_history:
        return []
    factors = diagnoser.risk.factors
    out = []
    for key, present, log_ratio in diagnoser.risk.explain(
        index, evidence.risk_factors, diagnoser.family_rows(evidence)
    ):
        label = factors[key].label_es if lang == "es" else factors[key].label
        out.append(
            {
                "factor": key,
                "label": label,
                "present": present,
                "likelihood_ratio": math.exp(log_ratio),
                "words": wording.risk_words(label, present, log_ratio, lang),
            }
        )
    return out


def _deadline() -> float | None:
    """When this request's time budget (DXGRAPH_REQUEST_BUDGET_MS, counted from its arrival) runs out."""
    if not has_app_context():
        return None
    config = current_app.extensions.get("dxgraph.config")
    started = g.get("started")
    return None if config is None or started is None else started + config.request_budget_s


def _lane_on() -> bool:
    """DXGRAPH_ORDINARY_LANE (default on): ordinary requests compute one at a time per worker."""
    config = current_app.extensions.get("dxgraph.config") if has_app_context() else None
    return config is None or config.ordinary_lane


def _in_time(deadline: float | None) -> bool:
    return deadline is None or time.perf_counter() < deadline


def log_served(engine: Engine, evidence: Evidence, diagnosis: Diagnosis, via: str) -> str:
    """Append the anonymized evidence and the top-5 to the serving log; the request id for feedback."""
    request_id = serving_log.new_request_id()
    directory = (
        serving_log.serving_dir(current_app.extensions["dxgraph.settings"].home)
        if has_app_context()
        else None
    )
    if directory is None:
        return request_id
    record = serving_log.served_record(
        request_id,
        [f.term for f in evidence.findings if f.present],
        [f.term for f in evidence.findings if not f.present],
        evidence.age_years,
        evidence.sex,
        evidence.context,
        engine.model_version,
        engine.kb_version,
        serving_log.top_diseases(engine.diagnoser.kb.disease_ids, diagnosis.log_posterior),
        via,
    )
    try:
        serving_log.serving_log(directory).append(record)
    except OSError as error:  # never fail a diagnosis for its log line
        logging.getLogger("dxgraph.web").warning("serving log not written: %s", type(error).__name__)
    return request_id


def log_feedback(request_id: str, disease_id: str) -> bool:
    """Append a confirmed diagnosis for a served request to the serving log; False when logging is off."""
    directory = serving_log.serving_dir(current_app.extensions["dxgraph.settings"].home)
    if directory is None:
        return False
    serving_log.serving_log(directory).append(serving_log.feedback_record(request_id, disease_id))
    return True


def _explanation(kb, explanation, lang: str, effects: dict[str, float]) -> dict:
    """Each finding's contribution, strongest effect first, with its effect in plain words (web.wording)."""
    contributions = []
    for c in explanation.contributions:
        log_times = effects.get(c.term, c.log_lr)
        reading = wording.effect(math.exp(max(min(log_times, 700.0), -700.0)), lang)
        item = {
            "id": c.term,
            "label": kb.label(c.term, lang),
            "present": c.present,
            "severity": c.severity,
            "log_lr": c.log_lr,
            "likelihood_ratio": math.exp(max(min(c.log_lr, 700.0), -700.0)),
            "direction": "up" if c.log_lr >= 0 else "down",
            "match": c.match,
            "matched_term": c.matched_term,
            "matched_label": kb.label(c.matched_term, lang) if c.matched_term else None,
            "matched_frequency": _finite(c.matched_frequency),
            "times": reading.times,
            "effect": reading.effect,
            "strength": reading.strength,
            "words": reading.words,
        }
        contributions.append((-abs(log_times), len(contributions), item))
    contributions.sort(key=lambda entry: entry[:2])
    return {
        "contributions": [item for _, _, item in contributions],
        "missing_frequent": [
            {"id": m.term, "label": kb.label(m.term, lang), "frequency": _finite(m.frequency)}
            for m in explanation.missing_frequent
        ],
    }
