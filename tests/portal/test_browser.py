"""The portal's main paths in headless Chromium, as a court clerk and an admin use them.

Playwright runs in a thread of its own, so these tests work whatever browser fixtures other
test folders keep open in the main thread.
"""
from __future__ import annotations

import csv
import io
import re

import pytest

from app.senders.imports import COLUMN_NAMES
from tests.conftest import tracking_number
from tests.support.browser import run_in_chromium, serving

pytestmark = pytest.mark.e2e
@pytest.fixture
def live(app, people):
    with serving(app, host="127.0.0.1") as base:
        yield base


def in_browser(steps) -> None:
    """Run ``steps(page)`` in headless Chromium on a thread of its own; re-raise what it raised."""
    run_in_chromium(steps, timeout_ms=20_000, locale="en-GB", accept_downloads=True)


def sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/portal/")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/portal/$"))


def test_clerk_registers_follows_and_imports(live, people):
    number = tracking_number()
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(COLUMN_NAMES)
    for _ in range(600):
        writer.writerow([tracking_number(), "pl_official_letter", "II C 9/26", "Maria Wiśniewska", "ul. Lipowa 3", "",
                         "30-001", "Kraków", "PL", "+48601234567", "maria@example.com", "pl"])

    def steps(page):
        sign_in(page, live, "clerk@a.example.com", people.PASSWORD)
        assert "Found: 0" in page.inner_text("#count")
        # One item in the form, with a mistake first.
        page.click("text=Register an item")
        page.fill("#tracking_number", "RR123456784PL")
        for field, value in (("recipient_name", "Ewa Nowak"), ("address_line1", "ul. Długa 1"),
                             ("postal_code", "00-001"), ("city", "Warszawa"), ("country", "PL"),
                             ("phone", "601 234 567")):
            page.fill(f"#{field}", value)
        page.click("form.card button[type=submit]")
        assert "check digit" in page.inner_text("#tracking_number-error")
        page.fill("#tracking_number", number)
        page.click("form.card button[type=submit]")
        page.wait_for_url(re.compile(f".*/portal/items/{number}$"))
        assert "Ewa Nowak" in page.content() and "Download proof (PDF)" in page.content()
        # Search for it.
        page.click("nav.portal-nav >> text=Items")
        page.fill("input[name=q]", "nowak")
        page.click("button:has-text('Filter')")
        assert number in page.inner_text("table")
        # A CSV file, with the progress bar, then the report.
        page.click("nav.portal-nav >> text=CSV import")
        page.set_input_files("#file", files=[{"name": "items.csv", "mimeType": "text/csv",
                                               "buffer": rows.getvalue().encode()}])
        page.click("button:has-text('Import')")
        page.wait_for_selector("#progress-box:not([hidden])")
        page.wait_for_url(re.compile(r".*/portal/imports/\d+$"))
        assert "All rows were imported: 600" in page.inner_text("#import-result")
        page.click("text=See the items")
        assert "Found: 601" in page.inner_text("#count")
        page.click("text=Chart")
        page.wait_for_selector("#status-chart[data-ready='1']")
        series = page.evaluate("() => document.getElementById('status-chart').chart.data.datasets"
                               ".map(d => [d.status, d.data[d.data.length - 1]])")
        assert dict(series) == {"registered": 601}  # every item, registered today, by the chart library

    in_browser(steps)


def test_admin_makes_a_key_and_a_webhook_and_sends_a_test_event(live, people, api):
    def steps(page):
        sign_in(page, live, "admin@a.example.com", people.PASSWORD)
        page.click("text=API keys")
        page.fill("input[name=name]", "Case system")
        page.click("text=Create key")
        key = page.inner_text("#new-key").strip()
        assert key.startswith("awz_sk_")
        page.reload()
        assert page.locator("#new-key").count() == 0 and "Case system" in page.content()
        assert api.client.get("/api/v1/items", headers=api.auth(key)).status_code == 200

        page.click("text=Webhooks")
        page.fill("#url", "https://hooks.example.com/awizo")
        page.check("input[value='item.attempt_recorded']")
        page.click("button:has-text('Add')")
        assert page.inner_text("#webhook-secret").startswith("whsec_")
        page.click("text=Send test event")
        assert "webhook.test" in page.inner_text("#deliveries") and "queued" in page.inner_text("#deliveries")

        page.click("text=API reference")
        page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
        assert page.locator(".swagger-ui .opblock").count() >= 25

    in_browser(steps)
