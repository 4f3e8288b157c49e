"""What the page and the API share: evidence from a request, the differential as a dict, disease details."""

from __future__ import annotations

import logging
import math
import time

import numpy as np
from flask import current_app, g, has_app_context

from inference.engine import Diagnosis
from inference.evidence import HPO_ID, Evidence, EvidenceError, make_evidence
from inference.explain import explain_many
from inference.phenopackets import packet_to_case
from inference.questions import next_questions
from inference.vitals import PLAUSIBLE, temperature_celsius
from knowledge.kb import ORIGINS, SEXES
from learning.ops import serving_log
from web import wording
from web.metrics import DIAGNOSES
from web.schemas import MAX_FINDINGS, ApiError, DiagnoseRequest
from web.state import Engine

__all__ = ["DISCLAIMER", "diagnose", "disease", "envelope", "log_feedback"]

DISCLAIMER = "Supports, does not replace, clinical judgement."
_REFERENCE_URLS = {
    "PMID": "https://pubmed.ncbi.nlm.nih.gov/{}/",
    "OMIM": "https://omim.org/entry/{}",
    "ORPHA": "https://www.orpha.net/en/disease/detail/{}",
    "DOI": "https://doi.org/{}",
    "MONDO": "https://monarchinitiative.org/MONDO:{}",
    "DECIPHER": "https://www.deciphergenomics.org/syndrome/{}",
}


def envelope(engine: Engine, payload: dict) -> dict:
    """Every API answer names the model, the KB build and the HPO release it came from."""
    return {
        **payload,
        "model_version": engine.model_version,
        "kb_version": engine.kb_version,
        "hpo_release": engine.kb.release,
        "credit": engine.credit,
    }


_MESH_URL = "https://meshb.nlm.nih.gov/record/ui?ui={}"


def reference(ref: str) -> dict:
    prefix, _, local = ref.partition(":")
    if ref.startswith("dataset:HSDN/"):  # a literature feature: the MeSH disease it co-occurs with
        return {"id": ref, "url": _MESH_URL.format(local.removeprefix("HSDN/").split("#", 1)[0])}
    template = _REFERENCE_URLS.get(prefix.upper())
    return {"id": ref, "url": template.format(local.strip()) if template and local.strip() else None}


def disease_url(disease_id: str) -> str:
    return f"/diseases/{disease_id}"


# ---- evidence ----------------------------------------------------------------------------------


def _check_ids(engine: Engine, ids: list[str], field: str) -> None:
    for position, raw in enumerate(ids):
        name = f"{field}[{position}]"
        if not HPO_ID.match(raw.strip()):
            raise ApiError(400, f"{name}: malformed HPO id {raw!r} (expected HP:nnnnnnn)", name)
        term, warning = engine.kb.resolve_term(raw.strip())
        if term is None:
            message = warning or f"unknown HPO id {raw} (not in HPO release {engine.kb.release})"
            raise ApiError(400, f"{name}: {message}", name)


def _vitals(request: DiagnoseRequest) -> dict[str, float]:
    if request.vitals is None:
        return {}
    given = request.vitals.model_dump(exclude_none=True)
    if "temperature_c" in given and "temperature_f" in given:
        raise ApiError(400, "vitals: give temperature_c or temperature_f, not both", "vitals.temperature_f")
    if "temperature_f" in given:
        given["temperature_c"] = temperature_celsius(given.pop("temperature_f"), "F")
        unit_field = "vitals.temperature_f"
    else:
        unit_field = "vitals.temperature_c"
    for name, value in given.items():
        low, high = PLAUSIBLE[name]
        if not low <= value <= high:
            field = unit_field if name == "temperature_c" else f"vitals.{name}"
            message = f"{field}: {value:g} is outside the plausible range {low:g}-{high:g}"
            raise ApiError(400, message, field, "range", {"value": value, "low": low, "high": high})
    return given


