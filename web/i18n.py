"""The per-request language choice (?lang=, the language button, a cookie, Accept-Language) and the
helpers that word things in it for the templates: UI strings from the catalogue (web.messages), form errors,
percentages and prevalences."""

from __future__ import annotations

import math

from flask import Flask, Response, g, has_request_context, request
from werkzeug.exceptions import HTTPException

from web.messages import MESSAGES
from web.wording import number

__all__ = ["FIELD_LABELS", "current_lang", "install", "percent"]

LANGS = ("en", "es")
COOKIE = "dxgraph_lang"


# API field names -> the message key naming that field on the form
FIELD_LABELS = {
    "age": "age",
    "onset": "onset_age",
    "sex": "sex",
    "duration_days": "duration",
    "risk_factors": "risks",
    "family_history": "risks",
    "complaint_onset": "complaint_onset",
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
    found = MESSAGES.get(lang, {}).get(key) or MESSAGES["en"].get(key)
    if found is None and has_request_context():  # a risk factor's label, from the served KB (pages._page)
        found = g.get("risk_labels", {}).get(key)
    return found or key


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
