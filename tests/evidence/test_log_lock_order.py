"""The log's one row lock is taken only after the transaction's other writes have gone out.

Whoever numbers leaves holds ``log_state``'s row lock until the commit, and every scan, alert and
import queues on it: a transaction that still had ORM objects to write at its commit would
otherwise write them while holding the lock.
"""
from __future__ import annotations

import sqlalchemy as sa

from app.events import record_event
from app.extensions import db
from app.models import Item, Suppression
from app.models.types import utcnow


def test_the_transactions_pending_writes_go_out_before_the_log_lock(app, api):
    number = api.register().get_json()["tracking_number"]
    statements: list[str] = []
    with app.app_context():
        item = db.session.scalar(sa.select(Item).where(Item.tracking_number == number))
        record_event(db.session, item, "status_changed", utcnow(), {"status": "registered"})  # a leaf to number
        db.session.add(Suppression(channel="email", address="jan@example.com", reason="request"))  # not flushed
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(" ".join(a[2].replace('"', "").split())))
        db.session.commit()
    lock = next(i for i, s in enumerate(statements) if s.startswith("UPDATE log_state"))
    write = next(i for i, s in enumerate(statements) if s.startswith("INSERT INTO suppressions"))
    assert write < lock, statements
    assert any(s.startswith("INSERT INTO log_entries") for s in statements[lock:]), statements  # the leaf was numbered
