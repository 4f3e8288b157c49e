"""The doctor's pages: the differential form (works with and without JavaScript) and disease pages."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request

from web import diseases, forms, service
from web.i18n import FIELD_LABELS, current_lang
from web.messages import MESSAGES
from web.schemas import ApiError, DiagnoseRequest, validate
from web.state import engine

__all__ = ["bp"]

bp = Blueprint("pages", __name__)

# API field names -> the form inputs they come from
FIELD_INPUTS = {
    "age": "age",
    "onset": "onset",
    "sex": "sex",
    "duration_days": "duration",
    "risk_factors": "risks",
    "family_history": "risks",
    "complaint_onset": "complaint_onset",
    "context": "context",
    "vitals.temperature_c": "temperature",
    "vitals.temperature_f": "temperature",
    "temperature": "temperature",
    **{f"vitals.{name}": name for name in forms.NUMBER_FIELDS[1:]},
    **{name: name for name in forms.NUMBER_FIELDS[1:]},
}


def _page(state: forms.PageState, result: dict | None = None, error: ApiError | None = None, status=200):
    lang = current_lang()
    g.risk_labels = risk_labels(lang)
    return (
        render_template(
            "index.html",
            state=state,
            result=result,
            error=error,
            error_input=FIELD_INPUTS.get(error.field or "") if error else None,
            messages={**MESSAGES[lang], **g.risk_labels},
            risk_groups=forms.RISK_GROUPS,
            disease_label=lambda disease: _disease_label(disease, lang),
            field_inputs=FIELD_INPUTS,
            field_labels=FIELD_LABELS,
        ),
        status,
    )


def _disease_label(disease: str, lang: str) -> str:
    kb = engine().diagnoser.kb
    return kb.disease_label(kb.disease_index[disease], lang) if disease in kb.disease_index else disease


def risk_labels(lang: str) -> dict[str, str]:
    """Message key -> label of each risk factor of the served knowledge base ("risk_smoking": "Smoker")."""
    factors = engine().diagnoser.risk.factors
    return {
        forms.risk_field(key): factor.label_es if lang == "es" else factor.label
        for key, factor in factors.items()
    }


@bp.get("/")
def index():
    """The empty form."""
    return _page(forms.PageState())


@bp.post("/")
def submit():
    """The form posted without JavaScript (or the language switch): recompute and render everything."""
    lang = current_lang()
    current = engine()
    state = forms.parse(request.form, current.index, lang)
    action = request.form.get("action", "diagnose")
    if not state.rows and (action == "extract" or request.form.get("set_lang")):
        return _page(state)  # nothing to compute yet
    try:
        model = validate(DiagnoseRequest, forms.request_payload(state, lang))
        result = service.envelope(current, service.diagnose(current, model, via="page"))
    except ApiError as error:
        return _page(state, error=error, status=400)
    return _page(state, result)


@bp.get("/diseases/<disease_id>")
def disease(disease_id: str):
    """A disease's phenotypes, frequencies and sources (PMIDs linked to PubMed)."""
    current = engine()
    try:
        info = diseases.disease(current, disease_id, current_lang())
    except ApiError:
        return render_template("error.html", code=404, message_key="not_found"), 404
    return render_template("disease.html", disease=info)
