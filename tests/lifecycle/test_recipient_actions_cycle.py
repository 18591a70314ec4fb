"""The recipient acts on what he is told: redelivery asked and done, pickup point moved (dates
kept), a person authorised and accepted at the counter, and deemed service for the letter left
waiting — with the scheduler driven through time.

Notice on Monday 23 March 2026, 10:00 in Warsaw; the repeat notice falls due on Tuesday
31 March, collection runs to Tuesday 7 April (see test_repeat_notice_evidence).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import RecipientAction
from app.models.lifecycle import ItemLifecycle
from tests.conftest import tracking_number

UTC = timezone.utc
NOTICE = datetime(2026, 3, 23, 9, 0, tzinfo=UTC)
REPEAT_DUE = datetime(2026, 3, 31, 6, 0, tzinfo=UTC)
END_DUE = datetime(2026, 4, 7, 22, 0, tzinfo=UTC)
REGISTER = """code,name,address,lat,lon,mon,tue,wed,thu,fri,sat,sun,holidays_closed
WAW-07,UP Warszawa 7,"ul. Nowogrodzka 45, 00-695 Warszawa",52.2282,21.0038,08:00-20:00,08:00-20:00,08:00-20:00,08:00-20:00,08:00-20:00,,,yes
WAW-12,UP Warszawa 12,"ul. Puławska 10, 02-566 Warszawa",52.2050,21.0210,08:00-18:00,08:00-18:00,08:00-18:00,08:00-18:00,08:00-18:00,09:00-13:00,,yes
GDA-01,UP Gdańsk 1,"ul. Długa 22/28, 80-801 Gdańsk",54.3489,18.6530,08:00-20:00,08:00-20:00,08:00-20:00,08:00-20:00,08:00-20:00,,,yes
"""


@pytest.fixture
def clock():
    with time_machine.travel(NOTICE, tick=False) as traveller:
        yield traveller


@pytest.fixture
def register(runner, tmp_path):
    path = tmp_path / "points.csv"
    path.write_text(REGISTER, encoding="utf-8")
    assert runner.invoke(args=["pickup-points", "import", str(path)]).exit_code == 0


def _notice(api, service: str) -> tuple[str, str, str]:
    """A notice left at the address; returns the number, the record token and the notice's code."""
    number = tracking_number()
    assert api.register(tracking_number=number, service=service).status_code == 201
    scanned = api.scan(number, occurred_at=NOTICE.isoformat())
    assert scanned.status_code == 201 and scanned.json["pickup_point"]["code"] == "WAW-07"
    notice = api.client.get(f"/h/api/notice/{number}", headers=api.auth(api.device_token)).json
    return number, notice["verify_url"].rsplit("/", 1)[-1], notice["claim_code"]


def _act(api, token: str, code: str, **data):
    return api.client.post(f"/v/{token}/actions?lang=en", json={"claim_code": code, **data})


def _tasks(api) -> list[tuple[str, str]]:
    tasks = api.client.get("/api/v1/tasks", headers=api.auth(api.device_token)).json["tasks"]
    return [(t["tracking_number"], t["kind"]) for t in tasks]


def _dates(api, number: str) -> tuple:
    d = api.item(number).json["deadlines"]
    return d["collect_by"], d["deemed_served_on"], d["repeat_notice_at"]


