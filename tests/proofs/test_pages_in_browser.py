"""The QR page, the home page and the proof upload page in headless Chromium at 360 px (axe-core)."""
from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
AXE = Path(__file__).resolve().parents[1] / "handheld" / "vendor" / "axe-4.14.1.min.js"

pytestmark = pytest.mark.e2e


@pytest.fixture
def served(app):
    from werkzeug.serving import make_server

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app.config["PUBLIC_BASE_URL"] = f"http://localhost:{port}"
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app.config["PUBLIC_BASE_URL"]
    server.shutdown()
    thread.join(5)


def in_chromium(scenario) -> None:
    """Run ``scenario(page)`` on a thread of its own (Playwright's sync API needs its own loop)."""
    from playwright.sync_api import sync_playwright

    failure: list[BaseException] = []

    def target():
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                try:
                    page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
                    page.set_default_timeout(15_000)
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


def check_page(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})")
    assert [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in result["violations"]] == [], page.url


def test_qr_page_and_proof_upload_in_a_phone_browser(served, api, client, tmp_path):
    number = api.register().get_json()["tracking_number"]
    assert api.scan(number).status_code == 201
    record = api.item(number).get_json()
    pdf = client.get(f"/api/v1/items/{number}/proof.pdf", headers=api.auth(api.sender_key)).data
    (tmp_path / "proof.pdf").write_bytes(pdf)

    def scenario(page):
        for url in (f"{served}/?lang=pl", f"{served}/?lang=en", record["verify_url"], record["verify_url"] + "?lang=en"):
            page.goto(url)
            check_page(page)
        page.goto(record["verify_url"] + "?lang=en")
        assert page.get_by_role("heading", name="The record is intact").is_visible()
        page.goto(f"{served}/proofs/verify?lang=en")
        check_page(page)
        page.get_by_label("PDF file").set_input_files(str(tmp_path / "proof.pdf"))
        page.get_by_role("button", name="Check").click()
        assert page.get_by_role("heading", name="Authentic and current").is_visible()
        check_page(page)

    in_chromium(scenario)