def evidence_from(engine: Engine, request: DiagnoseRequest) -> tuple[Evidence, str | None]:
    """Validated evidence (and the phenopacket id, when one was given); ApiError names the field."""
    kb = engine.diagnoser.kb
    if request.phenopacket is not None:
        clash = [
            name
            for name in ("observed", "excluded", "age", "sex", "vitals")
            if getattr(request, name) not in (None, [])
        ]
        if clash:
            raise ApiError(400, f"{clash[0]}: give either a phenopacket or findings, not both", clash[0])
        try:
            case = packet_to_case(kb, request.phenopacket, context=request.context or "rare-disease-clinic")
        except EvidenceError as error:
            raise ApiError(400, f"phenopacket: {error.message}", "phenopacket") from None
        except (AttributeError, TypeError, ValueError, KeyError) as error:
            raise ApiError(400, f"phenopacket: not a valid phenopacket ({error})", "phenopacket") from None
        if len(case.evidence.findings) > MAX_FINDINGS:
            count = len(case.evidence.findings)
            message = f"phenopacket: {count} findings; at most {MAX_FINDINGS} per request"
            raise ApiError(400, message, "phenopacket")
        return case.evidence, case.case_id
    if len(request.observed) + len(request.excluded) > MAX_FINDINGS:
        message = (
            f"observed: {len(request.observed)} observed + {len(request.excluded)} excluded findings; "
            f"at most {MAX_FINDINGS} in all per request"
        )
        raise ApiError(400, message, "observed")
    _check_ids(engine, [item.id for item in request.observed], "observed")
    _check_ids(engine, request.excluded, "excluded")
    try:
        evidence = make_evidence(
            kb,
            [(item.id.strip(), item.severity) for item in request.observed],
            [raw.strip() for raw in request.excluded],
            age_years=request.age,
            sex=request.sex,
            context=request.context or "primary-care",
            vitals=_vitals(request),
            onset=request.onset,
            strict=True,
        )
    except EvidenceError as error:
        raise ApiError(400, str(error), error.field) from None
    return evidence, None


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
    diagnosis = diagnoser.diagnose(evidence, top=request.top, sources=sources)  # (thread-safe: no lock)
    explained = [row.index for row in diagnosis.ranking[: request.explain]]
    left_out = []
    explanations = {}
    if explained and _in_time(deadline):
        explanations = explain_many(diagnoser, diagnosis, explained)
    elif explained:
        left_out.append("explanations")
    questions = []
    if request.questions and _in_time(deadline):
        questions = next_questions(diagnoser, diagnosis, limit=request.questions)
    elif request.questions:
        left_out.append("next questions")
    if left_out:
        budget_ms = round(current_app.extensions["dxgraph.config"].request_budget_s * 1000)
        diagnosis.warnings.append(
            f"{' and '.join(left_out)} left out: the request's time budget ({budget_ms} ms) ran out"
        )
    effects = wording.log_effects(diagnoser, evidence, diagnosis) if explanations else {}
    DIAGNOSES.labels(context=evidence.context, via=via).inc()
    request_id = log_served(engine, evidence, diagnosis, via)
    ranking = []
    for rank, row in enumerate(diagnosis.ranking, start=1):
        item = {
            "rank": rank,
            "disease_id": row.disease_id,
            "label": kb.disease_label(row.index, lang),
            "label_en": row.label,
            "label_lang": _label_lang(kb, row.index, lang),
            "probability": row.probability,
            "orphan": row.orphan,
            "kind": "orphan" if row.orphan else "common",
            "source": row.source,
            "xrefs": row.xrefs,
            "url": disease_url(row.disease_id),
        }
        if row.twin is not None:
            twin_label = kb.disease_label(kb.disease_index[row.twin[0]], lang)
            item["also_described_as"] = {
                "disease_id": row.twin[0],
                "label": twin_label,
                "share": row.twin[1],
                "url": disease_url(row.twin[0]),
                "words": wording.twin_words(
                    row.twin[0], twin_label if twin_label != item["label"] else None, row.twin[1], lang
                ),
            }
        if row.index in explanations:
            item["explanation"] = _explanation(kb, explanations[row.index], lang, effects, row.index)
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
                "label_lang": _label_lang(kb, item.index, lang),
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
        "warnings": [wording.note(text, lang) for text in diagnosis.warnings],
        "notes": [wording.note(text, lang) for text in diagnosis.notes],
        "disclaimer": DISCLAIMER,
    }


