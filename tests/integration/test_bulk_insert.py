"""Bulk inserts (COPY, unnest, executemany): every row arrives once, with its values, ids in row order."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import OutboxMessage
from app.models.bulk import COPY_FROM, insert_rows

NOW = datetime(2026, 6, 1, 12, tzinfo=timezone.utc)
OUTBOX = OutboxMessage.__table__


def _rows(count: int, prefix: str) -> list[dict]:
    return [dict(channel="webhook", purpose="test", recipient="https://hooks.example.com/1", language="en",
                 body=f"body {n} ‘quoted’ \\ tab\t", headers={"endpoint_id": n, "event": f"evt_{n}"},
                 dedupe_key=f"{prefix}:{n}", status="queued", tries=0, next_attempt_at=NOW + timedelta(seconds=n),
                 created_at=NOW, updated_at=NOW) for n in range(count)]


@pytest.mark.parametrize("count", [3, COPY_FROM + 50])
def test_rows_come_back_with_their_ids_in_order_and_values_intact(app, count):
    with app.app_context():
        rows = _rows(count, f"bulk{count}")
        ids = insert_rows(db.session.connection(), OUTBOX, rows, returning=["id"])
        db.session.commit()
        assert len(ids) == count and len({i for (i,) in ids}) == count
        stored = {m.id: m for m in db.session.scalars(sa.select(OutboxMessage))}
        for (message_id,), row in zip(ids, rows, strict=True):
            message = stored[message_id]
            assert message.dedupe_key == row["dedupe_key"]
            assert message.headers == row["headers"] and message.body == row["body"]
            assert message.next_attempt_at == row["next_attempt_at"]
            assert message.send_key and len(message.send_key) == 32  # the model's default, as the ORM gives it
        assert len({m.send_key for m in stored.values()}) == count


def test_rows_whose_key_exists_are_skipped_not_doubled(app):
    with app.app_context():
        connection = db.session.connection()
        insert_rows(connection, OUTBOX, _rows(5, "dup"), skip_conflicts_on=["dedupe_key"])
        insert_rows(connection, OUTBOX, _rows(COPY_FROM + 5, "dup"), skip_conflicts_on=["dedupe_key"])
        db.session.commit()
        keys = db.session.scalars(sa.select(OutboxMessage.dedupe_key)).all()
        assert sorted(keys) == sorted(f"dup:{n}" for n in range(COPY_FROM + 5))
