"""English and Spanish UI strings (a plain catalogue) and the per-request language choice."""

from __future__ import annotations

import math

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from web.wording import WORDS, number

__all__ = ["FIELD_LABELS", "MESSAGES", "current_lang", "install", "percent"]

LANGS = ("en", "es")
COOKIE = "dxgraph_lang"


def _scale(lang: str) -> str:
    text = WORDS[lang]["scale"]
    return text[0].upper() + text[1:] + "."


MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "title": "dxgraph — differential diagnosis support",
        "tagline": "Probabilities of common and rare diseases from partial findings, with explanations.",
        "disclaimer": "Decision support only: it supports, not replaces, clinical judgement. "
        "Probabilities come from published phenotype frequencies and may not fit your patient.",
        "skip": "Skip to results",
        "language": "Language",
        "findings": "Symptoms and signs",
        "add_label": "Add a symptom or sign",
        "add_hint": "Type in English or Spanish (e.g. fever, tos); choose with ↓ ↑ and Enter. "
        "Without JavaScript: names or HPO ids separated by commas, 'no …' for absent.",
        "add": "Add",
        "no_findings": "No symptoms yet.",
        "finding": "Finding",
        "status": "Status",
        "present": "Present",
        "absent": "Absent",
        "severity": "Severity",
        "sev_none": "—",
        "sev_mild": "mild",
        "sev_moderate": "moderate",
        "sev_severe": "severe",
        "remove": "Remove",
        "note": "Clinical note (optional)",
        "note_hint": "Symptoms named in the note are listed for you to confirm; "
        "'no X', 'denies X', 'sin X', 'niega X' mark X absent.",
        "extract": "Find symptoms in the note",
        "suggestions": "Found in the note — tick the ones to add",
        "add_selected": "Add selected",
        "none_found": "No symptoms recognised in the note.",
        "note_conflict": "The note says it both ways:",
        "note_implied": "Absent in the note, which also names {names}.",
        "note_contradicts": "Contradicts your list: you entered it as {entered}, the note says {said}.",
        "note_keep": "Keep it {state}",
        "note_change": "Change it to {state}",
        "note_leave_out": "Leave out",
        "note_listed": "already in your list",
        "note_repeated": "named {n} times",
        "note_no_current": "No current symptoms in the note.",
        "note_context": "Named in the note but not current (not added)",
        "nctx_history": "past history",
        "nctx_family": "family history",
        "nctx_hypothetical": "hypothetical",
        "nctx_trigger": "what brings it on",
        "nctx_denied": "denied",
        "note_measures": "Read from the note",
        "m_filled": "filled in",
        "m_same": "as in the form",
        "m_kept": "the form says {form}: kept",
        "m_unreadable": "not used: implausible",
        "patient": "Patient",
        "age": "Age (years)",
        "onset_age": "Onset (age in years)",
        "sex": "Sex",
        "sex_unknown": "Not stated",
        "female": "Female",
        "male": "Male",
        "vitals": "Vital signs (optional)",
        "temperature": "Temperature",
        "unit": "Unit",
        "heart_rate": "Heart rate (/min)",
        "respiratory_rate": "Respiratory rate (/min)",
        "systolic_bp": "Systolic BP (mmHg)",
        "diastolic_bp": "Diastolic BP (mmHg)",
        "spo2": "SpO₂ (%)",
        "context": "Clinical setting",
        "ctx_primary-care": "Primary care",
        "ctx_emergency": "Emergency department",
        "ctx_rare-disease-clinic": "Rare-disease clinic",
        "diagnose": "Show probabilities",
        "working": "Calculating…",
        "results": "Differential diagnosis",
        "results_empty": "Add findings and press “Show probabilities”.",
        "probability": "Probability",
        "orphan": "Rare (orphan)",
        "common": "Common",
        "other": "Other / not in the knowledge base",
        "dm_badge": "Don't miss",
        "dm_title": "Time-critical diagnoses",
        "dm_hint": "Shown while they cannot be ruled out, even when unlikely; "
        "the next questions include those that rule them in or out.",
        "dm_kept": "Kept in view by",
        "dm_kept_none": "its baseline risk alone",
        "dm_guideline": "Guideline",
        "why": "Why?",
        "frequency_col": "Frequency",
        "missing": "Frequent features not reported",
        "details": "Phenotypes and sources",
        "questions": "Next questions worth asking",
        "questions_hint": "One click adds the answer and recalculates.",
        "yes": "Yes",
        "no": "No",
        "gain": "expected gain",
        "bits": "bits",
        "used": "Findings used",
        "from_vitals": "from vital signs",
        "implied": "counted through a more specific finding",
        "warnings": "Warnings",
        "model": "Model",
        "kb": "Knowledge base",
        "check": "Please check",
        "network_error": "Could not reach the server; try again.",
        "api": "JSON API",
        "back": "Differential diagnosis form",
        "source": "Source",
        "prevalence": "Prevalence",
        "inheritance": "Inheritance",
        "onset": "Onset",
        "icd10": "ICD-10",
        "xrefs": "Cross-references",
        "settings": "Clinical settings",
        "age_range": "Typical age (years)",
        "sex_pattern": "Sex pattern",
        "phenotype": "Phenotype",
        "evidence": "Evidence",
        "references": "References",
        "not_links": "Documented as NOT a feature",
        "unknown_frequency": "not stated",
        "phenotypes": "Phenotypes",
        "no_phenotypes": "No phenotype annotations (a disease known from patient data only).",
        "not_found": "Not found",
        "error": "Something went wrong",
        "too_many": "Too many requests; wait a moment and try again.",
        "form_expired": "The form expired; reload the page and submit again.",
        "home": "Start page",
        "match_exact": "exact match",
        "match_via_descendant": "matches a more specific feature",
        "match_via_ancestor": "matches a more general feature",
        "match_related": "related feature",
        "match_unmatched": "not a known feature",
        "match_not_annotated": "documented as NOT a feature",
        "match_excluded_present": "absent, but a feature of the disease",
        "match_excluded_consistent": "absent, as expected",
        "match_excluded_unrelated": "absent; unrelated",
        "why_caption": _scale("en"),
        "no_effect_summary": "Findings with no effect on this disease",
        "of_patients": WORDS["en"]["frequency"],
        "stale": "The form changed after these results: they are out of date. "
        "Press “Show probabilities” to update them.",
        "english_names": "Rare diseases with no published Spanish name are shown in English.",
        "sexp_any": "both sexes",
        "sexp_female": "female only",
        "sexp_male": "male only",
        "sexp_female-predominant": "mostly female",
        "sexp_male-predominant": "mostly male",
        "pk_point-prevalence": "point prevalence",
        "pk_annual-incidence": "annual incidence",
        "pk_lifetime-prevalence": "lifetime prevalence",
        "pk_birth-prevalence": "birth prevalence",
        "one_in": "1 in {n}",
        "origin_hpo": "HPO annotation",
        "origin_curated": "dxgraph curation",
        "origin_overlay": "dxgraph correction",
        "link_sex_female": "in females",
        "link_sex_male": "in males",
        "ev_PCS": "published clinical study",
        "ev_TAS": "traceable author statement",
        "ev_IEA": "electronic annotation",
        "ev_guideline": "clinical guideline",
        "err_less_than_equal": "{label}: must be at most {le}",
        "err_less_than": "{label}: must be less than {lt}",
        "err_greater_than_equal": "{label}: must be at least {ge}",
        "err_greater_than": "{label}: must be more than {gt}",
        "err_range": "{label}: {value} is outside the plausible range {low}–{high}",
        "err_number": "{label}: “{value}” is not a number",
        "err_onset_after_age": "{label}: the onset cannot be after the current age",
        "err_invalid": "{label}: this value is not accepted",
        "err_request": "The request was not accepted; check the form.",
        "err_busy": "The server is busy; wait a moment and try again.",
        "not_recognised": "Not recognised",
        "disclaimer_label": "Disclaimer",
    },
    "es": {
        "title": "dxgraph — apoyo al diagnóstico diferencial",
        "tagline": "Probabilidad de enfermedades comunes y raras a partir de hallazgos parciales, explicada.",
        "disclaimer": "Solo es un apoyo: complementa, no sustituye, el juicio clínico. "
        "Las probabilidades proceden de frecuencias publicadas y pueden no ajustarse a su paciente.",
        "skip": "Ir a los resultados",
        "language": "Idioma",
        "findings": "Síntomas y signos",
        "add_label": "Añadir un síntoma o signo",
        "add_hint": "Escriba en español o inglés (p. ej. fiebre, cough); elija con ↓ ↑ e Intro. "
        "Sin JavaScript: nombres o códigos HPO separados por comas, 'no …' si está ausente.",
        "add": "Añadir",
        "no_findings": "Aún no hay síntomas.",
        "finding": "Hallazgo",
        "status": "Estado",
        "present": "Presente",
        "absent": "Ausente",
        "severity": "Intensidad",
        "sev_none": "—",
        "sev_mild": "leve",
        "sev_moderate": "moderada",
        "sev_severe": "grave",
        "remove": "Quitar",
        "note": "Nota clínica (opcional)",
        "note_hint": "Los síntomas mencionados en la nota se listan para que los confirme; "
        "'sin X', 'niega X', 'no X', 'denies X' marcan X como ausente.",
        "extract": "Buscar síntomas en la nota",
        "suggestions": "Encontrados en la nota — marque los que quiera añadir",
        "add_selected": "Añadir los marcados",
        "none_found": "No se reconocieron síntomas en la nota.",
        "note_conflict": "La nota lo dice de las dos maneras:",
        "note_implied": "Ausente en la nota, que también nombra {names}.",
        "note_contradicts": "Contradice su lista: lo introdujo como {entered}, la nota dice {said}.",
        "note_keep": "Mantenerlo {state}",
        "note_change": "Cambiarlo a {state}",
        "note_leave_out": "No añadir",
        "note_listed": "ya está en su lista",
        "note_repeated": "nombrado {n} veces",
        "note_no_current": "La nota no menciona síntomas actuales.",
        "note_context": "Nombrados en la nota pero no actuales (no se añaden)",
        "nctx_history": "antecedente personal",
        "nctx_family": "antecedente familiar",
        "nctx_hypothetical": "hipotético",
        "nctx_trigger": "desencadenante",
        "nctx_denied": "negado",
        "note_measures": "Leído en la nota",
        "m_filled": "rellenado",
        "m_same": "igual que en el formulario",
        "m_kept": "el formulario dice {form}: se mantiene",
        "m_unreadable": "no usado: inverosímil",
        "patient": "Paciente",
        "age": "Edad (años)",
        "onset_age": "Inicio (edad en años)",
        "sex": "Sexo",
        "sex_unknown": "No indicado",
        "female": "Mujer",
        "male": "Hombre",
        "vitals": "Constantes vitales (opcional)",
        "temperature": "Temperatura",
        "unit": "Unidad",
        "heart_rate": "Frecuencia cardiaca (lpm)",
        "respiratory_rate": "Frecuencia respiratoria (rpm)",
        "systolic_bp": "PA sistólica (mmHg)",
        "diastolic_bp": "PA diastólica (mmHg)",
        "spo2": "SpO₂ (%)",
        "context": "Ámbito clínico",
        "ctx_primary-care": "Atención primaria",
        "ctx_emergency": "Urgencias",
        "ctx_rare-disease-clinic": "Consulta de enfermedades raras",
        "diagnose": "Calcular probabilidades",
        "working": "Calculando…",
        "results": "Diagnóstico diferencial",
        "results_empty": "Añada hallazgos y pulse «Calcular probabilidades».",
        "probability": "Probabilidad",
        "orphan": "Rara (huérfana)",
        "common": "Frecuente",
        "other": "Otra / no incluida en la base de conocimiento",
        "dm_badge": "No pasar por alto",
        "dm_title": "Diagnósticos tiempo-dependientes",
        "dm_hint": "Se muestran mientras no puedan descartarse, aunque sean poco probables; "
        "las preguntas siguientes incluyen las que los confirman o descartan.",
        "dm_kept": "Se mantiene por",
        "dm_kept_none": "solo su riesgo basal",
        "dm_guideline": "Guía",
        "why": "¿Por qué?",
        "frequency_col": "Frecuencia",
        "missing": "Rasgos frecuentes no referidos",
        "details": "Fenotipos y fuentes",
        "questions": "Preguntas que más aclararían",
        "questions_hint": "Un clic añade la respuesta y recalcula.",
        "yes": "Sí",
        "no": "No",
        "gain": "ganancia esperada",
        "bits": "bits",
        "used": "Hallazgos utilizados",
        "from_vitals": "de las constantes vitales",
        "implied": "contado a través de un hallazgo más específico",
        "warnings": "Avisos",
        "model": "Modelo",
        "kb": "Base de conocimiento",
        "check": "Revise",
        "network_error": "No se pudo contactar con el servidor; inténtelo de nuevo.",
        "api": "API JSON",
        "back": "Formulario de diagnóstico diferencial",
        "source": "Fuente",
        "prevalence": "Prevalencia",
        "inheritance": "Herencia",
        "onset": "Inicio",
        "icd10": "CIE-10",
        "xrefs": "Referencias cruzadas",
        "settings": "Ámbitos clínicos",
        "age_range": "Edad típica (años)",
        "sex_pattern": "Patrón por sexo",
        "phenotype": "Fenotipo",
        "evidence": "Evidencia",
        "references": "Referencias",
        "not_links": "Documentado como NO característico",
        "unknown_frequency": "no indicada",
        "phenotypes": "Fenotipos",
        "no_phenotypes": "Sin anotaciones de fenotipo (enfermedad conocida solo por datos de pacientes).",
        "not_found": "No encontrado",
        "error": "Algo salió mal",
        "too_many": "Demasiadas peticiones; espere un momento y vuelva a intentarlo.",
        "form_expired": "El formulario caducó; recargue la página y envíelo de nuevo.",
        "home": "Página de inicio",
        "match_exact": "coincidencia exacta",
        "match_via_descendant": "coincide con un rasgo más específico",
        "match_via_ancestor": "coincide con un rasgo más general",
        "match_related": "rasgo relacionado",
        "match_unmatched": "no es un rasgo conocido",
        "match_not_annotated": "documentado como NO característico",
        "match_excluded_present": "ausente, pero es rasgo de la enfermedad",
        "match_excluded_consistent": "ausente, como se espera",
        "match_excluded_unrelated": "ausente; sin relación",
        "why_caption": _scale("es"),
        "no_effect_summary": "Hallazgos sin efecto sobre esta enfermedad",
        "of_patients": WORDS["es"]["frequency"],
        "stale": "El formulario cambió después de estos resultados: están desactualizados. "
        "Pulse «Calcular probabilidades» para actualizarlos.",
        "english_names": "Las enfermedades raras sin nombre publicado en español se muestran en inglés.",
        "sexp_any": "ambos sexos",
        "sexp_female": "solo mujeres",
        "sexp_male": "solo varones",
        "sexp_female-predominant": "predominio femenino",
        "sexp_male-predominant": "predominio masculino",
        "pk_point-prevalence": "prevalencia puntual",
        "pk_annual-incidence": "incidencia anual",
        "pk_lifetime-prevalence": "prevalencia a lo largo de la vida",
        "pk_birth-prevalence": "prevalencia al nacer",
        "one_in": "1 de cada {n}",
        "origin_hpo": "anotación de la HPO",
        "origin_curated": "curación de dxgraph",
        "origin_overlay": "corrección de dxgraph",
        "link_sex_female": "en mujeres",
        "link_sex_male": "en varones",
        "ev_PCS": "estudio clínico publicado",
        "ev_TAS": "afirmación de autor rastreable",
        "ev_IEA": "anotación electrónica",
        "ev_guideline": "guía clínica",
        "err_less_than_equal": "{label}: debe ser como máximo {le}",
        "err_less_than": "{label}: debe ser menor que {lt}",
        "err_greater_than_equal": "{label}: debe ser al menos {ge}",
        "err_greater_than": "{label}: debe ser mayor que {gt}",
        "err_range": "{label}: {value} está fuera del intervalo plausible {low}–{high}",
        "err_number": "{label}: «{value}» no es un número",
        "err_onset_after_age": "{label}: el inicio no puede ser posterior a la edad actual",
        "err_invalid": "{label}: este valor no es válido",
        "err_request": "No se aceptó la solicitud; revise el formulario.",
        "err_busy": "El servidor está ocupado; espere un momento y vuelva a intentarlo.",
        "not_recognised": "No reconocido",
        "disclaimer_label": "Aviso",
    },
}


