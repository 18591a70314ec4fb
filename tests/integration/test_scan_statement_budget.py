"""A scan's SQL statement budget: what one POST /api/v1/scans costs the database, counted.

Not a timing test: it counts the statements the request sends (``before_cursor_execute``) and
fails when a change makes a scan need more than the budget below. Each test also checks that
the scan still did everything it promises (attempt, log leaf, outbox rows, idempotency
record), so the budget cannot be met by dropping work. Lower a budget when a change saves
statements; raise one only with a reason in the commit.
"""
from __future__ import annotations

import uuid
from contextlib import contextmanager
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import Attempt, IdempotencyRecord, OutboxMessage, WebhookDelivery
from app.models.evidence import LogEntry
from tests.conftest import scan_payload, tracking_number

# Statements per database (SQLite cannot batch ORM inserts that return server-made ids).
# One scan leaving a first notice: the request's transaction (device, idempotency, item with
# its lifecycle, writes, subscribers, the log append, the checks: the carrier's previous scan
# and its scans around this one in one read); the register's
# pickup point the notice names, and the carrier's open tasks on the item (a redelivery the
# recipient asked for is closed by the next attempt).
BUDGET_NOTICE = {"postgresql": 20, "sqlite": 21}
# The same with one webhook endpoint subscribed to every event: + the signed tree head the
# callbacks carry, and an outbox row with its delivery row per event.
BUDGET_NOTICE_WITH_WEBHOOK = {"postgresql": 31, "sqlite": 32}
# A second scan of the same item, delivered: no alerts, but the notice's lifecycle stops (its
# stage, the carrier's open task, alerts still waiting) with an event of its own.
BUDGET_DELIVERED = {"postgresql": 18, "sqlite": 18}


def budget(app, budgets: dict[str, int]) -> int:
    with app.app_context():
        return budgets[db.engine.dialect.name]


class Statements(list):
    commits = 0


@contextmanager
def counted(app):
    statements = Statements()

    def before(_conn, _cursor, statement, _params, _context, _executemany):
        statements.append(statement)

    def commit(_conn):
        statements.commits += 1

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "commit", commit)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "commit", commit)


@pytest.fixture
def items(api):
    numbers = [tracking_number() for _ in range(3)]
    with time_machine.travel(datetime(2026, 11, 1, tzinfo=timezone.utc)):
        for number in numbers:
            assert api.register(tracking_number=number).status_code == 201
    # A first scan warms what every process caches once (the device's carrier, the endpoints).
    assert api.scan(numbers[0]).status_code == 201
    return numbers


def _scan(api, number, **overrides):
    key = uuid.uuid4().hex
    response = api.client.post("/api/v1/scans", json=scan_payload(number, **overrides),
                               headers=api.auth(api.device_token, **{"Idempotency-Key": key}))
    assert response.status_code == 201, response.get_json()
    return response.get_json(), key


def _promises_kept(app, attempt_id: int, key: str, *, alerts: int, callbacks: int = 0) -> None:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(IdempotencyRecord)
                                 .where(IdempotencyRecord.key == key)) == 1
        logged = db.session.scalars(sa.select(LogEntry.kind).where(LogEntry.item_id == attempt.item_id)).all()
        assert "attempt_recorded" in logged
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.attempt_id == attempt_id)) == alerts
        if callbacks:
            assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookDelivery)) >= callbacks


def test_a_scan_leaving_a_notice_stays_within_its_statement_budget(app, api, items):
    with counted(app) as statements:
        body, key = _scan(api, items[1])
    assert len(statements) <= budget(app, BUDGET_NOTICE), "\n".join(st[:110] for st in statements)
    assert statements.commits == 1  # one transaction: the scan, its alerts, log leaf and checks
    _promises_kept(app, body["id"], key, alerts=2)  # the SMS and the e-mail to the recipient


def test_a_delivered_scan_stays_within_its_statement_budget(app, api, items):
    _scan(api, items[1])
    with counted(app) as statements:
        body, key = _scan(api, items[1], outcome="delivered")
    assert len(statements) <= budget(app, BUDGET_DELIVERED), "\n".join(st[:110] for st in statements)
    _promises_kept(app, body["id"], key, alerts=0)
    assert api.item(items[1]).get_json()["status"] == "delivered"


def test_a_scan_with_a_webhook_subscriber_stays_within_its_statement_budget(app, api, items):
    created = api.client.post("/api/v1/webhooks", json={"url": "https://callbacks.example.com/awizo"},
                              headers=api.auth(api.sender_key))
    assert created.status_code == 201, created.get_json()
    assert api.scan(items[0], outcome="delivered").status_code == 201  # the new endpoint is read once
    with counted(app) as statements:
        body, key = _scan(api, items[1])
    assert len(statements) <= budget(app, BUDGET_NOTICE_WITH_WEBHOOK), "\n".join(st[:110] for st in statements)
    _promises_kept(app, body["id"], key, alerts=2, callbacks=2)


def test_the_cached_endpoints_follow_every_change(api, items):
    """Endpoints are cached per process against the sender's version: each change shows at once."""
    h = api.auth(api.sender_key)
    first = api.client.post("/api/v1/webhooks", json={"url": "https://one.example.com/hook"}, headers=h).get_json()
    _scan(api, items[1])
    api.client.delete(f"/api/v1/webhooks/{first['id']}", headers=h)
    api.client.post("/api/v1/webhooks", json={"url": "https://two.example.com/hook",
                                              "event_types": ["item.attempt_recorded"]}, headers=h)
    _scan(api, items[2])
    with api.app.app_context():
        sent = db.session.execute(sa.select(OutboxMessage.recipient, OutboxMessage.purpose)
                                  .where(OutboxMessage.channel == "webhook")).all()
    one = {purpose for url, purpose in sent if url == "https://one.example.com/hook"}
    two = [purpose for url, purpose in sent if url == "https://two.example.com/hook"]
    assert "item.attempt_recorded" in one and "item.lifecycle_started" in one
    assert two == ["item.attempt_recorded"]  # only what it subscribed to, only after it existed
