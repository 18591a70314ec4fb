"""The QR page, the home page and the proof upload page in headless Chromium at 360 px (axe-core)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import run_in_chromium, serving

AXE = Path(__file__).resolve().parents[1] / "handheld" / "vendor" / "axe-4.14.1.min.js"

pytestmark = pytest.mark.e2e


@pytest.fixture
def served(app):
    with serving(app) as base:
        yield base


def in_chromium(scenario) -> None:
    """Run ``scenario(page)`` at 360 px on a thread of its own."""
    run_in_chromium(scenario, timeout_ms=15_000, viewport={"width": 360, "height": 740})


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
