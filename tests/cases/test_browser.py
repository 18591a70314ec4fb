"""Filing a case on a 360 px phone screen, and deciding it in the staff console, in headless Chromium."""
from __future__ import annotations

import re

import pytest

from tests.cases.conftest import PASSWORD
from tests.support.browser import run_in_chromium, serving

pytestmark = pytest.mark.e2e
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
         "locale": "pl-PL"}


@pytest.fixture
def live(app, cases):
    with serving(app, host="127.0.0.1") as base:
        yield base


def test_a_recipient_files_a_case_on_a_phone_and_staff_decide_it(live, cases):
    _, token, _ = cases.item_with_notice()
    seen: dict = {}

    def on_phone(page):
        page.goto(f"{live}/v/{token}")
        page.click("#file-case-link a")
        page.wait_for_url(re.compile(r".*/cases/new.*"))
        page.click("#file-case")  # nothing filled in: the page says what is missing
        assert page.locator("#form-errors").is_visible()
        page.check("input[name=kind][value=was_home]")
        page.fill("#message", "Byłem w domu cały dzień, nikt nie dzwonił, w skrzynce nic nie było.")
        page.fill("#contact", "jan@example.com")
        page.click("#file-case")
        page.wait_for_url(re.compile(r".*/c/[\w-]+\?.*"))
        seen["number"] = page.inner_text("#case-number")
        seen["url"] = page.url.split("?")[0]
        assert re.fullmatch(r"RK-\d{4}-\d{6}-\d", seen["number"])
        assert "przyjęta" in page.inner_text("#case-status")
        # Nothing sticks out of a 360 px screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

    run_in_chromium(on_phone, timeout_ms=20_000, **PHONE)
    case_number = seen["number"]

    def staff(page):
        page.goto(f"{live}/login")
        page.fill("#email", "staff@operator.example.com")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{live}/staff/cases?lang=en")
        page.click(f"text={case_number}")
        page.click("#assign")
        assert "in progress" in page.inner_text("#case-status")
        page.select_option("#decision", "upheld")
        page.fill("#reason", "The scan was made 2 km from the address.")
        page.click("#decide")
        assert "upheld" in page.inner_text("#case-decision")

    run_in_chromium(staff, timeout_ms=20_000, locale="en-GB")

    def recipient_again(page):
        page.goto(seen["url"] + "?lang=en")
        assert "upheld" in page.inner_text("#case-decision")
        assert "notice was found not to have been left" in page.inner_text("#finding")
        with page.expect_download() as download:
            page.click("text=Decision letter (PDF, signed)")
        assert download.value.suggested_filename == f"{case_number}.pdf"

    run_in_chromium(recipient_again, timeout_ms=20_000, accept_downloads=True, **PHONE)
    update_subjects = [m.subject for m in cases.messages("case_update")]
    assert update_subjects == []  # the e-mail was never confirmed: only the confirmation went out
    assert len(cases.messages("confirm_email")) == 1
