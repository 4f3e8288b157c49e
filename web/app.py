"""The dxgraph website and JSON API: the Flask application factory."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

from flask import Flask, request, url_for
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import TooManyRequests
from werkzeug.middleware.proxy_fix import ProxyFix

from knowledge.config import Settings, load_settings
from web import api, i18n, ops, pages
from web.config import WebConfig
from web.jsonio import OrjsonProvider
from web.logs import setup_logging
from web.ratelimit import SharedRateLimit
from web.slots import Slots
from web.state import CacheBudget, EngineHolder

__all__ = ["create_app"]

STATIC = Path(__file__).resolve().parent / "static"


def _static_versions() -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:10]
        for path in STATIC.iterdir()
        if path.is_file()
    }


def _pct(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    if value < 0.001:
        return "<0.1%"
    return f"{value * 100:.1f}%"


def _pct0(value: float | None) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value * 100:.0f}%"


def _ratio(contribution: dict) -> str:
    """A likelihood ratio as ×5.2 (raises) or ÷3.1 (lowers)."""
    ratio = contribution["likelihood_ratio"]
    if ratio >= 1:
        return f"×{ratio:.1f}" if ratio < 1000 else "×>999"
    inverse = 1 / ratio if ratio > 0 else math.inf
    return f"÷{inverse:.1f}" if inverse < 1000 else "÷>999"


def create_app(settings: Settings | None = None, testing: bool = False) -> Flask:
    """The site + API over the compiled KB in settings.kb_dir and the promoted model."""
    settings = settings or load_settings()
    config = WebConfig.from_env(settings, testing)
    setup_logging(config.log_level)
    app = Flask(__name__)
    app.config.update(
        TESTING=testing,
        SECRET_KEY=config.secret_key,
        MAX_CONTENT_LENGTH=config.max_body_bytes,
        MAX_FORM_MEMORY_SIZE=config.max_body_bytes,
        WTF_CSRF_TIME_LIMIT=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.secure_cookies,
        SEND_FILE_MAX_AGE_DEFAULT=7 * 24 * 3600,
    )
    app.json = OrjsonProvider(app)
    budget = CacheBudget(
        private=int(config.cache_mb * 2**20),
        shared=int(config.shared_cache_mb * 2**20),
        table_terms=config.table_terms,
    )
    app.extensions["dxgraph"] = EngineHolder(settings, config.reload_check_s, not testing, budget)
    app.extensions["dxgraph.config"] = config
    app.extensions["dxgraph.settings"] = settings
    app.extensions["dxgraph.sparql_slots"] = Slots(settings.home / "run", config.sparql_slots, "sparql")

    ops.install(app)  # first: its request hooks (timing, request id) run before CSRF and rate limits
    csrf = CSRFProtect(app)
    csrf.exempt(api.bp)  # the API takes no cookies: nothing to forge
    limiter = SharedRateLimit(config.rate_limit)  # one budget per client address, all routes and workers
    app.extensions["dxgraph.rate_limit"] = limiter
    app.before_request(lambda: _rate_limited(limiter))
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    i18n.install(app)

    versions = _static_versions()
    app.jinja_env.globals["static_url"] = lambda name: url_for("static", filename=name, v=versions.get(name))
    app.jinja_env.globals["holder"] = lambda: app.extensions["dxgraph"].peek()
    app.jinja_env.filters.update(pct=_pct, pct0=_pct0, ratio=_ratio)
    for name in app.jinja_env.list_templates():  # compiled now, with the code: the same in every worker
        app.jinja_env.get_template(name)
    if config.trust_proxy:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    return app


def _rate_limited(limiter: SharedRateLimit) -> None:
    """429 with Retry-After once a client address used up a window (health checks, metrics and static
    files are never limited)."""
    if request.endpoint in ops.QUIET:
        return
    verdict = limiter.hit(request.remote_addr or "unknown")
    if not verdict.allowed:
        raise TooManyRequests(
            f"rate limit exceeded ({verdict.limit} per client address); retry in {verdict.retry_after} s",
            retry_after=verdict.retry_after,
        )
