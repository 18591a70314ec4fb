"""Lifecycle alerts go through the messaging rules and reach people subscribed at the address."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import time_machine

from tests.recipients.conftest import Recipients
from tests.recipients.test_people_and_data import EMAIL, PHONE, _confirmed_subscriber

NOTICE = datetime(2026, 3, 23, 9, 0, tzinfo=timezone.utc)
REPEAT_DUE = datetime(2026, 3, 31, 6, 0, tzinfo=timezone.utc)
REMINDER_DUE = datetime(2026, 4, 6, 6, 0, tzinfo=timezone.utc)


@pytest.fixture
def rec(app, client, api):
    return Recipients(app, client, api)


def test_repeat_notice_and_reminder_reach_subscribers_at_the_address(api, lc, rec):
    _confirmed_subscriber(rec)
    with time_machine.travel(NOTICE, tick=False) as clock:
        number = rec.item_at(phone="+48601000111")   # the sender gave only a phone for this item
        assert api.scan(number, occurred_at=NOTICE.isoformat()).status_code == 201
        clock.move_to(REPEAT_DUE)
        lc.sweep()
        clock.move_to(REMINDER_DUE)
        lc.sweep()
    repeat = {(m.channel, m.recipient) for m in lc.messages(number, "repeat_notice")}
    assert repeat == {("sms", "+48601000111"), ("sms", PHONE), ("email", EMAIL)}
    reminder = {(m.channel, m.recipient) for m in lc.messages(number, "collection_reminder")}
    assert reminder == repeat
    email = next(m for m in lc.messages(number, "repeat_notice") if m.channel == "email")
    assert "/alerts/m/" in email.body and "/unsubscribe/" in email.body   # change or stop the alerts
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Powtórne awizo" in email.subject and "7 kwi 2026" in email.body_html  # CLDR pl: 7 April 2026
    subscriber_sms = next(m for m in lc.messages(number, "repeat_notice") if m.recipient == PHONE)
    assert subscriber_sms.quiet_hours == "21:00-08:00"
