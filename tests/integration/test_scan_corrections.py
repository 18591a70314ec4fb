"""A just-recorded scan is corrected by an appended attempt, never by changing or deleting one."""
from __future__ import annotations

import html
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import OutboxMessage
from tests.conftest import tracking_number
from tests.proofs.pdftools import pdf_text

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)   # a Tuesday, 11:00 in Warsaw


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _scanned(api, outcome="notice_left") -> tuple[str, dict]:
    number = tracking_number()
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        assert api.register(tracking_number=number).status_code == 201
    response = api.scan(number, outcome=outcome, occurred_at=(NOW - timedelta(seconds=30)).isoformat())
    assert response.status_code == 201, response.json
    return number, response.json


def _correct(api, attempt_id: int, token: str | None = None, **body):
    return api.client.post(f"/api/v1/scans/{attempt_id}/correction", json=body,
                           headers=api.auth(token or api.device_token))


def test_a_wrong_notice_corrected_to_delivered_keeps_both_attempts_and_stops_the_alerts(api, app, clock):
    number, scan = _scanned(api, "notice_left")
    with app.app_context():
        queued = db.session.scalars(sa.select(OutboxMessage.status).where(OutboxMessage.attempt_id == scan["id"])).all()
    assert queued and set(queued) == {"queued"}

    clock.shift(timedelta(seconds=60))
    response = _correct(api, scan["id"], outcome="delivered")
    assert response.status_code == 201, response.json
    correction = response.json
    assert correction["corrects_attempt_id"] == scan["id"] and correction["outcome"] == "delivered"
    assert correction["occurred_at"] == scan["occurred_at"] and correction["location"] == scan["location"]
    assert correction["item_status"] == "delivered"

    record = api.item(number).json
    first, second = record["attempts"]
    assert (first["id"], first["outcome"], first["corrected_by"]) == (scan["id"], "notice_left", correction["id"])
    assert second["corrects_attempt_id"] == scan["id"]
    assert record["status"] == "delivered"
    assert "Corrected by the carrier just after it was recorded" in first["correction_text"]["en"]
    with app.app_context():
        statuses = db.session.scalars(sa.select(OutboxMessage.status).where(OutboxMessage.attempt_id == scan["id"])).all()
    assert set(statuses) == {"cancelled"}   # the recipient is not told of a notice that was never left

    kinds = [e["kind"] for e in api.client.get(f"/api/v1/log/items/{number}").json["entries"]]
    assert "attempt_corrected" in kinds   # the correction is in the transparency log

    page = html.unescape(api.client.get(record["verify_url"].replace("http://awizo.test", "") + "?lang=en").text)
    assert "Correction of attempt 1: the carrier first recorded another outcome" in page
    assert "Corrected by the carrier just after it was recorded: the right outcome is attempt 2." in page
    portal_api = api.client.get(f"/api/v1/items/{number}/proof.pdf", headers=api.auth(api.sender_key))
    text = " ".join(pdf_text(portal_api.data).split())
    assert "Correction of attempt 1" in text and "the right outcome is attempt 2" in text


def test_a_delivered_scan_corrected_to_a_notice_starts_the_notice_cycle_and_its_alerts(api, app, clock):
    number, scan = _scanned(api, "delivered")
    clock.shift(timedelta(seconds=10))
    response = _correct(api, scan["id"], outcome="notice_left")
    assert response.status_code == 201, response.json
    record = api.item(number).json
    assert record["status"] == "awaiting_collection" and record["deadlines"]["collect_by"]
    with app.app_context():
        purposes = db.session.scalars(sa.select(OutboxMessage.purpose).where(
            OutboxMessage.attempt_id == response.json["id"])).all()
    assert purposes and set(purposes) == {"notice_left"}


def test_after_the_window_the_correction_is_refused_with_a_problem_naming_the_scan(api, clock):
    _, scan = _scanned(api)
    clock.shift(timedelta(seconds=121))     # SCAN_CORRECTION_WINDOW_SECONDS is 120 by default
    response = _correct(api, scan["id"], outcome="delivered")
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    problem = response.json
    assert problem["type"].endswith("correction-window-closed")
    assert "120 seconds" in problem["detail"]
    assert [e["field"] for e in problem["errors"]] == ["attempt_id"]


def test_the_window_is_configurable(api, app, clock):
    app.config["SCAN_CORRECTION_WINDOW_SECONDS"] = 10
    _, scan = _scanned(api)
    clock.shift(timedelta(seconds=11))
    assert _correct(api, scan["id"], outcome="delivered").status_code == 409


def test_refusals_name_the_field_and_nothing_is_recorded(api, clock):
    number, scan = _scanned(api)
    other_device = api.new_carrier("Piotr Inny")
    assert _correct(api, scan["id"], token=other_device, outcome="delivered").status_code == 404
    same = _correct(api, scan["id"], outcome="notice_left")
    assert same.status_code == 422 and [e["field"] for e in same.json["errors"]] == ["outcome"]
    bad = _correct(api, scan["id"], outcome="lost")
    assert bad.status_code == 422 and [e["field"] for e in bad.json["errors"]] == ["outcome"]
    assert _correct(api, 10**9, outcome="delivered").status_code == 404
    assert len(api.item(number).json["attempts"]) == 1

    first = _correct(api, scan["id"], outcome="no_access")
    assert first.status_code == 201
    again = _correct(api, scan["id"], outcome="delivered")
    assert again.status_code == 409 and "already corrected" in again.json["detail"]
    of_correction = _correct(api, first.json["id"], outcome="delivered")
    assert of_correction.status_code == 409
    assert [a["outcome"] for a in api.item(number).json["attempts"]] == ["notice_left", "no_access"]
