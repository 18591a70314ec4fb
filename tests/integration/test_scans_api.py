"""Carriers record attempts: geotagged, idempotent, append-only, with clear errors."""
from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import Attempt, OutboxMessage
from tests.conftest import scan_payload, tracking_number


@pytest.fixture
def item(api):
    number = tracking_number()
    with time_machine.travel(datetime(2026, 11, 1, tzinfo=timezone.utc)):   # before any attempt a test claims
        assert api.register(tracking_number=number).status_code == 201
    return number


def test_notice_left_is_recorded_with_both_times_position_and_deadline(api, item):
    occurred = datetime(2026, 11, 20, 10, 15, tzinfo=timezone(timedelta(hours=1)))
    with time_machine.travel(occurred + timedelta(minutes=3), tick=False):  # sent three minutes later
        response = api.scan(item, occurred_at=occurred.isoformat(),
                            location={"lat": 52.2297, "lon": 21.0122, "accuracy_m": 12})
    assert response.status_code == 201, response.json
    body = response.json
    assert body["upu_event"] == {"code": "EMH", "reason": "addressee_absent", "action": "notice_left_item_held"}
    assert body["occurred_at"] == "2026-11-20T09:15:00Z"
    assert body["recorded_at"] == "2026-11-20T09:18:00Z"
    assert body["location"] == {"lat": 52.2297, "lon": 21.0122, "accuracy_m": 12.0}
    assert body["carrier"]["name"] == "Anna Listonosz"
    assert body["pickup_point"]["code"] == "WAW-01"
    # An official letter waits 14 days from the first notice (KPA art. 44), until the end of the
    # day in Warsaw (23:59:59 CET = 22:59:59 UTC); the first notice's own 7 days are in "deadlines".
    assert body["collect_by"] == "2026-12-04T22:59:59Z"

    record = api.item(item).json
    assert record["status"] == "awaiting_collection"
    assert [a["id"] for a in record["attempts"]] == [body["id"]]
    assert {n["channel"] for n in record["notifications"]} == {"sms", "email"}
    assert all(n["status"] == "queued" for n in record["notifications"])


@pytest.mark.parametrize("outcome, code, reason, action", [
    ("delivered", "EMI", None, None),
    ("refused", "EMH", "refused", "return_to_sender"),
    ("address_unknown", "EMH", "address_unknown", "return_to_sender"),
    ("moved", "EMH", "addressee_moved", "return_to_sender"),
    ("no_access", "EMH", "no_access_to_premises", "notice_left_item_held"),
])
def test_each_outcome_maps_to_its_upu_event(api, item, outcome, code, reason, action):
    body = api.scan(item, outcome=outcome).json
    assert body["upu_event"] == {"code": code, "reason": reason, "action": action}


def test_only_a_left_notice_alerts_the_recipient(api, item, app):
    api.scan(item, outcome="refused")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_replay_returns_the_first_result_and_records_nothing_new(api, item, app):
    key = uuid.uuid4().hex
    payload_time = (datetime.now(timezone.utc) - timedelta(minutes=5)).isoformat()
    first = api.scan(item, key=key, occurred_at=payload_time)
    second = api.scan(item, key=key, occurred_at=payload_time)
    assert first.status_code == second.status_code == 201
    assert second.json == first.json
    assert second.headers.get("Idempotent-Replayed") == "true"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 2


def test_same_key_for_a_different_scan_is_refused(api, item):
    key = uuid.uuid4().hex
    assert api.scan(item, key=key).status_code == 201
    other = api.scan(item, key=key, outcome="refused")
    assert other.status_code == 409
    assert other.json["errors"][0]["field"] == "Idempotency-Key"


