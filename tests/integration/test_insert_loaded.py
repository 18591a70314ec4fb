"""Rows written without the unit of work (``insert_loaded``) are the rows a flush would have written.

A scan writes its attempt, lifecycle and alerts with one ``INSERT … RETURNING`` each and keeps
the objects as if loaded. What is in the database must be what the objects say, defaults and
foreign keys included; the commit must not write them again; a later change must still be saved.
"""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

from app.delivery.cli import create_carrier
from app.extensions import db
from app.models import Attempt, OutboxMessage
from app.models.bulk import insert_loaded
from tests.integration.test_scan_statement_budget import counted

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)


def _message(key: str, recipient: str, **extra) -> OutboxMessage:
    return OutboxMessage(channel="sms", purpose="notice_left", recipient=recipient, body="Awizo", dedupe_key=key,
                         created_at=NOW, updated_at=NOW, **extra)


def test_defaults_and_server_values_are_written_and_the_objects_say_the_same(app):
    with app.app_context():
        first, second = _message("k1", "+48601000001", language="en"), _message("k2", "+48601000002", language="uk")
        third = _message("k0", "+48601000000")  # no language: another shape of values, the default's
        with counted(app) as statements:
            insert_loaded(db.session, first, second, third)
        # PostgreSQL: one statement per shape of values; SQLite returns server-made ids in order one row at a time.
        assert len(statements) == (2 if db.engine.dialect.name == "postgresql" else 3)
        assert len({first.id, second.id, third.id} - {None}) == 3
        rows = {row.dedupe_key: row for row in db.session.execute(sa.select(OutboxMessage.__table__))}
        for message in (first, second, third):
            row = rows[message.dedupe_key]
            assert row.id == message.id and row.recipient == message.recipient
            # The model's Python-side defaults, as a flush applies them.
            assert (row.status, row.tries) == ("queued", 0) == (message.status, message.tries)
            assert len(row.send_key) == 32 and row.send_key == message.send_key
            assert row.next_attempt_at == message.next_attempt_at
        assert first.send_key != second.send_key  # a callable default is called for each row
        assert [(rows[k].language, m.language) for k, m in (("k0", third), ("k1", first), ("k2", second))] == [
            ("pl", "pl"), ("en", "en"), ("uk", "uk")]
        with counted(app) as statements:
            db.session.commit()
        assert not [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 3


def test_a_later_change_is_saved_and_a_relationship_gives_its_foreign_key(app, api):
    number = api.register().get_json()["tracking_number"]
    with app.app_context():
        carrier, _token = create_carrier("Relationship carrier")
        message = _message("k3", "+48601000003")
        insert_loaded(db.session, message)
        message.status = "cancelled"
        item_id = db.session.scalar(sa.text("SELECT id FROM items WHERE tracking_number = :n"), {"n": number})
        attempt = Attempt(item_id=item_id, outcome="notice_left", upu_event="EMH", occurred_at=NOW, recorded_at=NOW,
                          carrier=carrier, pickup_point=carrier.default_pickup_point)  # no *_id given
        insert_loaded(db.session, attempt)
        db.session.commit()
        stored = db.session.execute(sa.select(Attempt.__table__).where(Attempt.__table__.c.id == attempt.id)).one()
        assert stored.carrier_id == carrier.id
        assert stored.pickup_point_id == carrier.default_pickup_point.id is not None
        assert db.session.scalar(sa.select(OutboxMessage.status).where(OutboxMessage.id == message.id)) == "cancelled"
