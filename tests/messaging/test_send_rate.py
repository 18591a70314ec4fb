"""The sender number's rate holds across worker processes (one shared slot per number)."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.messaging import send_slots
from app.messaging.delivery import run_once
from app.messaging.enqueue import enqueue_message
from app.messaging.outbox_settings import OutboxSettings
from app.messaging.providers import channels
from app.models import OutboxMessage
from app.models.outbox import SmsSendSlot
from app.models.types import utcnow
from tests.support.twilio_server import TEST_FROM_NUMBER


def _queue_sms(app, count: int) -> None:
    with app.app_context():
        now = utcnow()
        for n in range(count):
            enqueue_message(db.session, channel="sms", recipient=f"+486012345{n:02d}", purpose="rate_test",
                            body=f"Test {n}", dedupe_key=f"rate-test-{n}", now=now)
        db.session.commit()


def test_two_workers_share_the_sender_numbers_rate(app_config, prism_server, monkeypatch):
    """Two workers, each with its own app, engine and channel (as two processes would have)."""
    count, rate = 10, 10.0
    interval_us = int(1_000_000 / rate)
    # Small batches, so that both workers hold messages at once and race for the number's slots.
    apps = [create_app(dict(app_config, SMS_RATE_PER_SECOND=rate, OUTBOX_BATCH_SIZE=2)) for _ in range(2)]
    _queue_sms(apps[0], count)
    before = prism_server.message_requests()

    reserved, delivered, lock = [], [], threading.Lock()
    real_reserve = send_slots.reserve

    def recording_reserve(*args, **kwargs):
        result = real_reserve(*args, **kwargs)
        if result.reserved:
            with lock:
                reserved.append(result.slot)
        return result

    monkeypatch.setattr(send_slots, "reserve", recording_reserve)
    # Each worker's first send waits until the other worker has sent too: both take part.
    first_sent = [threading.Event(), threading.Event()]

    def wrap(index, channel):
        deliver = channel.deliver

        def recording_deliver(message):
            with lock:
                delivered.append(time.time())
            first_sent[index].set()
            assert first_sent[1 - index].wait(30), "the other worker never sent"
            return deliver(message)

        channel.deliver = recording_deliver

    errors = []

    def work(index, app):
        try:
            with app.app_context():
                settings = OutboxSettings.from_app(app)
                # A worker that loses a claim race finds nothing this round; it looks again, as
                # `flask worker` does every poll interval.
                for _ in range(600):
                    if not run_once(db.session, channels(app), settings):
                        if not db.session.scalar(sa.select(sa.func.count()).where(
                                OutboxMessage.status.in_(("queued", "sending")))):
                            break
                        time.sleep(0.05)
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    for index, app in enumerate(apps):
        wrap(index, channels(app)["sms"])
    threads = [threading.Thread(target=work, args=(i, a)) for i, a in enumerate(apps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors

    with apps[0].app_context():
        rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [(r.status, r.provider, r.tries) for r in rows] == [("sent", "twilio", 1)] * count, [r.last_error for r in rows]
        assert all(r.provider_message_id.startswith("SM") for r in rows)
        slot_row = db.session.get(SmsSendSlot, TEST_FROM_NUMBER)
        next_at_us = slot_row.next_at_us
    assert prism_server.message_requests() == before + count

    # Every send had its own slot, the slots are at least 1/rate apart, and no send went out
    # before its slot (a worker sleeps until its reservation).
    assert len(reserved) == count
    slots_us = sorted(round(s * 1_000_000) for s in reserved)
    assert all(b - a >= interval_us for a, b in zip(slots_us, slots_us[1:], strict=False)), slots_us
    assert next_at_us >= slots_us[-1] + interval_us
    assert all(sent >= slot - 0.002 for sent, slot in zip(sorted(delivered), sorted(reserved), strict=True))
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def test_an_sms_beyond_the_next_free_slot_waits_in_the_queue(app_config, twilio_stub):
    """0.01 SMS/s: the second message is put back for its slot, not failed, not retried."""
    app = create_app(dict(app_config, SMS_RATE_PER_SECOND=0.01))
    _queue_sms(app, 2)
    with app.app_context():
        now = utcnow()
        assert run_once(db.session, channels(app), OutboxSettings.from_app(app), clock=lambda: now) == 2
        first, second = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert first.status == "sent"
        assert (second.status, second.tries, second.last_error, second.locked_until) == ("queued", 0, None, None)
        assert now + timedelta(seconds=90) <= second.next_attempt_at <= now + timedelta(seconds=101)
        # Not due yet: a second run sends nothing.
        assert run_once(db.session, channels(app), OutboxSettings.from_app(app), clock=lambda: now) == 0
        db.session.remove()
        db.engine.dispose()
    assert len(twilio_stub.requests) == 1
