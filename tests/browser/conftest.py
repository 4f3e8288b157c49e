"""Browser fixtures: Debian's chromium driven by PyPI playwright against the app on a real local server."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.config import Settings, load_settings

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "reports" / "screenshots"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"  # axe-core 4.14.1

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _chromium() -> str | None:
    for candidate in (os.environ.get("DXGRAPH_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's chromium; missing it fails under CI=true (never a silent skip there)."""
    path = _chromium()
    if path is None:
        message = "chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("playwright is not installed")
        pytest.skip("playwright is not installed")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def live_server(kb_home) -> Iterator[str]:
    """The app on a free port, served by werkzeug's threaded server in a background thread."""
    from werkzeug.serving import make_server

    from web import create_app

    base = load_settings()
    settings = Settings(home=kb_home, hpo_dir=base.hpo_dir, ontologies_dir=base.ontologies_dir)
    with pytest.MonkeyPatch.context() as patch:
        for name in ("DXGRAPH_RATE_LIMIT", "DXGRAPH_ADMIN_TOKEN", "DXGRAPH_MAX_BODY_BYTES"):
            patch.delenv(name, raising=False)
        app = create_app(settings, testing=True)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture()
def problems() -> list[str]:
    """Console errors and page errors (CSP violations show up here)."""
    return []


@pytest.fixture()
def open_page(browser, problems):
    """open_page(width, height, javascript=True) -> a new page in its own context (closed afterwards)."""
    contexts = []

    def factory(width: int = 1280, height: int = 900, javascript: bool = True):
        context = browser.new_context(
            viewport={"width": width, "height": height}, java_script_enabled=javascript
        )
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.set_default_timeout(15_000)
        return page

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture()
def shoot():
    """shoot(page, name): a full-page screenshot in reports/screenshots/name.png."""

    def take(page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The vendored axe-core (see vendor/axe-core/README.md), checked against its recorded digest."""
    data = AXE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == AXE_SHA256, "vendored axe-core changed: update AXE_SHA256"
    return data.decode("utf-8")


@pytest.fixture()
def axe(axe_source):
    """axe(page) -> the serious and critical accessibility violations axe-core finds on the page."""

    def run(page) -> list[dict]:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(axe_source)  # evaluated by the driver: the page's CSP stays as it is
        violations = page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
            }))"""
        )
        return [v for v in violations if v["impact"] in ("serious", "critical")]

    return run
