"""Everything a proof shows is in the log: device evidence and alerts, so changing a row is detected."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import sqlalchemy as sa

from app.evidence.audit import audit_log
from app.evidence.witnesses import configured
from app.extensions import db
from app.messaging.statuses import update_from_provider
from app.models import Item, OutboxMessage
from notices.signature import read_attachment
from tests.handheld.conftest import device  # noqa: F401 (fixture)


def _logged(pdf: bytes, kind: str) -> list[dict]:
    bundle = json.loads(read_attachment(pdf))
    return [json.loads(e["canonical"]) for e in bundle["entries"] if e["kind"] == kind]


def _audit(app):
    with app.app_context():
        return audit_log(db.session, configured(app.config))


def test_a_signed_scan_is_logged_with_what_a_court_needs_to_re_verify_it(device, api, proofs, app):  # noqa: F811
    number = api.register().get_json()["tracking_number"]
    assert device.post(device.payload(number)).status_code == 201
    pdf = proofs.pdf(number)
    facts = _logged(pdf, "attempt_recorded")[0]["facts"]["attempt"]["device_evidence"]
    assert facts["signed"] is True and facts["sequence"] == 1 and facts["flags"] == []
    assert facts["signed_text"].startswith("awizo-scan-v1\ntracking_number=" + number)
    assert facts["public_key"] and facts["signature"] and len(facts["key_fingerprint"]) == 64
    verdict = proofs.verify(pdf)
    assert verdict["verdict"] == "authentic_current"
    assert any("device signature of scan 1 re-verified" in f["message"] for f in verdict["evidence"])
    assert _audit(app).ok


def test_changed_device_flags_are_detected_by_the_audit_and_the_verifier(device, api, proofs, app, attacker):  # noqa: F811
    number = api.register().get_json()["tracking_number"]
    assert device.post(device.payload(number)).status_code == 201
    pdf = proofs.pdf(number)
    attacker("UPDATE attempt_device_evidence SET flags = '[\"no_fix\"]'")
    problems = _audit(app).problems
    assert any("device_evidence.flags" in p for p in problems), problems
    verdict = proofs.verify(pdf)
    assert (verdict["document"], verdict["record"]) == ("authentic", "contradicted")


def _alert_with_status(app, api, status: str) -> tuple[str, int]:
    number = api.register().get_json()["tracking_number"]
    assert api.scan(number).status_code == 201
    with app.app_context():
        item_id = db.session.scalar(sa.select(Item.id).where(Item.tracking_number == number))
        message = db.session.scalar(sa.select(OutboxMessage).where(
            OutboxMessage.item_id == item_id, OutboxMessage.channel == "sms").limit(1))
        assert message is not None, "a notice left for an item with a phone number is alerted by SMS"
        message.provider, message.provider_message_id = "twilio", "SM" + "0" * 32
        assert update_from_provider(db.session, message, status, datetime.now(timezone.utc),
                                    error_code="30003" if status == "failed" else None, on_failure=())
        db.session.commit()
        return number, message.id


def test_each_alert_status_is_logged_with_a_commitment_to_the_destination(app, api, proofs):
    number, message_id = _alert_with_status(app, api, "failed")
    pdf = proofs.pdf(number)
    statuses = [e for e in _logged(pdf, "notification_status") if e["event"]["data"]["message_id"] == message_id]
    assert statuses[-1]["event"]["data"]["status"] == "failed"
    alert = statuses[-1]["facts"]["alert"]
    assert alert["channel"] == "sms" and len(alert["text_sha256"]) == 64
    assert "+48" not in json.dumps(alert)  # the destination only as a commitment
    verdict = proofs.verify(pdf)
    assert verdict["verdict"] == "authentic_current"
    assert any("the alert's destination matches its commitment" in f["message"] for f in verdict["evidence"])
    assert any(f"alert {message_id} (sms) on the page matches the log" in f["message"] for f in verdict["evidence"])


def test_an_alert_turned_from_failed_to_delivered_is_detected(app, api, proofs, attacker):
    number, message_id = _alert_with_status(app, api, "failed")
    before = proofs.pdf(number)
    attacker("UPDATE outbox_messages SET status = 'delivered' WHERE id = :id", id=message_id)
    problems = _audit(app).problems
    assert any(f"alert {message_id} (sms) no longer matches the log: shown as delivered, logged as failed" in p
               for p in problems), problems
    assert (proofs.verify(before)["record"]) == "contradicted"
    # A proof issued after the change contradicts its own log entries: no verifier accepts it.
    assert api.scan(number, outcome="no_access").status_code == 201  # a new event: a new proof version
    after = proofs.pdf(number)
    verdict = proofs.verify(after)
    assert verdict["document"] == "altered"
    assert any("differs from the log: shown as delivered, logged as failed" in p for p in verdict["problems"])


def test_the_printed_paper_notice_is_in_the_log(api, proofs, app):
    number = proofs.item_with_attempt()
    assert api.client.post(f"/h/api/notice/{number}/printed", headers=api.auth(api.device_token)).status_code == 201
    pdf = proofs.pdf(number)
    printed = _logged(pdf, "notice_printed")
    assert len(printed) == 1 and printed[0]["event"]["data"]["attempt_id"] == printed[0]["facts"]["attempt"]["id"]
    assert proofs.verify(pdf)["verdict"] == "authentic_current"
    assert _audit(app).ok
