"""The items a sweep hands to the item-event listeners, read as rows, say what the ORM items say."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.lifecycle.item_rows import load_item_rows
from app.models import Item
from app.senders.webhooks import item_summary
from tests.conftest import tracking_number

NOTICE = datetime(2026, 3, 23, 9, 0, tzinfo=timezone.utc)


def test_rows_carry_every_column_the_sender_and_the_link_of_the_orm_item(app, api):
    numbers = [tracking_number() for _ in range(3)]
    with time_machine.travel(NOTICE, tick=False):
        for number in numbers:
            assert api.register(tracking_number=number, service="pl_official_letter").status_code == 201
        assert api.scan(numbers[0], occurred_at=NOTICE.isoformat()).status_code == 201
    with app.app_context():
        items = db.session.scalars(sa.select(Item).where(Item.tracking_number.in_(numbers))).all()
        rows = load_item_rows(db.session, [i.id for i in items] + [10**9])  # an id with no item is left out
        assert sorted(rows) == sorted(i.id for i in items)
        for item in items:
            row = rows[item.id]
            for attr in sa.inspect(Item).column_attrs:
                assert getattr(row, attr.key) == getattr(item, attr.key), attr.key
            assert row.sender is item.sender
            assert row.verify_url("https://awizo.example") == item.verify_url("https://awizo.example")
            assert item_summary(row, "https://awizo.example") == item_summary(item, "https://awizo.example")
        assert load_item_rows(db.session, []) == {}
