"""Operations: /healthz, /metrics, security headers, request logs and metrics, error pages."""

from __future__ import annotations

import logging
import re
import time
import traceback
import uuid

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    make_response,
    render_template,
    request,
)
from flask.globals import request_ctx
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from web import metrics
from web.schemas import ApiError

__all__ = ["QUIET", "install"]

try:  # the server's own body-parsing errors (bad chunked encoding, a body cut short)
    from gunicorn.http.errors import NoMoreData, ParseException

    BODY_ERRORS: tuple[type[Exception], ...] = (ParseException, NoMoreData)
except ImportError:  # pragma: no cover - gunicorn is a dependency; the dev server has no such errors
    BODY_ERRORS = ()

log = logging.getLogger("dxgraph.web")
bp = Blueprint("ops", __name__)
QUIET = frozenset({"ops.healthz", "ops.metrics", "static"})  # neither logged nor rate limited
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


@bp.get("/healthz")
def healthz() -> Response:
    """Liveness: the process answers (no KB access)."""
    return Response("ok", mimetype="text/plain")


@bp.get("/metrics", endpoint="metrics")
def metrics_view() -> Response:
    """Prometheus exposition (all workers)."""
    body, content_type = metrics.render()
    return Response(body, content_type=content_type)


def _start() -> None:
    g.started = time.perf_counter()
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex


def _finish(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    request_id = g.get("request_id")
    if request_id:
        response.headers["X-Request-ID"] = request_id
    holder = current_app.extensions["dxgraph"]
    engine = holder.peek()
    response.headers["X-Model-Version"] = engine.model_version
    if request.endpoint in QUIET:
        return response
    route = request.url_rule.rule if request.url_rule is not None else "unmatched"
    elapsed = max(0.0, time.perf_counter() - g.get("started", time.perf_counter()))
    metrics.REQUESTS.labels(request.method, route, str(response.status_code)).inc()
    metrics.LATENCY.labels(route).observe(elapsed)
    metrics.show_model(engine.model_version, engine.kb_version)
    log.info(
        "request",
        extra={
            "event": "request",
            "method": request.method,
            "route": route,
            "status": response.status_code,
            "latency_ms": round(elapsed * 1000, 1),
            "model_version": engine.model_version,
            "request_id": request_id,
        },
    )
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _html_error(code: int, message_key: str):
    if request_ctx.url_adapter is None:  # the Host header is unusable (e.g. a label over 63 chars): no URLs
        text = f"{code} {HTTP_STATUS_CODES.get(code, 'Error')} (check the Host header)\n"
        return Response(text, status=code, mimetype="text/plain")
    return render_template("error.html", code=code, message_key=message_key), code


def _api_error(error: ApiError):
    response = jsonify(error.as_dict())
    response.status_code = error.status
    retry_after = getattr(error, "retry_after", None)  # web.api.Busy
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _csrf_error(error: CSRFError):
    if _wants_json():
        return jsonify({"error": error.description, "field": "csrf_token"}), 400
    return _html_error(400, "form_expired")


def _http_error(error: HTTPException):
    code = error.code or 500
    if _wants_json():
        field = {413: "body", 405: "method"}.get(code)
        message = error.description or error.name
        if code == 413:
            limit = current_app.config.get("MAX_CONTENT_LENGTH")
            message = f"the request body is larger than {limit} bytes"
        response = jsonify({"error": message, "field": field})
        response.status_code = code
        for name, value in error.get_headers():
            if name in ("Allow", "Retry-After"):
                response.headers[name] = value
        return response
    key = {404: "not_found", 429: "too_many"}.get(code, "error")
    response = make_response(_html_error(code, key))
    for name, value in error.get_headers():
        if name == "Retry-After":
            response.headers[name] = value
    return response


def _bad_body(error: Exception):
    """A body the server cannot parse (bad chunk size, missing terminator, cut short): 400, then close."""
    message = f"malformed request body ({type(error).__name__})"
    if _wants_json():
        response = jsonify({"error": message, "field": "body"})
        response.status_code = 400
    else:
        response = Response(f"400 {message}\n", status=400, mimetype="text/plain")
    response.headers["Connection"] = "close"  # the rest of the stream cannot be trusted
    return response


def _unexpected(error: Exception):
    frames = traceback.extract_tb(error.__traceback__)
    where = f"{frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else None
    # the type and place only: messages may quote what the doctor entered
    log.error("unhandled error", extra={"event": "error", "error_type": type(error).__name__, "where": where})
    if _wants_json():
        return jsonify({"error": "internal error", "field": None}), 500
    return _html_error(500, "error")


def install(app: Flask) -> None:
    """Register the operations blueprint (/healthz, /metrics), the request timing and security-header hooks
    and the error handlers on the app."""
    app.register_blueprint(bp)
    app.before_request(_start)
    app.after_request(_finish)
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    for kind in BODY_ERRORS:
        app.register_error_handler(kind, _bad_body)
    app.register_error_handler(Exception, _unexpected)