def test_racing_replays_record_one_attempt(api, item, app):
    """Eight clients send the same scan with the same key at the same moment."""
    key = uuid.uuid4().hex
    occurred = (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat()
    barrier = threading.Barrier(8)
    results = []

    def send():
        client = app.test_client()
        barrier.wait()
        response = client.post("/api/v1/scans", headers=api.auth(api.device_token, **{"Idempotency-Key": key}),
                               json={"tracking_number": item, "outcome": "notice_left", "occurred_at": occurred,
                                     "location": {"lat": 50.06, "lon": 19.94, "accuracy_m": 5}})
        results.append((response.status_code, response.json))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [status for status, _ in results] == [201] * 8
    assert len({body["id"] for _, body in results}) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 2


def test_attempts_cannot_be_edited_or_deleted_even_in_the_database(api, item, app):
    api.scan(item)
    with app.app_context():
        for statement in ("UPDATE attempts SET latitude = 0", "DELETE FROM attempts"):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
                conn.exec_driver_sql(statement)
        assert db.session.scalar(sa.select(Attempt.latitude)) == 52.2297


def test_no_api_route_edits_or_deletes_attempts(app):
    for rule in app.url_map.iter_rules():
        if "scan" in rule.rule or "attempt" in rule.rule:
            assert not (rule.methods & {"PUT", "PATCH", "DELETE"}), rule.rule


@pytest.mark.parametrize("change, field", [
    ({"location": {"lat": 91, "lon": 21.0, "accuracy_m": 5}}, "location.lat"),
    ({"location": {"lat": 52.0, "lon": -180.5, "accuracy_m": 5}}, "location.lon"),
    ({"location": {"lat": 52.0, "lon": 21.0, "accuracy_m": -1}}, "location.accuracy_m"),
    ({"occurred_at": "2026-11-20T10:15:00"}, "occurred_at"),
    ({"occurred_at": "yesterday"}, "occurred_at"),
    ({"outcome": "lost_in_space"}, "outcome"),
    ({"tracking_number": "RR123456789PL"}, "tracking_number"),
    ({"pickup_point": "NOWHERE"}, "pickup_point"),
])
def test_bad_scans_name_the_field_and_record_nothing(api, item, app, change, field):
    api.scan(item)  # an earlier, good attempt must stay as it is
    response = api.scan(item, **change)
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert field in {e["field"] for e in response.json["errors"]}
    record = api.item(item).json
    assert len(record["attempts"]) == 1
    assert record["attempts"][0]["location"]["lat"] == 52.2297


def test_occurred_at_in_the_future_is_refused(api, item):
    future = (datetime.now(timezone.utc) + timedelta(minutes=30)).isoformat()
    response = api.scan(item, occurred_at=future)
    assert response.status_code == 422
    assert response.json["errors"][0] == {"field": "occurred_at", "message": "is in the future"}
    small_skew = (datetime.now(timezone.utc) + timedelta(seconds=30)).isoformat()
    assert api.scan(item, occurred_at=small_skew).status_code == 201


def test_unknown_item_is_404(api):
    response = api.scan(tracking_number())
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_tokens_and_roles_for_scans(api, item):
    assert api.scan(item, token="awz_dt_nope_nope").status_code == 401
    as_sender = api.scan(item, token=api.sender_key)
    assert as_sender.status_code == 403
    missing_key = api.client.post("/api/v1/scans", json={"tracking_number": item},
                                  headers=api.auth(api.device_token))
    assert missing_key.status_code == 400
    assert missing_key.json["errors"][0]["field"] == "Idempotency-Key"


def test_no_attempt_after_delivery(api, item):
    assert api.scan(item, outcome="delivered").status_code == 201
    late = api.scan(item)
    assert late.status_code == 409
    assert len(api.item(item).json["attempts"]) == 1


def test_a_token_only_device_sending_the_same_scan_again_gets_the_first_answer(api, app):
    number = api.register().get_json()["tracking_number"]
    payload = scan_payload(number)
    answers = [api.client.post("/api/v1/scans", json=payload,
                               headers=api.auth(api.device_token, **{"Idempotency-Key": f"fresh-{n}"}))
               for n in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert answers[1].headers.get("Idempotent-Replayed") == "true" and answers[1].json == answers[0].json
    assert len(api.item(number).get_json()["attempts"]) == 1
    later = api.scan(number)  # a new scan (its own time) is a new attempt
    assert later.status_code == 201 and later.json["id"] != answers[0].json["id"]