def test_redelivery_move_authorisation_and_deemed_service(app, api, lc, clock, register, runner):
    redeliver, redeliver_token, redeliver_code = _notice(api, "pl_official_letter")
    moved, moved_token, moved_code = _notice(api, "pl_official_letter")
    parcel, parcel_token, parcel_code = _notice(api, "pl_registered_letter")
    clock.move_to(NOTICE + timedelta(hours=1))

    # (a) Redelivery: the recipient proves it is his item with the code from the notice.
    wrong = _act(api, redeliver_token, "ABCD-EFGH", action="redelivery", day="2026-03-25")
    assert wrong.status_code == 403 and wrong.headers["Content-Type"].startswith("application/problem+json")
    assert wrong.json["errors"][0]["field"] == "claim_code"
    saturday = _act(api, redeliver_token, redeliver_code, action="redelivery", day="2026-03-28")
    assert saturday.status_code == 422 and saturday.json["errors"][0]["field"] == "day"
    assert saturday.json["detail"] == ("28.03.2026 is not a working day; deliveries are Monday to Friday "
                                       "except holidays.")
    asked = _act(api, redeliver_token, redeliver_code, action="redelivery", day="2026-03-25")
    assert asked.status_code == 201, asked.json
    assert asked.json["confirmation"].startswith(f"Item {redeliver}: redelivery asked for 25.03.2026.")
    assert {m.channel for m in lc.messages(redeliver, "recipient_action")} == {"sms", "email"}
    again = _act(api, redeliver_token, redeliver_code, action="redelivery", day="2026-03-26")
    assert again.status_code == 422 and "already been asked" in again.json["detail"]
    assert (redeliver, "redelivery") not in _tasks(api)           # not on Monday's list: it is for Wednesday
    sender_view = api.item(redeliver).json
    event = next(e for e in sender_view["events"] if e["kind"] == "recipient_action")
    assert event["data"]["action"] == "redelivery" and event["data"]["day"] == "2026-03-25"

    # (b) Move to another point within the operator's rules; the statutory dates stay.
    before = _dates(api, moved)
    too_far = _act(api, moved_token, moved_code, action="move_pickup_point", pickup_point="GDA-01")
    assert too_far.status_code == 422 and too_far.json["errors"][0]["field"] == "pickup_point"
    assert "at most 30 km" in too_far.json["detail"]
    moved_ok = _act(api, moved_token, moved_code, action="move_pickup_point", pickup_point="WAW-12")
    assert moved_ok.status_code == 201, moved_ok.json
    assert "UP Warszawa 12, ul. Puławska 10" in moved_ok.json["confirmation"]
    assert _dates(api, moved) == before
    with app.app_context():
        lifecycle = db.session.scalar(sa.select(ItemLifecycle).join(ItemLifecycle.item)
                                      .where(ItemLifecycle.item.has(tracking_number=moved)))
        assert lifecycle.pickup_point_id is not None
        db.session.expunge_all()
    second = _act(api, moved_token, moved_code, action="move_pickup_point", pickup_point="WAW-07")
    assert second.status_code == 422 and "at most 1 time" in second.json["detail"]

    # (c) Authorise a person: an official letter takes only an identity card or passport.
    licence = {"action": "authorise_collector", "name": "Anna Nowak", "id_type": "driving_licence",
               "id_last_digits": "1234"}
    refused = _act(api, moved_token, moved_code, **licence)
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "id_type"
    assert _act(api, parcel_token, parcel_code, **licence).status_code == 201

    # Wednesday: the redelivery is on the carrier's list and done by an attempt.
    clock.move_to(datetime(2026, 3, 25, 8, 0, tzinfo=UTC))
    assert (redeliver, "redelivery") in _tasks(api)
    done = api.scan(redeliver, outcome="delivered", occurred_at=datetime(2026, 3, 25, 7, 55, tzinfo=UTC).isoformat())
    assert done.status_code == 201
    assert (redeliver, "redelivery") not in _tasks(api)
    assert lc.tasks(redeliver) == [("redelivery", "done")]
    assert lc.status(redeliver) == "delivered"
    with app.app_context():
        action = db.session.scalar(sa.select(RecipientAction).where(RecipientAction.kind == "redelivery"))
        assert action.attempt_id == done.json["id"]
    history = api.client.get(f"/v/{redeliver_token}/actions?lang=en").text
    assert "Recipient asked for redelivery: 2026-03-25 (done)" in history

    # The authorised person collects the parcel at the counter; the record says she was authorised.
    collected = runner.invoke(args=["lifecycle", "collected", parcel, "--by", "anna  NOWAK", "--id-type",
                                    "driving_licence", "--id-last-digits", "1234"])
    assert collected.exit_code == 0, collected.output
    event = next(e for e in api.item(parcel).json["events"] if e["kind"] == "collected")
    assert event["data"]["authorised_by_recipient"] is not None

    # The moved letter, never collected: the repeat notice is recorded, then service is deemed made
    # on the unchanged statutory date.
    clock.move_to(REPEAT_DUE)
    assert lc.sweep().actions == {"repeat_notice_due": 1}
    clock.move_to(REPEAT_DUE + timedelta(hours=3))
    assert api.scan(moved, occurred_at=(REPEAT_DUE + timedelta(hours=2)).isoformat(),
                    pickup_point="WAW-12").status_code == 201
    clock.move_to(END_DUE)
    lc.sweep()
    assert lc.status(moved) == "deemed_served"
    assert _dates(api, moved) == before
    after = _act(api, moved_token, moved_code, action="redelivery", day="2026-04-09")
    assert after.status_code == 422 and "no longer waiting" in after.json["detail"]
