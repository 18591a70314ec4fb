"""Twilio error answers (from a local stub: prism cannot give them), backoff and giving up."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import time_machine

PHONE = "+48601234567"


def _notice(api, worker):
    number = api.register().get_json()["tracking_number"]
    api.scan(number)
    worker()
    return number


def _sms(outbox) -> dict:
    return outbox(channel="sms")[-1]


def test_invalid_number_fails_at_once_is_suppressed_and_told_by_email(api, worker, twilio_stub, smtp_server,
                                                                      outbox, app):
    twilio_stub.answer_error(400, 21211, "The 'To' number +48601234567 is not a valid phone number.")
    number = _notice(api, worker)
    sms = _sms(outbox)
    assert sms["status"] == "failed" and sms["error_code"] == "21211" and sms["tries"] == 1
    assert sms["last_error"].startswith("Twilio 400") and "not a valid phone number" in sms["last_error"]

    worker()  # the e-mail telling about it
    mails = smtp_server.to("jan.kowalski@example.com")
    assert len(mails) == 2 and sum("SMS" in m["Subject"] for m in mails) == 1
    with app.app_context():
        from app.extensions import db
        from app.messaging.suppressions import active_suppression

        row = active_suppression(db.session, "sms", PHONE)
        assert row.reason == "permanent_error"

    _notice(api, worker)  # next item: no SMS tried, no second "SMS failed" e-mail
    assert len(twilio_stub.requests) == 1
    assert _sms(outbox)["status"] == "cancelled"
    assert len(smtp_server.to("jan.kowalski@example.com")) == 3
    record = api.item(number).get_json()
    assert [n["status"] for n in record["notifications"] if n["channel"] == "sms"] == ["failed"]


def test_unsubscribed_recipient_21610_stops_retries(api, worker, twilio_stub, outbox):
    twilio_stub.answer_error(400, 21610, "Attempt to send to unsubscribed recipient")
    _notice(api, worker)
    assert _sms(outbox)["status"] == "failed" and _sms(outbox)["error_code"] == "21610"


def test_429_is_retried_not_before_retry_after(api, worker, twilio_stub, outbox):
    twilio_stub.answer_error(429, 20429, "Too Many Requests", headers={"Retry-After": "7200"})
    start = datetime.now(timezone.utc)
    _notice(api, worker)
    sms = _sms(outbox)
    assert sms["status"] == "queued" and sms["error_code"] == "20429"
    assert sms["next_attempt_at"] >= start + timedelta(seconds=7200)

    with time_machine.travel(start + timedelta(seconds=7100), tick=False):
        worker()
    assert len(twilio_stub.requests) == 1
    with time_machine.travel(start + timedelta(seconds=7300), tick=False):
        worker()
    sms = _sms(outbox)
    assert sms["status"] == "sent" and sms["tries"] == 2 and len(twilio_stub.requests) == 2


def test_server_errors_back_off_exponentially_then_give_up(api, worker, twilio_stub, smtp_server, outbox):
    twilio_stub.answer_error(503, 20503, "Service Unavailable", times=10)
    start = datetime.now(timezone.utc)
    _notice(api, worker)
    delays, now = [], start
    for _ in range(10):
        sms = _sms(outbox)
        if sms["status"] != "queued":
            break
        delays.append((sms["next_attempt_at"] - now).total_seconds())
        now = sms["next_attempt_at"] + timedelta(seconds=1)
        with time_machine.travel(now, tick=False):
            worker()
    sms = _sms(outbox)
    assert sms["status"] == "failed" and sms["tries"] == 5  # OUTBOX_MAX_ATTEMPTS in these tests
    assert len(twilio_stub.requests) == 5
    assert all(later > earlier for earlier, later in zip(delays, delays[1:], strict=False))  # growing waits
    assert 20 <= delays[0] <= 40  # first wait about OUTBOX_BACKOFF_SECONDS (30 s ± jitter)
    told = [m for m in smtp_server.to("jan.kowalski@example.com") if "SMS" in m["Subject"]]
    assert len(told) == 1


def test_smtp_5xx_refusal_fails_the_email_and_tells_by_sms(api, worker, twilio_stub, smtp_server, outbox, app):
    smtp_server.reject["jan.kowalski@example.com"] = "550 5.1.1 No such user"
    number = _notice(api, worker)
    mail = outbox(channel="email")[-1]
    assert mail["status"] == "failed" and mail["error_code"] == "550"
    worker()
    texts = [r["form"]["Body"] for r in twilio_stub.requests]
    assert len(texts) == 2 and any("e-mail" in t and number in t for t in texts)
    with app.app_context():
        from app.extensions import db
        from app.messaging.suppressions import active_suppression

        assert active_suppression(db.session, "email", "Jan.Kowalski@example.com").reason == "bounce"
    _notice(api, worker)  # the dead address is not tried again; the SMS still goes
    assert outbox(channel="email")[-1]["status"] == "cancelled"
    assert outbox(channel="sms")[-1]["status"] == "sent"
