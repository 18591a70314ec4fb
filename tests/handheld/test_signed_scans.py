"""Scans from an enrolled handheld: signed, sequenced, flagged — and refused when altered."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import Attempt
from tests.conftest import tracking_number
from tests.handheld.conftest import SigningDevice


@pytest.fixture
def items(api):
    def make(n=1):
        numbers = [tracking_number() for _ in range(n)]
        with time_machine.travel(datetime(2025, 12, 30, tzinfo=timezone.utc)):  # before the scans' claimed times
            for number in numbers:
                assert api.register(tracking_number=number).status_code == 201
        return numbers
    return make


def attempts_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Attempt))


def test_a_signed_scan_is_recorded_with_its_verified_sequence_and_no_flags(device, items, api):
    number, = items()
    response = device.post(device.payload(number))
    assert response.status_code == 201, response.json
    evidence = response.json["device_evidence"]
    assert evidence["signed"] is True and evidence["sequence"] == 1 and evidence["flags"] == []
    record = api.item(number).json
    assert record["attempts"][0]["device_evidence"]["sequence"] == 1


@pytest.mark.parametrize("field, value", [
    ("occurred_at", "2020-01-01T10:00:00.000Z"),          # re-dated after signing
    ("tracking_number", None),                            # another item
    ("outcome", "delivered"),
    ("location", {"lat": 52.3, "lon": 21.0122, "accuracy_m": 8.5}),
    ("sequence", 7),
])
def test_a_payload_altered_after_signing_is_refused_and_nothing_is_recorded(device, items, app, field, value):
    number, other = items(2)
    payload = device.payload(number)
    response = device.post(payload, **{field: other if field == "tracking_number" else value})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"][0]["field"] == "signature"
    assert attempts_count(app) == 0


def test_a_signature_by_another_key_is_refused(device, items, app, client):
    from cryptography.hazmat.primitives.asymmetric import ec

    number, = items()
    impostor = SigningDevice(client, ec.generate_private_key(ec.SECP256R1()), token=device.token)
    response = impostor.post(impostor.payload(number))
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "signature"
    assert attempts_count(app) == 0


def test_an_enrolled_device_cannot_send_unsigned_scans(device, items, api, app):
    number, = items()
    response = api.scan(number, token=device.token)
    assert response.status_code == 422
    assert {e["field"] for e in response.json["errors"]} == {"sequence", "signature", "sent_at"}
    assert attempts_count(app) == 0


def test_a_gap_in_the_sequence_is_flagged(device, items):
    a, b = items(2)
    assert device.post(device.payload(a, sequence=1)).json["device_evidence"]["flags"] == []
    evidence = device.post(device.payload(b, sequence=4)).json["device_evidence"]
    assert evidence["flags"] == ["sequence_gap"]
    assert evidence["details"]["missing_sequences"] == [2, 3]


def test_a_scan_arriving_after_a_later_one_is_flagged_as_reordered(device, items, api):
    a, b, c = items(3)
    first = device.payload(a, sequence=1)
    second = device.payload(b, sequence=2)
    third = device.payload(c, sequence=3)
    device.post(first)
    assert device.post(third).json["device_evidence"]["flags"] == ["sequence_gap"]
    late = device.post(second)
    assert late.status_code == 201
    assert "sequence_reordered" in late.json["device_evidence"]["flags"]
    shown = api.item(b).json["attempts"][0]["device_evidence"]
    assert "sequence_reordered" in shown["flags"]
    assert shown["flag_details"][0]["en"].startswith("Scan arrived after")


def test_a_replayed_signed_scan_returns_the_first_answer_whatever_its_key(device, items, app, api):
    number, = items()
    payload = device.payload(number)
    first = device.post(payload, key="k-1")
    again = device.post(payload, key="k-1")
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json["id"] == first.json["id"]
    for fresh_key in ("k-2", "k-3", "k-4"):
        replay = device.post(payload, key=fresh_key)
        assert replay.status_code == 201 and replay.headers.get("Idempotent-Replayed") == "true"
        assert replay.json == first.json
    assert attempts_count(app) == 1
    assert len(api.item(number).get_json()["attempts"]) == 1  # one physical scan, one attempt on the record


def test_a_different_scan_under_a_used_sequence_is_refused_and_flagged_on_the_record(device, items, app, api):
    number, other = items(2)
    first = device.post(device.payload(number, sequence=7))
    assert first.status_code == 201
    forged = device.post(device.payload(other, sequence=7))
    assert forged.status_code == 409 and forged.mimetype == "application/problem+json"
    assert [e["field"] for e in forged.json["errors"]] == ["sequence"]
    assert attempts_count(app) == 1
    events = api.item(number).get_json()["events"]
    [conflict] = [e for e in events if e["kind"] == "device_sequence_reused"]
    assert conflict["data"]["sequence"] == 7 and conflict["data"]["attempt_id"] == first.json["id"]
    assert api.item(other).get_json()["attempts"] == []


def test_a_scan_dated_before_the_previous_scan_is_flagged(device, items):
    a, b = items(2)
    device.post(device.payload(a, occurred_at="2026-01-01T10:05:00.000Z"))
    later_seq_earlier_time = device.post(device.payload(b, occurred_at="2026-01-01T10:00:00.000Z"))
    assert "time_before_previous_scan" in later_seq_earlier_time.json["device_evidence"]["flags"]


def test_a_device_clock_far_from_the_server_clock_is_flagged(device, items):
    number, = items()
    payload = device.payload(number, occurred_at="2025-12-31T23:59:00.000Z")  # a clock far behind
    payload["sent_at"] = "2026-01-01T00:00:00Z"
    evidence = device.post(payload).json["device_evidence"]
    assert "device_clock_skew" in evidence["flags"]
    assert evidence["clock_skew_s"] < -60


def test_a_refused_signed_scan_does_not_leave_a_false_gap(device, items):
    number, = items()
    unknown = tracking_number()  # never registered: 404, but its sequence number is used up
    assert device.post(device.payload(unknown)).status_code == 404
    evidence = device.post(device.payload(number)).json["device_evidence"]
    assert evidence["sequence"] == 2 and evidence["flags"] == []


def test_no_fix_is_recorded_explicitly_never_with_a_position(device, items, api):
    number, = items()
    response = device.post(device.payload(number, location=None, no_fix=True))
    assert response.status_code == 201, response.json
    assert response.json["location"] is None
    assert response.json["device_evidence"]["no_fix"] is True
    assert "no_fix" in response.json["device_evidence"]["flags"]


def test_no_fix_with_a_position_is_contradictory(device, items):
    number, = items()
    response = device.post(device.payload(number, no_fix=True))
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "location"


def test_a_token_only_client_can_report_no_fix(api, items):
    number, = items()
    response = api.scan(number, location=None, no_fix=True)
    assert response.status_code == 201, response.json
    assert response.json["device_evidence"]["flags"] == ["unsigned", "no_fix"]
    assert api.scan(items()[0], location=None).status_code == 422  # silence is not "no fix"


def test_token_only_scans_carry_no_device_evidence(api, items):
    number, = items()
    assert api.scan(number).json["device_evidence"] is None


def test_evidence_rows_are_append_only(device, items, app):
    number, = items()
    device.post(device.payload(number))
    with app.app_context():
        with pytest.raises(sa.exc.DatabaseError):
            db.session.execute(sa.text("UPDATE attempt_device_evidence SET flags = '[]'"))
            db.session.commit()
        db.session.rollback()
        with pytest.raises(sa.exc.DatabaseError):
            db.session.execute(sa.text("DELETE FROM attempt_device_evidence"))
            db.session.commit()


def test_flags_are_shown_on_the_verify_page_and_in_the_proof(device, items, api, client):
    import io
    import re

    from pypdf import PdfReader

    a, b = items(2)
    device.post(device.payload(a, sequence=1))
    device.post(device.payload(b, sequence=3))
    record = api.item(b).json
    page = client.get(record["verify_url"].replace("http://awizo.test", "") + "?lang=en").get_data(as_text=True)
    assert "verified, scan no. 3" in page and "Gap in the device&#39;s scan sequence" in page
    proof = client.get(f"/api/v1/items/{b}/proof.pdf", headers=api.auth(api.sender_key))
    assert proof.status_code == 200
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(proof.data)).pages))
    assert "verified, scan no. 3" in text
    assert "Gap in the device's scan sequence" in text.replace("’", "'")


def test_a_device_clock_running_ahead_keeps_its_time_and_is_flagged(device, items, api):
    from datetime import datetime, timedelta, timezone

    number, = items()
    ahead = datetime.now(timezone.utc) + timedelta(minutes=10)
    payload = device.payload(number, occurred_at=(ahead - timedelta(seconds=30)).isoformat(timespec="milliseconds"))
    payload["sent_at"] = ahead.isoformat()
    response = device.post(payload)
    assert response.status_code == 201, response.json
    assert "device_clock_skew" in response.json["device_evidence"]["flags"]
    assert response.json["device_evidence"]["clock_skew_s"] == pytest.approx(600, abs=30)
    assert api.scan(items()[0], occurred_at=ahead.isoformat()).status_code == 422  # token-only: still refused


def test_a_scan_cannot_claim_it_was_made_after_it_was_sent(device, items, app):
    from datetime import datetime, timedelta, timezone

    number, = items()
    now = datetime.now(timezone.utc)
    payload = device.payload(number, occurred_at=now.isoformat(timespec="milliseconds"))
    payload["sent_at"] = (now - timedelta(minutes=5)).isoformat()
    response = device.post(payload)
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "occurred_at"
    assert attempts_count(app) == 0
