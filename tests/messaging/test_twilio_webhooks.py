"""Signed Twilio webhooks: delivery status into the item's timeline, STOP and START by SMS."""
from __future__ import annotations

import pytest
from twilio.request_validator import RequestValidator

from notices.messages import OPT_IN_SMS, OPT_OUT_SMS
from tests.conftest import PUBLIC_BASE_URL
from tests.support.twilio_server import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, TEST_FROM_NUMBER, signed_post

PHONE = "+48601234567"


def _status(client, sid: str, status: str, **extra):
    params = {"MessageSid": sid, "MessageStatus": status, "AccountSid": TEST_ACCOUNT_SID,
              "From": TEST_FROM_NUMBER, "To": PHONE, **extra}
    return signed_post(client, PUBLIC_BASE_URL, "/webhooks/twilio/status", params)


def _reply(client, body: str, sender: str = PHONE):
    params = {"MessageSid": "SM" + "f" * 32, "AccountSid": TEST_ACCOUNT_SID, "From": sender,
              "To": TEST_FROM_NUMBER, "Body": body, "NumMedia": "0"}
    return signed_post(client, PUBLIC_BASE_URL, "/webhooks/twilio/inbound", params)


def _alerted_item(api, worker) -> tuple[str, dict]:
    number = api.register().get_json()["tracking_number"]
    api.scan(number)
    worker()
    record = api.item(number).get_json()
    return number, {n["channel"]: n for n in record["notifications"]}


def test_delivered_callback_is_shown_in_the_item_timeline(api, worker, client, twilio_stub, smtp_server):
    number, sent = _alerted_item(api, worker)
    sid = sent["sms"]["provider_message_id"]

    assert _status(client, sid, "sent").status_code == 204
    assert _status(client, sid, "delivered").status_code == 204
    assert _status(client, sid, "sent").status_code == 204  # late, out of order: ignored

    record = api.item(number).get_json()
    sms = next(n for n in record["notifications"] if n["channel"] == "sms")
    assert sms["status"] == "delivered"
    statuses = [e["data"]["status"] for e in record["events"]
                if e["kind"] == "notification_status" and e["data"]["channel"] == "sms"]
    assert statuses == ["sent", "delivered"]


def test_failed_sms_is_visible_and_the_recipient_is_told_once_by_email(api, worker, client, twilio_stub,
                                                                        smtp_server, outbox):
    number, sent = _alerted_item(api, worker)
    sid = sent["sms"]["provider_message_id"]

    assert _status(client, sid, "undelivered", ErrorCode="30005").status_code == 204
    assert _status(client, sid, "failed", ErrorCode="30005").status_code == 204
    worker()

    record = api.item(number).get_json()
    sms = next(n for n in record["notifications"] if n["channel"] == "sms")
    assert sms["status"] == "undelivered" and sms["error_code"] == "30005"
    assert any(e["kind"] == "notification_status" and e["data"].get("status") == "undelivered"
               and e["data"].get("error_code") == "30005" for e in record["events"])
    told = [m for m in smtp_server.to("jan.kowalski@example.com") if "SMS" in m["Subject"]]
    assert len(told) == 1
    text = told[0].get_body(("plain",)).get_content()
    assert number in text and "+48 *** *** 567" in text
    # The number is unknown to the network: it is not texted again.
    api.scan(api.register().get_json()["tracking_number"])
    worker()
    assert outbox(channel="sms")[-1]["status"] == "cancelled"