# API field names -> the message key naming that field on the form
FIELD_LABELS = {
    "age": "age",
    "onset": "onset_age",
    "sex": "sex",
    "context": "context",
    "temperature": "temperature",
    "vitals.temperature_c": "temperature",
    "vitals.temperature_f": "temperature",
    **{
        f"{prefix}{name}": name
        for name in ("heart_rate", "respiratory_rate", "systolic_bp", "diastolic_bp", "spo2")
        for prefix in ("", "vitals.")
    },
}
NUMBER_CODES = frozenset(["number", "float_type", "float_parsing", "int_type", "int_parsing"])


def error_text(field: str | None, code: str | None, params: dict | None, lang: str) -> str:
    """A client mistake worded in `lang` for the form (the API's English message is never shown)."""
    params = params or {}
    label_key = FIELD_LABELS.get(field or "")
    if label_key is None:
        return translate("err_request", lang)
    key = "err_number" if code in NUMBER_CODES else f"err_{code}"
    if key not in MESSAGES["en"]:
        key = "err_invalid"
    values = {name: _shown(value, lang) for name, value in params.items()}
    try:
        return translate(key, lang).format(label=translate(label_key, lang), **values)
    except (KeyError, IndexError):
        return translate("err_invalid", lang).format(label=translate(label_key, lang))


