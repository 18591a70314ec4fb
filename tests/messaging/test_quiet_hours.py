"""No SMS at night in the recipient's time zone; the e-mail goes at once; DST is respected."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import time_machine

from notices.sms import QuietHours, quiet_hours_end

WARSAW = ZoneInfo("Europe/Warsaw")


def test_sms_in_quiet_hours_waits_until_8_local_across_spring_dst(api, worker, twilio_stub, smtp_server,
                                                                   quiet_hours_on, outbox):
    # Saturday 28 March 2026, 21:30 in Warsaw (CET); clocks go forward that night.
    evening = datetime(2026, 3, 28, 21, 30, tzinfo=WARSAW)
    with time_machine.travel(evening, tick=False):
        number = api.register().get_json()["tracking_number"]
        api.scan(number)
        worker()
    [sms] = outbox(channel="sms")
    [mail] = outbox(channel="email")
    assert mail["status"] == "sent"
    assert sms["status"] == "queued" and sms["tries"] == 0 and twilio_stub.requests == []
    morning = datetime(2026, 3, 29, 8, 0, tzinfo=WARSAW)  # CEST: 06:00 UTC, not 07:00
    assert sms["next_attempt_at"] == morning.astimezone(timezone.utc)
    assert morning.astimezone(timezone.utc).hour == 6

    with time_machine.travel(morning - timedelta(minutes=1), tick=False):
        worker()
    assert twilio_stub.requests == []
    with time_machine.travel(morning, tick=False):
        worker()
    [sms] = outbox(channel="sms")
    assert sms["status"] == "sent" and len(twilio_stub.requests) == 1
    events = api.item(number).get_json()["events"]
    deferred = [e["data"] for e in events if e["kind"] == "notification_status" and "deferred_until" in e["data"]]
    assert deferred and deferred[0]["deferred_until"].startswith("2026-03-29T06:00")


def test_recipients_own_quiet_hours_and_zone_on_the_message(app, worker, twilio_stub, quiet_hours_on, outbox):
    from app.extensions import db
    from app.messaging.enqueue import enqueue_message

    late = datetime(2026, 10, 24, 20, 30, tzinfo=timezone.utc)  # 22:30 in Warsaw, 21:30 in London
    with app.app_context():
        enqueue_message(db.session, channel="sms", recipient="+447700900123", purpose="notice_left",
                        body="test", dedupe_key="q1", now=late, quiet_hours="22:00-07:00", time_zone="Europe/London")
        enqueue_message(db.session, channel="sms", recipient="+48601000001", purpose="notice_left",
                        body="test", dedupe_key="q2", now=late, quiet_hours="off")
        enqueue_message(db.session, channel="sms", recipient="+48601000002", purpose="notice_left",
                        body="test", dedupe_key="q3", now=late)
        db.session.commit()
    with time_machine.travel(late, tick=False):
        worker()
    london, no_quiet, default = outbox(channel="sms")
    assert no_quiet["status"] == "sent"
    assert london["status"] == "sent"  # 21:30 in London is before its 22:00 start
    assert default["status"] == "queued"  # 22:30 in Warsaw, the default zone: waits for 08:00 CEST
    assert default["next_attempt_at"] == datetime(2026, 10, 25, 7, 0, tzinfo=timezone.utc)


def test_quiet_hours_end_in_wall_clock_time_across_autumn_dst():
    quiet = QuietHours()
    # Saturday 24 October 2026, 22:00 CEST; clocks go back that night: 08:00 CET is 07:00 UTC.
    end = quiet_hours_end(datetime(2026, 10, 24, 22, 0, tzinfo=WARSAW), quiet)
    assert end == datetime(2026, 10, 25, 7, 0, tzinfo=timezone.utc)
    assert quiet_hours_end(datetime(2026, 10, 25, 7, 59, tzinfo=WARSAW), quiet).astimezone(WARSAW).hour == 8
    assert quiet_hours_end(datetime(2026, 10, 25, 8, 0, tzinfo=WARSAW), quiet) is None
    assert quiet_hours_end(datetime(2026, 10, 25, 20, 59, tzinfo=WARSAW), quiet) is None
    assert quiet_hours_end(datetime(2026, 10, 25, 21, 0, tzinfo=WARSAW), None) is None