def test_unsigned_tampered_or_wrong_url_calls_are_refused(api, worker, client, twilio_stub, smtp_server):
    number, sent = _alerted_item(api, worker)
    sid = sent["sms"]["provider_message_id"]
    params = {"MessageSid": sid, "MessageStatus": "failed", "ErrorCode": "30005"}

    assert client.post("/webhooks/twilio/status", data=params).status_code == 403
    good = RequestValidator(TEST_AUTH_TOKEN).compute_signature(f"{PUBLIC_BASE_URL}/webhooks/twilio/status", params)
    tampered = dict(params, MessageStatus="delivered")
    assert signed_post(client, PUBLIC_BASE_URL, "/webhooks/twilio/status", tampered, signature=good).status_code == 403
    # Signed for the internal address the proxy forwards to, not the public URL: refused.
    assert signed_post(client, "http://localhost", "/webhooks/twilio/status", params).status_code == 403
    assert signed_post(client, PUBLIC_BASE_URL, "/webhooks/twilio/status", params,
                       auth_token="another-token").status_code == 403
    assert _reply(client, "STOP").status_code == 200
    assert client.post("/webhooks/twilio/inbound", data={"From": PHONE, "Body": "STOP"}).status_code == 403

    sms = next(n for n in api.item(number).get_json()["notifications"] if n["channel"] == "sms")
    assert sms["status"] == "sent"


@pytest.mark.parametrize("word", ["STOP", "stop ", "Unsubscribe", "END", "QUIT", "STOPALL", "REVOKE", "OPTOUT",
                                  "CANCEL"])
def test_every_opt_out_word_stops_sms(client, word, app):
    from app.extensions import db
    from app.messaging.suppressions import is_suppressed

    response = _reply(client, word)
    assert response.status_code == 200 and response.mimetype == "text/xml"
    with app.app_context():
        assert is_suppressed(db.session, "sms", PHONE)


def test_stop_then_an_attempt_gives_no_sms_but_an_email_and_start_resumes(api, worker, client, twilio_stub,
                                                                          smtp_server, outbox):
    assert _reply(client, "STOP").status_code == 200
    assert _reply(client, "stop").status_code == 200  # a second STOP: still one confirmation
    number = api.register().get_json()["tracking_number"]
    api.scan(number)
    worker()

    texts = [(r["form"]["To"], r["form"]["Body"]) for r in twilio_stub.requests]
    assert texts == [(PHONE, OPT_OUT_SMS)]
    notice_sms = next(n for n in api.item(number).get_json()["notifications"] if n["channel"] == "sms")
    assert notice_sms["status"] == "cancelled" and notice_sms["error_code"] == "suppressed"
    assert len(smtp_server.to("jan.kowalski@example.com")) == 1  # the e-mail still goes

    assert _reply(client, "START").status_code == 200
    second = api.register().get_json()["tracking_number"]
    api.scan(second)
    worker()
    texts = [(r["form"]["To"], r["form"]["Body"]) for r in twilio_stub.requests]
    assert texts[1] == (PHONE, OPT_IN_SMS)
    assert texts[2][0] == PHONE and second in texts[2][1]
    assert len(texts) == 3
    notice_sms = next(n for n in api.item(second).get_json()["notifications"] if n["channel"] == "sms")
    assert notice_sms["status"] == "sent"


def test_a_late_email_bounce_is_visible_and_the_recipient_is_told_by_sms(api, worker, app, twilio_stub,
                                                                         smtp_server, outbox):
    from app.extensions import db
    from app.messaging.sms_status import record_email_bounce
    from app.messaging.suppressions import is_suppressed
    from app.models.types import utcnow

    number, sent = _alerted_item(api, worker)
    with app.app_context():
        assert record_email_bounce(db.session, sent["email"]["provider_message_id"], now=utcnow(),
                                   smtp_code="550", diagnostic="5.1.1 user unknown")
        assert is_suppressed(db.session, "email", "jan.kowalski@example.com")
    worker()
    record = api.item(number).get_json()
    mail = next(n for n in record["notifications"] if n["channel"] == "email")
    assert mail["status"] == "undelivered" and mail["error_code"] == "550"
    texts = [r["form"]["Body"] for r in twilio_stub.requests]
    assert len(texts) == 2 and "e-mail" in texts[1] and number in texts[1]
