"""A recipient's requests on a 360 px phone screen, in headless Chromium: authorise a person,
ask for redelivery (a Saturday is refused with the reason), move the item."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
import time_machine

from tests.conftest import tracking_number
from tests.support.browser import run_in_chromium, serving

pytestmark = pytest.mark.e2e
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
         "locale": "en-GB"}
MONDAY_10 = datetime(2026, 3, 23, 9, 0, tzinfo=timezone.utc)


def test_a_recipient_acts_on_a_phone(app, api, loaded, lc):
    with time_machine.travel(MONDAY_10, tick=True):
        number = tracking_number()
        assert api.register(tracking_number=number, service="pl_registered_letter").status_code == 201
        assert api.scan(number, occurred_at=MONDAY_10.isoformat(), pickup_point="GDA-01").status_code == 201
        notice = api.client.get(f"/h/api/notice/{number}", headers=api.auth(api.device_token)).json
        token, code = notice["verify_url"].rsplit("/", 1)[-1], notice["claim_code"]
        seen: dict = {}

        with serving(app, host="127.0.0.1") as live:
            def on_phone(page):
                page.goto(f"{live}/v/{token}?lang=en")
                page.click("#recipient-actions-link a")
                page.wait_for_url(re.compile(r".*/actions.*"))
                assert page.evaluate("document.documentElement.scrollWidth") <= 360

                page.fill("#authorise_collector-claim", code)
                page.fill("#authorise-name", "Anna Nowak")
                page.select_option("#authorise-doc", "passport")
                page.fill("#authorise-digits", "123")
                page.click("#authorise button[type=submit]")
                seen["authorised"] = page.inner_text("#confirmation")

                page.fill("#redelivery-claim", code)
                page.fill("#redelivery-day", "2026-03-28")
                page.click("#redelivery button[type=submit]")
                seen["saturday"] = page.inner_text("#redelivery-day-error")
                page.fill("#redelivery-claim", code)
                page.fill("#redelivery-day", "2026-03-25")
                page.click("#redelivery button[type=submit]")
                seen["redelivery"] = page.inner_text("#confirmation")

                page.fill("#move_pickup_point-claim", code)
                page.select_option("#move-point", "GDA-05")
                page.click("#move button[type=submit]")
                seen["moved"] = page.inner_text("#confirmation")
                seen["history"] = page.inner_text("#action-history")
                assert page.evaluate("document.documentElement.scrollWidth") <= 360

            run_in_chromium(on_phone, timeout_ms=20_000, **PHONE)

    assert seen["authorised"].startswith(f"Item {number}: Anna Nowak may collect it")
    assert "28.03.2026 is not a working day" in seen["saturday"]
    assert "redelivery asked for 25.03.2026" in seen["redelivery"]
    assert "UP Gdańsk 5 Wrzeszcz" in seen["moved"]
    assert seen["history"].count("Recipient") == 3
    assert len(lc.messages(number, "recipient_action")) == 6     # SMS and e-mail for each of the three
