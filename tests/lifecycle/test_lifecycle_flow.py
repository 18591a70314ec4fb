"""A whole official-letter lifecycle through the API and the sweep, travelling in time.

Notice on Monday 23 March 2026 in Warsaw. DST starts on 29 March; day 14 (6 April) is Easter
Monday, so collection runs to Tuesday 7 April and service is deemed made that day.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import Item
from app.models.lifecycle import ItemLifecycle
from tests.conftest import tracking_number

UTC = timezone.utc
NOTICE = datetime(2026, 3, 23, 9, 0, tzinfo=UTC)            # 10:00 CET
REPEAT_DUE = datetime(2026, 3, 31, 6, 0, tzinfo=UTC)        # 08:00 CEST, after the DST change
REMINDER_DUE = datetime(2026, 4, 6, 6, 0, tzinfo=UTC)       # the day before the deadline, 08:00
END_DUE = datetime(2026, 4, 7, 22, 0, tzinfo=UTC)           # midnight after Tuesday 7 April
SECOND = timedelta(seconds=1)


@pytest.fixture
def clock():
    with time_machine.travel(NOTICE, tick=False) as traveller:
        yield traveller


@pytest.fixture
def letter(api, clock):
    number = tracking_number()
    assert api.register(tracking_number=number, service="pl_official_letter").status_code == 201
    response = api.scan(number, occurred_at=NOTICE.isoformat())
    assert response.status_code == 201, response.json
    return number


def test_full_kpa_lifecycle_each_step_once_on_the_right_day(api, lc, clock, letter):
    deadlines = api.item(letter).json["deadlines"]
    assert deadlines["collect_by"] == "2026-04-07"              # Easter Monday moves it to Tuesday
    assert deadlines["deemed_served_on"] == "2026-04-07"
    assert deadlines["collect_by_at"] == "2026-04-07T21:59:59Z"
    assert deadlines["first_notice_until"] == "2026-03-30"
    assert "07.04.2026" in deadlines["text"]["pl"] and "deemed served on 07.04.2026" in deadlines["text"]["en"]
    assert api.item(letter).json["collect_by"] == "2026-04-07T21:59:59Z"
    notice_sms = lc.messages(letter, "notice_left")
    # SMS write the day in digits; e-mails as CLDR writes it in Polish.
    assert notice_sms and all(("07.04.2026" if m.channel == "sms" else "7 kwi 2026") in m.body for m in notice_sms)

    clock.move_to(REPEAT_DUE - SECOND)
    assert lc.sweep().total == 0
    clock.move_to(REPEAT_DUE)
    assert lc.sweep().actions == {"repeat_notice_due": 1}
    repeat = lc.messages(letter, "repeat_notice")
    assert {m.channel for m in repeat} == {"sms", "email"}
    assert all(("07.04.2026" if m.channel == "sms" else "7 kwi 2026") in m.body for m in repeat)
    assert lc.tasks(letter) == [("repeat_notice", "open")]
    tasks = api.client.get("/api/v1/tasks", headers=api.auth(api.device_token)).json["tasks"]
    assert [(t["tracking_number"], t["kind"], t["collect_by"]) for t in tasks] == [(letter, "repeat_notice", "2026-04-07")]
    assert lc.sweep().total == 0                                 # nothing twice

    # The carrier leaves the repeat notice: the task is done, the deadline stays that of the first notice.
    clock.move_to(REPEAT_DUE + timedelta(hours=3))
    second = api.scan(letter, occurred_at=(REPEAT_DUE + timedelta(hours=2)).isoformat())
    assert second.status_code == 201 and second.json["collect_by"] == "2026-04-07T21:59:59Z"
    assert lc.tasks(letter) == [("repeat_notice", "done")]
    assert api.client.get("/api/v1/tasks", headers=api.auth(api.device_token)).json["tasks"] == []
    assert len(lc.messages(letter, "notice_left")) == len(notice_sms)   # no second first-notice alert

    clock.move_to(REMINDER_DUE - SECOND)
    assert lc.sweep().total == 0
    clock.move_to(REMINDER_DUE)
    assert lc.sweep().actions == {"collection_reminder": 1}
    reminder_sms = [m for m in lc.messages(letter, "collection_reminder") if m.channel == "sms"]
    assert len(reminder_sms) == 1 and "odbierz do jutra (07.04.2026)" in reminder_sms[0].body

    clock.move_to(END_DUE - SECOND)                              # 23:59:59 on the last day: still collectable
    assert lc.sweep().total == 0
    assert lc.status(letter) == "awaiting_collection"
    clock.move_to(END_DUE)
    assert lc.sweep().actions == {"deemed_served": 1}
    assert lc.status(letter) == "deemed_served"
    assert lc.sweep().total == 0

    record = api.item(letter).json
    assert record["status"] == "deemed_served"
    assert record["deadlines"]["stage"] == "deemed_served"
    kinds = [e["kind"] for e in record["events"]]
    for kind in ("lifecycle_started", "repeat_notice_due", "collection_reminder", "deemed_served"):
        assert kinds.count(kind) == 1, kinds
    assert kinds.index("repeat_notice_due") < kinds.index("collection_reminder") < kinds.index("deemed_served")
    deemed = next(e for e in record["events"] if e["kind"] == "deemed_served")
    assert deemed["data"]["deemed_served_on"] == "2026-04-07"
    assert deemed["occurred_at"] == "2026-04-07T22:00:00Z"

    late = api.scan(letter, occurred_at=END_DUE.isoformat())
    assert late.status_code == 409


def test_collection_on_day_10_cancels_everything_pending(api, lc, clock, letter):
    clock.move_to(REPEAT_DUE)
    lc.sweep()
    assert lc.tasks(letter) == [("repeat_notice", "open")]
    assert all(m.status == "queued" for m in lc.messages(letter, "repeat_notice"))

    day_10 = datetime(2026, 4, 2, 12, 30, tzinfo=UTC)
    clock.move_to(day_10)
    collector = {"collected_by": "Jan Kowalski", "id_type": "id_card", "id_last_digits": "4321"}
    response = api.client.post(f"/api/v1/items/{letter}/collection", json=collector,
                               headers=api.auth(api.device_token))
    assert response.status_code == 201, response.json
    assert response.json["status"] == "collected"
    assert response.json["deadlines"]["collected_at"] == "2026-04-02T12:30:00Z"
    assert lc.tasks(letter) == [("repeat_notice", "cancelled")]
    assert {m.status for m in lc.messages(letter, "repeat_notice")} == {"cancelled"}

    for moment in (REMINDER_DUE, END_DUE, END_DUE + timedelta(days=30)):
        clock.move_to(moment)
        assert lc.sweep().total == 0
    assert lc.messages(letter, "collection_reminder") == []
    assert lc.status(letter) == "collected"
    kinds = lc.events(letter)
    assert kinds.count("collected") == 1
    assert not {"collection_reminder", "deemed_served", "returned_to_sender"} & set(kinds)
    assert api.item(letter).json["deadlines"]["stage"] == "collected"

    again = api.client.post(f"/api/v1/items/{letter}/collection", json=collector, headers=api.auth(api.device_token))
    assert again.status_code == 200 and lc.events(letter).count("collected") == 1


def test_a_worker_down_for_weeks_catches_up_in_order_without_a_late_reminder(api, lc, clock, letter):
    clock.move_to(END_DUE + timedelta(days=20))
    result = lc.sweep()
    # Nobody left the repeat notice in those weeks, so service cannot be deemed made.
    assert result.actions == {"repeat_notice_due": 1, "collection_reminder_skipped": 1,
                              "deemed_service_not_established": 1}
    kinds = lc.events(letter)
    assert (kinds.index("repeat_notice_due") < kinds.index("collection_reminder_skipped")
            < kinds.index("deemed_service_not_established"))
    assert lc.messages(letter, "collection_reminder") == []
    assert lc.status(letter) == "deemed_service_not_established"


def test_registered_letter_is_returned_not_deemed_served(api, lc, clock):
    number = tracking_number()
    assert api.register(tracking_number=number, service="pl_registered_letter").status_code == 201
    assert api.scan(number, occurred_at=NOTICE.isoformat()).status_code == 201
    assert api.item(number).json["deadlines"]["deemed_served_on"] is None
    for moment, kind in ((REPEAT_DUE, "repeat_notice_due"), (REMINDER_DUE, "collection_reminder"),
                         (END_DUE, "returned_to_sender")):
        clock.move_to(moment)
        assert lc.sweep().actions == {kind: 1}
    assert lc.status(number) == "returned"


def test_royal_mail_item_gets_no_repeat_notice_and_returns_after_18_days(api, lc, clock):
    number = tracking_number()
    assert api.register(tracking_number=number, service="uk_signed_for").status_code == 201
    assert api.scan(number, occurred_at=NOTICE.isoformat()).status_code == 201
    assert api.item(number).json["deadlines"]["collect_by"] == "2026-04-10"
    clock.move_to(datetime(2026, 4, 9, 6, 0, tzinfo=UTC))
    assert lc.sweep().actions == {"collection_reminder": 1}
    clock.move_to(datetime(2026, 4, 10, 21, 59, 59, tzinfo=UTC))
    assert lc.sweep().total == 0
    clock.move_to(datetime(2026, 4, 10, 22, 0, tzinfo=UTC))
    assert lc.sweep().actions == {"returned_to_sender": 1}
    assert lc.tasks(number) == []


def test_delivery_on_the_repeat_visit_stops_the_lifecycle(api, lc, clock, letter):
    clock.move_to(REPEAT_DUE + timedelta(hours=1))
    lc.sweep()
    delivered = api.scan(letter, outcome="delivered", occurred_at=(REPEAT_DUE + timedelta(minutes=30)).isoformat())
    assert delivered.status_code == 201, delivered.json
    assert lc.tasks(letter) == [("repeat_notice", "cancelled")]
    clock.move_to(END_DUE)
    assert lc.sweep().total == 0
    assert lc.status(letter) == "delivered"
    assert "lifecycle_stopped" in lc.events(letter)


def test_a_finished_lifecycle_left_with_a_due_time_does_not_hold_the_sweep_up(api, lc, clock, letter, app):
    """A row in a final stage that still names a next action time (a manual edit, an old bug) is
    not a step: the sweep goes past it to the steps that are due and then stops."""
    stuck = tracking_number()
    assert api.register(tracking_number=stuck, service="pl_official_letter").status_code == 201
    assert api.scan(stuck, occurred_at=NOTICE.isoformat()).status_code == 201
    with app.app_context():
        item_id = db.session.scalar(sa.select(Item.id).where(Item.tracking_number == stuck))
        db.session.execute(sa.update(ItemLifecycle).where(ItemLifecycle.item_id == item_id)
                           .values(stage="stopped", next_action_at=NOTICE))
        db.session.commit()
    clock.move_to(REPEAT_DUE)
    assert lc.sweep(batch_size=1, max_batches=5).actions == {"repeat_notice_due": 1}  # the letter's step, once
    assert lc.sweep(batch_size=1, max_batches=5).batches == 0
    assert lc.events(stuck)[-1] != "repeat_notice_due"
