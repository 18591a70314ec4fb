"""Several workers never send the same message; a crashed worker's messages are taken up again."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from app.extensions import db
from app.messaging.delivery import claim_due, run_once
from app.messaging.enqueue import enqueue_message
from app.messaging.outbox_settings import OutboxSettings
from app.messaging.providers import DeliveryResult, register_channel
from app.models import OutboxMessage


class CountingChannel:
    """A channel that only counts (the providers themselves are covered by the other tests)."""

    name, provider = "email", "counting"

    def __init__(self):
        self.sent: list[int] = []
        self.lock = threading.Lock()

    def deliver(self, message) -> DeliveryResult:
        with self.lock:
            self.sent.append(message.id)
        return DeliveryResult.sent(self.provider, f"count-{message.id}")


def _queue(app, count: int, now: datetime) -> None:
    with app.app_context():
        for n in range(count):
            enqueue_message(db.session, channel="email", recipient=f"p{n}@example.com", purpose="test",
                            subject="s", body="b", dedupe_key=f"claim-{n}", now=now)
        db.session.commit()


def test_two_workers_at_once_send_each_message_exactly_once(app):
    now = datetime.now(timezone.utc)
    _queue(app, 30, now)
    channel = CountingChannel()
    register_channel(app, channel)
    settings = OutboxSettings.from_app(app)
    errors = []

    def work():
        try:
            with app.app_context():
                run_once(db.session, {"email": channel}, settings)
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(channel.sent) == sorted(set(channel.sent)) and len(channel.sent) == 30
    with app.app_context():
        statuses = db.session.scalars(sa.select(OutboxMessage.status)).all()
    assert statuses == ["sent"] * 30


def test_a_crashed_workers_claim_is_taken_up_after_its_lease(app):
    now = datetime.now(timezone.utc)
    _queue(app, 2, now)
    with app.app_context():
        first = claim_due(db.session, now, limit=10, lease_seconds=300)
        assert len(first) == 2
        assert claim_due(db.session, now + timedelta(seconds=60), limit=10) == []  # still leased
        again = claim_due(db.session, now + timedelta(seconds=301), limit=10)  # the worker died
        assert sorted(again) == sorted(first)
        rows = db.session.scalars(sa.select(OutboxMessage)).all()
        # A reservation is not a try, and nothing was in flight: not possibly sent twice.
        assert [(m.status, m.tries, m.possibly_duplicate) for m in rows] == [("queued", 0, False)] * 2


def test_configured_sms_rate_reaches_the_twilio_channel(app_config, twilio_stub):
    from app import create_app

    app = create_app(dict(app_config, SMS_RATE_PER_SECOND=0.5))
    sms = app.extensions["awizo.channels"]["sms"]
    assert sms.send_interval == 2.0 and sms.rate_key == sms.from_number


def test_a_batch_reservation_takes_no_more_than_its_limit_and_the_next_worker_gets_the_rest(app):
    now = datetime.now(timezone.utc)
    _queue(app, 5, now)
    with app.app_context():
        first = claim_due(db.session, now, limit=2, owner="first")
        second = claim_due(db.session, now, limit=2, owner="second")
        third = claim_due(db.session, now, limit=2, owner="third")
        assert (len(first), len(second), len(third)) == (2, 2, 1)
        assert len(set(first) | set(second) | set(third)) == 5
        owners = dict(db.session.execute(sa.select(OutboxMessage.id, OutboxMessage.lease_owner)).all())
        assert {owners[i] for i in first} == {"first"} and {owners[i] for i in third} == {"third"}


def test_an_opt_out_made_while_the_batch_is_being_sent_stops_the_later_message(app):
    """The batch was reserved before the opt-out; the message after it must still not go."""
    from app.messaging import suppressions

    now = datetime.now(timezone.utc)
    _queue(app, 3, now)

    class OptOutOnFirstSend(CountingChannel):
        def deliver(self, message):
            if not self.sent:  # p1 opts out while p0's e-mail is being sent (another connection)
                with app.app_context(), db.engine.begin() as connection:
                    connection.execute(sa.insert(suppressions.Suppression).values(
                        channel="email", address="p1@example.com", reason="unsubscribe",
                        created_at=datetime.now(timezone.utc)))
            return super().deliver(message)

    channel = OptOutOnFirstSend()
    with app.app_context():
        assert run_once(db.session, {"email": channel}, OutboxSettings.from_app(app)) == 3
        rows = {m.recipient: m for m in db.session.scalars(sa.select(OutboxMessage))}
    assert [rows[f"p{n}@example.com"].id in channel.sent for n in range(3)] == [True, False, True]
    # p0's outcome was written with the mark that p1 did not get (one statement on PostgreSQL).
    assert [(rows[f"p{n}@example.com"].status, rows[f"p{n}@example.com"].provider_message_id) for n in (0, 2)] == \
        [("sent", f"count-{rows['p0@example.com'].id}"), ("sent", f"count-{rows['p2@example.com'].id}")]
    assert (rows["p1@example.com"].status, rows["p1@example.com"].error_code, rows["p1@example.com"].tries) == \
        ("cancelled", "suppressed", 0)


def test_a_worker_told_to_stop_gives_back_what_it_reserved_but_did_not_send(app):
    now = datetime.now(timezone.utc)
    _queue(app, 4, now)
    channel = CountingChannel()
    with app.app_context():
        settings = OutboxSettings.from_app(app)
        assert run_once(db.session, {"email": channel}, settings, stopping=lambda: len(channel.sent) >= 1) == 1
        rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [(m.status, m.lease_owner, m.tries) for m in rows] == \
            [("sent", None, 1)] + [("queued", None, 0)] * 3
        # Nobody has to wait for a lease to run out: another worker takes them at once.
        assert len(claim_due(db.session, datetime.now(timezone.utc), limit=10, owner="next")) == 3


def test_reservations_take_the_oldest_due_first_a_stale_send_among_them_and_ties_by_id(app):
    """The order is (next_attempt_at, id) across queued messages and sends whose worker died."""
    now = datetime.now(timezone.utc)
    with app.app_context():
        for n, (minutes, status) in enumerate([(3, "queued"), (9, "queued"), (5, "sending"), (1, "queued"),
                                               (7, "queued"), (7, "queued"), (7, "queued")]):
            message = enqueue_message(db.session, channel="email", recipient=f"p{n}@example.com", purpose="test",
                                      subject="s", body="b", dedupe_key=f"order-{n}",
                                      now=now - timedelta(minutes=minutes))
            if status == "sending":  # its worker died while sending: the lease ran out a minute ago
                message.status, message.lease_owner = "sending", "dead"
                message.in_flight_since, message.locked_until = now - timedelta(minutes=2), now - timedelta(minutes=1)
        db.session.commit()
        by_id = {m.id: m.recipient.split("@")[0] for m in db.session.scalars(sa.select(OutboxMessage))}
        taken = [{by_id[i] for i in claim_due(db.session, now, limit=3, owner=f"w{round}")} for round in range(3)]
        flagged = db.session.scalars(sa.select(OutboxMessage.recipient).where(OutboxMessage.possibly_duplicate)).all()
    # Oldest first: p1 (9 min ago), p4, p5 and p6 (7, tied: by id), the stale send p2 (5), p0 (3), p3 (1).
    assert taken == [{"p1", "p4", "p5"}, {"p2", "p0", "p6"}, {"p3"}]
    assert flagged == ["p2@example.com"]


def test_a_send_that_outlasts_the_lease_keeps_the_whole_batch_from_other_workers(app):
    """The lease keeper renews the batch while a provider call hangs: nobody else takes any of it."""
    now = datetime.now(timezone.utc)
    _queue(app, 3, now)
    app.config["OUTBOX_LEASE_SECONDS"] = 1.2  # renewed every 0.4 s
    others: list[list[int]] = []

    class Hanging(CountingChannel):
        def deliver(self, message):
            if not self.sent:  # the first send hangs for almost three leases; another worker keeps trying
                for _ in range(8):
                    time.sleep(0.4)
                    with app.app_context():
                        others.append(claim_due(db.session, datetime.now(timezone.utc), limit=10, owner="other"))
                        db.session.remove()
            return super().deliver(message)

    channel = Hanging()
    with app.app_context():
        assert run_once(db.session, {"email": channel}, OutboxSettings.from_app(app)) == 3
        rows = db.session.scalars(sa.select(OutboxMessage)).all()
    assert others == [[]] * 8
    assert len(channel.sent) == 3 and [(m.status, m.tries) for m in rows] == [("sent", 1)] * 3