def _deadline() -> float | None:
    """When this request's time budget (DXGRAPH_REQUEST_BUDGET_MS, counted from its arrival) runs out."""
    if not has_app_context():
        return None
    config = current_app.extensions.get("dxgraph.config")
    started = g.get("started")
    return None if config is None or started is None else started + config.request_budget_s


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


def _explanation(kb, explanation, lang: str, effects: dict, disease: int) -> dict:
    """Each finding's contribution, strongest effect first, with its effect in plain words (web.wording)."""
    contributions = []
    for c in explanation.contributions:
        log_times = float(effects[c.term][disease]) if c.term in effects else c.log_lr
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


# ---- a disease ---------------------------------------------------------------------------------


def _label_lang(kb, index: int, lang: str) -> str:
    """The language of a disease's label: English where no source gives one in `lang`."""
    return "es" if lang == "es" and kb.disease_info[index].get("label_es") else "en"


def disease(engine: Engine, disease_id: str, lang: str = "en") -> dict:
    """A disease's facts and phenotype links (frequency, provenance) from the loaded KB."""
    kb = engine.diagnoser.kb
    index = kb.disease_index.get(disease_id)
    if index is None:
        raise ApiError(404, f"unknown disease id {disease_id!r}", "disease_id")
    info = kb.disease_info[index]
    base = engine.kb
    rows = np.flatnonzero(base.link_disease == index) if index < len(base.disease_ids) else np.array([], int)
    phenotypes, not_links = [], []
    for row in rows.tolist():
        term = base.term_ids[int(base.link_term[row])]
        frequency = float(base.link_freq[row])
        onset = int(base.link_onset[row])
        link = {
            "id": term,
            "label": base.label(term, lang),
            "frequency": None if math.isnan(frequency) else frequency,
            "n": int(base.link_n[row]) if base.link_n[row] >= 0 else None,
            "m": int(base.link_m[row]) if base.link_m[row] >= 0 else None,
            "origin": ORIGINS[int(base.link_origin[row])],
            "sex": SEXES[int(base.link_sex[row])].lower() or None,
            "onset": base.label(base.term_ids[onset], lang) if onset >= 0 else None,
            "evidence": base.link_evidence[row] or None,
            "references": [reference(r) for r in base.link_refs[row].split(";") if r.strip()],
        }
        (not_links if base.link_negated[row] else phenotypes).append(link)
    phenotypes.sort(
        key=lambda link: (-(link["frequency"] if link["frequency"] is not None else -1), link["label"])
    )
    prevalence = float(kb.disease_prevalence[index])
    source_ref = reference(disease_id)
    return {
        "disease_id": disease_id,
        "label": kb.disease_label(index, lang),
        "label_en": kb.disease_names[index],
        "label_lang": _label_lang(kb, index, lang),
        "source": kb.disease_source[index],
        "source_url": source_ref["url"],
        "orphan": bool(kb.disease_orphan[index]),
        "kind": "orphan" if kb.disease_orphan[index] else "common",
        "prevalence": None if math.isnan(prevalence) else prevalence,
        "prevalence_kind": info.get("prevalence_kind"),
        "prevalence_source": reference(info["prevalence_source"]) if info.get("prevalence_source") else None,
        "icd10": info.get("icd10", []),
        "xrefs": [reference(x) for x in info.get("xrefs", [])],
        "setting": info.get("setting", []),
        "age_range": [info["age_min"], info["age_max"]] if "age_min" in info else None,
        "sex_pattern": info.get("sex_pattern"),
        "inheritance": [base.label(t, lang) for t in info.get("inheritance", [])],
        "onset": [base.label(t, lang) for t in info.get("onset", [])],
        "data_only": bool(info.get("data_only", False)),
        "phenotypes": phenotypes,
        "not_phenotypes": not_links,
        "url": disease_url(disease_id),
    }
