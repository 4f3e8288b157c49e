"""Web settings: DXGRAPH_* environment variables on top of the shared `Settings` (paths)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from limits import parse_many

from knowledge import config
from knowledge.config import Settings

__all__ = ["WebConfig"]

DEFAULT_RATE_LIMIT = "10000 per minute"


def _number(env: Mapping[str, str], name: str, default: float, minimum: float) -> float:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a number") from None
    if value < minimum:
        raise ValueError(f"{name}={raw!r} must be at least {minimum}")
    return value


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class WebConfig:
    """Everything the site reads from the environment (see docs/web.md, "Operations")."""

    rate_limit: str = DEFAULT_RATE_LIMIT
    max_body_bytes: int = 1_000_000
    admin_token: str | None = None
    secret_key: str = ""
    reload_check_s: float = 3.0
    sparql_timeout_s: float = 10.0
    sparql_max_rows: int = 10_000
    sparql_memory_mb: int = 768
    sparql_slots: int = 2
    request_budget_s: float = 2.0
    ordinary_lane: bool = True
    cache_mb: float = 48.0  # per worker, in bytes, for each kind of likelihood (literature rule, fitted)
    shared_cache_mb: float = 160.0  # pinned before the fork, without a likelihood table only
    table_terms: int = config.TABLE_TERMS
    trust_proxy: bool = False
    secure_cookies: bool = False
    log_level: str = "INFO"

    @classmethod
    def from_env(
        cls, settings: Settings, testing: bool = False, env: Mapping[str, str] | None = None
    ) -> WebConfig:
        """Read the DXGRAPH_* variables of `env` (default: the process environment), checking each.
        `testing`: pointers checked on every request, no shared cache, no likelihood table, and a random
        secret key unless one is set. Raises ValueError naming a malformed or out-of-range variable."""
        env = config.environ() if env is None else env
        rate_limit = env.get("DXGRAPH_RATE_LIMIT") or DEFAULT_RATE_LIMIT
        try:
            parse_many(rate_limit)
        except ValueError:
            raise ValueError(
                f"DXGRAPH_RATE_LIMIT={rate_limit!r} is not a rate limit (e.g. '600 per minute')"
            ) from None
        return cls(
            rate_limit=rate_limit,
            max_body_bytes=int(_number(env, "DXGRAPH_MAX_BODY_BYTES", 1_000_000, 1024)),
            admin_token=env.get("DXGRAPH_ADMIN_TOKEN") or None,
            secret_key=env.get("DXGRAPH_SECRET_KEY") or _secret_key(settings, testing),
            reload_check_s=0.0 if testing else _number(env, "DXGRAPH_RELOAD_CHECK_SECONDS", 3.0, 0.0),
            sparql_timeout_s=_number(env, "DXGRAPH_SPARQL_TIMEOUT", 10.0, 0.1),
            sparql_max_rows=int(_number(env, "DXGRAPH_SPARQL_MAX_ROWS", 10_000, 1)),
            sparql_memory_mb=int(_number(env, "DXGRAPH_SPARQL_MEMORY_MB", 768, 64)),
            sparql_slots=int(_number(env, "DXGRAPH_SPARQL_SLOTS", 2, 1)),
            request_budget_s=_number(env, "DXGRAPH_REQUEST_BUDGET_MS", 2000, 10) / 1000,
            ordinary_lane=env.get("DXGRAPH_ORDINARY_LANE", "on").strip().lower()
            not in ("0", "false", "no", "off"),
            cache_mb=_number(env, "DXGRAPH_CACHE_MB", 48, 0),
            shared_cache_mb=0.0 if testing else _number(env, "DXGRAPH_SHARED_CACHE_MB", 160, 0),
            table_terms=0 if testing else int(_number(env, "DXGRAPH_TABLE_TERMS", config.TABLE_TERMS, 0)),
            trust_proxy=_flag(env, "DXGRAPH_TRUST_PROXY"),
            secure_cookies=_flag(env, "DXGRAPH_SECURE_COOKIES"),
            log_level=(env.get("DXGRAPH_LOG_LEVEL") or "INFO").upper(),
        )


def _secret_key(settings: Settings, testing: bool) -> str:
    """A key kept in $DXGRAPH_HOME/secrets/web.key (so sessions survive restarts), else a random one."""
    if testing:
        return secrets.token_hex(32)
    path: Path = settings.home / "secrets" / "web.key"
    try:
        if path.exists():
            key = path.read_text(encoding="utf-8").strip()
            if len(key) >= 32:
                return key
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(key + "\n")
        return key
    except OSError:
        return secrets.token_hex(32)
