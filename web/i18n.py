"""English and Spanish UI strings (a plain catalogue) and the per-request language choice."""

from __future__ import annotations

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

LANGS = ("en", "es")
COOKIE = "dxgraph_lang"

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
        "why": "Why?",
        "why_caption": "How each finding moved this disease (likelihood ratio against a disease "
        "outside the knowledge base)",
        "effect": "Effect",
        "match": "Match",
        "annotation": "Matched annotation",
        "raises": "raises",
        "lowers": "lowers",
        "frequency": "frequency",
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
        "twin_note": "Also catalogued as {id}; that description gives {share} of this probability "
        "(the explanation below uses this entry's annotations).",
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
        "why": "¿Por qué?",
        "why_caption": "Cuánto movió cada hallazgo esta enfermedad (cociente de verosimilitud frente a "
        "una enfermedad fuera de la base)",
        "effect": "Efecto",
        "match": "Coincidencia",
        "annotation": "Anotación coincidente",
        "raises": "sube",
        "lowers": "baja",
        "frequency": "frecuencia",
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
        "twin_note": "También catalogada como {id}; esa descripción aporta {share} de esta probabilidad "
        "(la explicación usa las anotaciones de esta entrada).",
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
    },
}


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


def install(app: Flask) -> None:
    app.jinja_env.globals.update(_=translate, current_lang=current_lang, LANGS=LANGS)
    app.after_request(_remember)