def _shown(value, lang: str) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return text.replace(".", ",") if lang == "es" and isinstance(value, float) else text


def translate(key: str, lang: str | None = None) -> str:
    """The UI string `key` in `lang` (the request's language by default), English as fallback."""
    lang = lang or current_lang()
    return MESSAGES.get(lang, {}).get(key) or MESSAGES["en"].get(key, key)


def valid(lang: str | None) -> str | None:
    return lang if lang in LANGS else None


def current_lang() -> str:
    """?lang= or the language button, then the remembered cookie, then Accept-Language, then English."""
    if "lang" in g:
        return g.lang
    try:
        posted = request.form.get("set_lang")
    except HTTPException:  # e.g. a body over the size limit: answer in the remembered language
        posted = None
    chosen = valid(request.args.get("lang")) or valid(posted)
    if chosen:
        g.remember_lang = chosen
    lang = chosen or valid(request.cookies.get(COOKIE)) or request.accept_languages.best_match(LANGS) or "en"
    g.lang = lang
    return lang


def _remember(response: Response) -> Response:
    chosen = g.get("remember_lang")
    if chosen and request.cookies.get(COOKIE) != chosen:
        response.set_cookie(COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def has_text(key: str) -> bool:
    return key in MESSAGES["en"]


def share(value: float | None, lang: str | None = None) -> str:
    """A prevalence in words: '1.2%' from 1% up, else '1 in 2,500' (es: '1,2 %', '1 de cada 2.500')."""
    lang = lang or current_lang()
    if value is None or value <= 0:
        return "–"
    if value >= 0.01:
        text = f"{value * 100:.1f}".removesuffix(".0")
        return text.replace(".", ",") + " %" if lang == "es" else text + "%"
    return translate("one_in", lang).format(n=number(1 / value, lang))


def percent(value: float | None, digits: int = 1, lang: str | None = None) -> str:
    """A probability as '12.3%' ('12,3 %' in Spanish); '<0.1%' below 0.1%."""
    lang = lang or current_lang()
    if value is None or not math.isfinite(value):
        return "–"
    smallest = 10.0**-digits
    text = f"<{smallest:g}" if digits and value * 100 < smallest else f"{value * 100:.{digits}f}"
    return text.replace(".", ",") + " %" if lang == "es" else text + "%"


def install(app: Flask) -> None:
    """Make the translation helpers available to the templates and remember the chosen language in a
    cookie."""
    app.jinja_env.globals.update(
        _=translate, current_lang=current_lang, LANGS=LANGS, error_text=error_text, has_text=has_text
    )
    app.jinja_env.filters.update(share=share, percent=percent, percent0=lambda value: percent(value, 0))
    app.after_request(_remember)
