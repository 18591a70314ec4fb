"""The outbox worker's SQL statement budget per alert, counted (not timed).

Every status an item's alert reaches is an item event with its log leaf, written in the
worker's transaction. The budget below is what sending a batch of such alerts may cost; each
test also checks that every alert was sent and its event and leaf written, so the budget cannot
be met by dropping work. Lower it when a change saves statements; raise it only with a reason.
"""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

from app.extensions import db
from app.messaging.delivery import run_once
from app.messaging.enqueue import enqueue_message
from app.messaging.outbox_settings import OutboxSettings
from app.messaging.providers import DeliveryResult
from app.models import Item, ItemEvent
from app.models.evidence import LogEntry

ALERTS = 8
# Per alert: the in-flight mark and the outcome (one statement on PostgreSQL, which writes the
# previous message's outcome in the statement that marks the next one), the item event, the log
# (numbering, entries, nodes, and every other time the nodes a new leaf hashes with).
PER_ALERT = {"postgresql": 6, "sqlite": 7}
# Per batch: the reservation, its messages, their suppressions and their items (with senders).
PER_BATCH = 4


class Accepting:
    name, provider = "email", "accepting"

    def __init__(self):
        self.sent: list[int] = []

    def deliver(self, message) -> DeliveryResult:
        self.sent.append(message.id)
        return DeliveryResult.sent(self.provider, f"accepted-{message.id}")


def test_a_batch_of_item_alerts_reads_its_items_once_and_stays_within_its_statement_budget(app, api):
    numbers = [api.register().get_json()["tracking_number"] for _ in range(ALERTS)]
    now = datetime.now(timezone.utc)
    with app.app_context():
        items = db.session.scalars(sa.select(Item).where(Item.tracking_number.in_(numbers))).all()
        for n, item in enumerate(items):
            enqueue_message(db.session, channel="email", recipient=f"r{n}@example.com", purpose="notice_left",
                            subject="s", body="b", dedupe_key=f"budget-{n}", now=now, item_id=item.id)
        db.session.commit()
        events_before = db.session.scalar(sa.select(sa.func.count()).select_from(ItemEvent))
        leaves_before = db.session.scalar(sa.select(sa.func.count()).select_from(LogEntry))
        db.session.remove()

        statements: list[str] = []
        listener = lambda *args: statements.append(" ".join(args[2].split()))  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        channel = Accepting()
        settings = OutboxSettings.from_app(app)
        settings.batch_size = ALERTS
        try:
            assert run_once(db.session, {"email": channel}, settings) == ALERTS
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)

        events = db.session.scalars(sa.select(ItemEvent.data).where(ItemEvent.kind == "notification_status")).all()
        leaves = db.session.scalar(sa.select(sa.func.count()).select_from(LogEntry)) - leaves_before
        added = db.session.scalar(sa.select(sa.func.count()).select_from(ItemEvent)) - events_before
        dialect = db.engine.dialect.name
    assert len(channel.sent) == ALERTS
    assert sorted(e["provider_message_id"] for e in events) == sorted(f"accepted-{i}" for i in channel.sent)
    assert added == ALERTS and leaves == ALERTS
    reads_of_items = [s for s in statements if s.startswith("SELECT") and " FROM items" in s]
    reads_of_senders = [s for s in statements if s.startswith("SELECT") and " FROM senders" in s]
    assert len(reads_of_items) == 1 and reads_of_senders == []
    assert len(statements) <= PER_ALERT[dialect] * ALERTS + PER_BATCH, "\n".join(statements)
