"""Headless Chromium for page tests: the app served on a free port, and Playwright on its own thread.

Playwright's sync API refuses to start where an asyncio loop is already running in the calling
thread; on a fresh thread it always has a loop of its own.
"""
from __future__ import annotations

import socket
import threading
from contextlib import contextmanager

from tests.support import required

CHROMIUM = required.CHROMIUM
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@contextmanager
def serving(app, host: str = "localhost"):
    """Serve ``app`` in a thread; links it makes (``PUBLIC_BASE_URL``) point at it."""
    from werkzeug.serving import make_server

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://{host}:{port}"
    app.config["PUBLIC_BASE_URL"] = base
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def run_in_chromium(scenario, *, timeout_ms: int = 15_000, **context_options) -> None:
    """Run ``scenario(page)`` in a new browser context; re-raise on the test's thread what it raised."""
    from playwright.sync_api import sync_playwright

    failure: list[BaseException] = []

    def target():
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                try:
                    page = browser.new_context(**context_options).new_page()
                    page.set_default_timeout(timeout_ms)
                    scenario(page)
                finally:
                    browser.close()
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(240)
    assert not thread.is_alive(), "the browser scenario did not finish"
    if failure:
        raise failure[0]
