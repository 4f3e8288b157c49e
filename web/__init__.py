"""The dxgraph website and JSON API.

`create_app` (web/app.py) is imported on first use: a command that only needs a web helper (wording,
i18n) must not load the server with it, whose Prometheus metrics have to be created after `dxgraph
serve` has chosen their multi-process directory.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from knowledge.config import Settings

__all__ = ["create_app"]


def create_app(settings: Settings | None = None, testing: bool = False) -> Flask:
    """The site + API over the compiled KB in settings.kb_dir and the promoted model (see web/app.py)."""
    from web.app import create_app as factory

    return factory(settings, testing)
