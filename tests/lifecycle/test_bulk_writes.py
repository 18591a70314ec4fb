"""The sweep's bulk writes: on PostgreSQL large batches are copied in; a key that exists after all
falls back to ``ON CONFLICT DO NOTHING``. Either way the rows written are exactly the rows built."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.lifecycle import sweep as lifecycle_sweep
from app.models import Item, OutboxMessage, bulk
from app.models.lifecycle import CarrierTask, ItemLifecycle
from tests.conftest import tracking_number

NOTICE = datetime(2026, 3, 23, 9, 0, tzinfo=timezone.utc)
REPEAT_DUE = datetime(2026, 3, 31, 6, 0, tzinfo=timezone.utc)


@pytest.fixture
def letters(api):
    numbers = []
    with time_machine.travel(NOTICE, tick=False):
        for _ in range(3):
            number = tracking_number()
            assert api.register(tracking_number=number, service="pl_official_letter").status_code == 201
            assert api.scan(number, occurred_at=NOTICE.isoformat()).status_code == 201
            numbers.append(number)
    return numbers


@pytest.fixture
def written(monkeypatch):
    """Every row the sweep hands to its bulk insert, per table; every batch is large enough to be copied."""
    monkeypatch.setattr(bulk, "COPY_FROM", 1)
    rows: dict[str, list[dict]] = {}
    insert = lifecycle_sweep._insert_ignore

    def spy(session, model, conflict_columns, batch):
        rows.setdefault(model.__tablename__, []).extend(batch)
        insert(session, model, conflict_columns, batch)

    monkeypatch.setattr(lifecycle_sweep, "_insert_ignore", spy)
    return rows


def _item_id(number: str) -> int:
    return db.session.scalar(sa.select(Item.id).where(Item.tracking_number == number))


def _read(model, columns, *where) -> dict:
    return {tuple(getattr(row, c) for c in columns[:2]): {c: getattr(row, c) for c in columns}
            for row in db.session.scalars(sa.select(model).where(*where))}


def test_copied_rows_are_the_rows_built(app, lc, letters, written):
    with time_machine.travel(REPEAT_DUE, tick=False):
        assert lc.sweep().actions == {"repeat_notice_due": 3}
    with app.app_context():
        columns = list(written["outbox_messages"][0])
        stored = _read(OutboxMessage, ["item_id", "dedupe_key", *columns], OutboxMessage.purpose == "repeat_notice")
        assert len(written["outbox_messages"]) == len(stored) == 6
        for row in written["outbox_messages"]:
            assert {c: stored[(row["item_id"], row["dedupe_key"])][c] for c in columns} == row
        tasks = _read(CarrierTask, ["item_id", "kind", *written["carrier_tasks"][0]])
        assert [{c: tasks[(t["item_id"], t["kind"])][c] for c in t} for t in written["carrier_tasks"]] \
            == written["carrier_tasks"]
        assert sorted(tasks) == sorted((_item_id(n), "repeat_notice") for n in letters)


def test_a_key_that_exists_already_keeps_its_row_and_the_rest_are_written(app, lc, letters, written):
    with app.app_context():
        first, second = _item_id(letters[0]), _item_id(letters[1])
        db.session.add(OutboxMessage(item_id=first, channel="sms", purpose="repeat_notice", recipient="+48601000000",
                                     body="written before", dedupe_key=f"item:{first}:repeat_notice:sms",
                                     status="queued", tries=0, next_attempt_at=NOTICE, created_at=NOTICE,
                                     updated_at=NOTICE))
        carrier = db.session.scalar(sa.select(ItemLifecycle.carrier_id).where(ItemLifecycle.item_id == second))
        db.session.add(CarrierTask(item_id=second, carrier_id=carrier, kind="repeat_notice", status="open",
                                   due_at=NOTICE, created_at=NOTICE))
        db.session.commit()
    with time_machine.travel(REPEAT_DUE, tick=False):
        assert lc.sweep().actions == {"repeat_notice_due": 3}
    assert [m.body for m in lc.messages(letters[0], "repeat_notice") if m.channel == "sms"] == ["written before"]
    for number in letters:
        assert sorted(m.channel for m in lc.messages(number, "repeat_notice")) == ["email", "sms"]
        assert lc.tasks(number) == [("repeat_notice", "open")]
        assert lc.events(number).count("repeat_notice_due") == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.purpose == "repeat_notice")) == 6
