"""Delivering the outbox: reserve a batch, send its messages one at a time, retry, record.

Promises:
- ``run_once`` reserves due rows a batch at a time (``OUTBOX_BATCH_SIZE``; ``FOR UPDATE SKIP
  LOCKED`` on PostgreSQL, a conditional UPDATE everywhere) under a lease
  (``OUTBOX_LEASE_SECONDS``) renewed while the worker works (:mod:`app.messaging.leases`), and
  marks each message in flight, committed, just before its provider call. Several workers never
  send the same row; a killed worker was sending at most one message, and its other reserved
  messages go to the next worker after one lease, untried.
- A message taken over from an expired lease whose provider call had started is marked
  ``possibly_duplicate``: the first try's outcome is unknown. Every try of a message carries
  the same ``send_key`` (e-mail ``Message-ID``, SMS idempotency marker).
- A temporary error keeps the message queued with ``last_error`` and a later
  ``next_attempt_at`` (exponential backoff with jitter, never sooner than ``Retry-After``);
  after ``OUTBOX_MAX_ATTEMPTS`` tries, or at once on a permanent error, it is ``failed``.
  A permanent error that blames the address suppresses it. A bug in one message's handling
  puts that message back for later and goes on with the next.
- Suppressed addresses are checked before every send (the message is ``cancelled``); SMS
  wait for the end of the recipient's quiet hours.
- A channel with ``rate_key`` and ``send_interval`` sends at most once per interval from that
  key across all workers (:mod:`app.messaging.send_slots`).
- Every status change of a message about an item is recorded as an item event
  ``notification_status``, and logged as one structured line (:mod:`app.messaging.status_log`).
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, scoped_session

from app.messaging import send_slots, status_log, suppressions
from app.messaging.leases import SENT, LeaseKeeper, claim_due, release, start_sending
from app.messaging.outbox_settings import QUIET_HOURS_EXEMPT, OutboxSettings, quiet_hours_of_batch
from app.messaging.providers import DeliveryResult
from app.messaging.statuses import record_status, set_status
from app.metrics import OUTBOX_SENDS
from app.models import Item, OutboxMessage
from app.models.types import utcnow
from notices.sms import QuietHours, quiet_hours_end

# Sent even to a suppressed address: the one confirmation that the opt-out worked.
SUPPRESSION_EXEMPT = {"opt_out_confirmation"}
# -- delivering -----------------------------------------------------------------------------

def run_once(session: Session, channels: dict, settings: OutboxSettings, *,
             clock: Callable[[], datetime] = utcnow, limit: int | None = None,
             stopping: Callable[[], bool] = lambda: False) -> int:
    """Deliver every message due now, a reserved batch at a time; returns how many were handled.

    One commit per message: a message's outcome is committed together with the next message's
    in-flight mark (the last one's alone), so a crash still leaves at most the one message whose
    provider call had started without its outcome. ``stopping()`` is asked between messages;
    what was reserved and not started is given back. A database error is raised to the caller
    (the worker reconnects and backs off; its reservations lapse with their lease); any other
    error in one message puts that message back for a later try and the run goes on.
    """
    handled = 0
    bound = session() if isinstance(session, scoped_session) else session
    expire_on_commit, bound.expire_on_commit = bound.expire_on_commit, False  # the batch's rows are ours
    try:
        while (limit is None or handled < limit) and not stopping():
            size = settings.batch_size if limit is None else min(settings.batch_size, limit - handled)
            ids = claim_due(session, clock(), limit=size, lease_seconds=settings.lease_seconds, owner=settings.owner)
            if not ids:
                break
            walked = False
            with LeaseKeeper(session.get_bind().engine, settings.owner, settings.lease_seconds, ids):
                try:
                    messages = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id.in_(ids))
                                               .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                                               .execution_options(populate_existing=True)).all()
                    batch = Batch(suppressions.suppressed_among(
                        session, {(m.channel, m.recipient) for m in messages if m.channel in ("sms", "email")}),
                        quiet_hours_of_batch(session, messages, settings), _items_of(session, messages))
                    outcome = None
                    for message in messages:
                        if stopping():
                            break
                        outcome = _deliver_one(session, message, channels, settings, clock, outcome, batch)
                        handled += 1
                    else:
                        walked = True
                    _settle_or_retry(session, outcome, settings, clock)
                finally:
                    session.rollback()
                    if not walked:  # a stop or an error left some reserved and not started
                        release(session, settings.owner, ids)
    finally:
        bound.expire_on_commit = expire_on_commit
        session.expire_all()
    return handled


@dataclass(frozen=True)
class Batch:
    """What is read once for a reserved batch: the suppressed (channel, address) pairs among its
    recipients, its SMS's quiet hours by message id, and the items its alerts are about."""
    suppressed: frozenset[tuple[str, str]] = frozenset()
    quiet: dict[int, QuietHours | None] = field(default_factory=dict)
    items: Sequence[Item] = ()  # held here, so the session's identity map keeps them for the batch


def _items_of(session: Session, messages: Sequence[OutboxMessage]) -> Sequence[Item]:
    """The items whose alerts are in the batch, with their senders, in one query: each status an
    alert reaches is an item event (:func:`app.messaging.statuses.record_status`), which reads both."""
    ids = {m.item_id for m in messages if m.item_id is not None and m.channel in ("sms", "email")}
    if not ids:
        return ()
    return session.scalars(sa.select(Item).where(Item.id.in_(ids)).options(sa.orm.joinedload(Item.sender))).all()


@dataclass
class Outcome:
    """A provider's answer about a message, to be committed with the next message's start."""
    message: OutboxMessage
    result: DeliveryResult
    at: datetime
    settled: bool = False


def _apply(session: Session, outcome: Outcome | None, settings: OutboxSettings) -> None:
    if outcome is not None and not outcome.settled:
        apply_result(session, outcome.message, outcome.result, settings, outcome.at)


def _settled(outcome: Outcome | None) -> None:
    """After the commit that holds ``outcome``: it is recorded; say so in the log."""
    if outcome is not None and not outcome.settled:
        outcome.settled = True
        status_log.log_state(outcome.message, outcome.message.status, outcome.result)


def _settle(session: Session, outcome: Outcome | None, settings: OutboxSettings) -> None:
    if outcome is not None and not outcome.settled:
        _apply(session, outcome, settings)
        session.commit()
        _settled(outcome)


def _settle_or_retry(session: Session, outcome: Outcome | None, settings: OutboxSettings,
                     clock: Callable[[], datetime]) -> None:
    """Commit ``outcome`` alone; a bug while recording it puts its message back for later."""
    try:
        _settle(session, outcome, settings)
    except sa.exc.DBAPIError:
        session.rollback()
        raise
    except Exception as exc:
        session.rollback()
        assert outcome is not None
        status_log.log_error(outcome.message.id, exc)
        _retry_later(session, outcome.message.id, settings, clock(), f"{exc.__class__.__name__}: {exc}")


def _deliver_one(session: Session, message: OutboxMessage, channels: dict, settings: OutboxSettings,
                 clock: Callable[[], datetime], earlier: Outcome | None,
                 batch: Batch) -> Outcome | None:
    message_id = message.id
    try:
        return deliver_claimed(session, message, channels, settings, clock=clock, earlier=earlier, batch=batch)
    except sa.exc.DBAPIError:
        session.rollback()
        raise
    except Exception as exc:  # a bug in one message must not stop the others
        session.rollback()
        _settle_or_retry(session, earlier, settings, clock)  # the earlier message's outcome first
        status_log.log_error(message_id, exc)
        _retry_later(session, message_id, settings, clock(), f"{exc.__class__.__name__}: {exc}")
        return None


def _retry_later(session: Session, message_id: int, settings: OutboxSettings, now: datetime, error: str) -> None:
    message = session.get_one(OutboxMessage, message_id, populate_existing=True, with_for_update=True)
    if message.status not in ("sending", "queued") or message.lease_owner != settings.owner:
        session.rollback()
        return
    message.status, message.locked_until, message.lease_owner = "queued", None, None
    message.last_error, message.error_code = error[:2000], "internal"
    message.next_attempt_at = now + timedelta(seconds=backoff_delay(max(message.tries, 1), settings))
    message.updated_at = now
    status_log.log_state(message, "retry")
    session.commit()


def _still_ours(session: Session, message: OutboxMessage, owner: str) -> bool:
    """Lock the reserved row and check it is still queued under ``owner`` (before a rare branch)."""
    session.refresh(message, with_for_update=True)
    if message.status == "queued" and message.lease_owner == owner:
        return True
    session.commit()
    return False


def _cancel_suppressed(session: Session, message: OutboxMessage, settings: OutboxSettings, now: datetime,
                       earlier: Outcome | None) -> bool:
    """Cancel ``message`` if its address is suppressed now (and the message still ours); commits."""
    stopped = suppressions.active_suppression(session, message.channel, message.recipient)
    if stopped is None:
        return False
    _settle(session, earlier, settings)
    if _still_ours(session, message, settings.owner):
        _unlock(message)
        set_status(session, message, "cancelled", now, error=f"recipient opted out ({stopped.reason})",
                   code="suppressed")
        session.commit()
    return True


def deliver_claimed(session: Session, message: OutboxMessage, channels: dict, settings: OutboxSettings, *,
                    clock: Callable[[], datetime] = utcnow, earlier: Outcome | None = None,
                    batch: Batch | None = None) -> Outcome | None:
    """Send one reserved message (unless suppressed or in quiet hours); returns its outcome.

    ``earlier``, the previous message's outcome, is committed in the same transaction as this
    message's in-flight mark (or first, when this message is not sent). The returned outcome is
    not committed yet: pass it on, or commit it with :func:`_settle`. ``batch`` holds what was
    read for the whole batch when it was reserved; a suppression made since is caught by the
    in-flight mark itself.
    """
    batch = batch or Batch()
    now = clock()
    checked = message.channel in ("sms", "email") and message.purpose not in SUPPRESSION_EXEMPT
    address = (message.channel, suppressions.normalise_address(message.channel, message.recipient)) if checked else None
    if address is not None and address in batch.suppressed and _cancel_suppressed(session, message, settings, now, earlier):
        return None
    if message.channel == "sms" and message.purpose not in QUIET_HOURS_EXEMPT:
        hours = batch.quiet[message.id] if message.id in batch.quiet else settings.quiet_hours(session, message)
        until = quiet_hours_end(now, hours)
        if until is not None:
            _settle(session, earlier, settings)
            if _still_ours(session, message, settings.owner):
                _requeue_without_a_try(message, until, now)
                record_status(session, message, now, status="queued", deferred_until=until.isoformat())
                status_log.log_state(message, "deferred")
                session.commit()
            return None
    channel = channels.get(message.channel)
    wait = 0.0
    if channel is not None and getattr(channel, "send_interval", None) and getattr(channel, "rate_key", None):
        interval = channel.send_interval
        slot = send_slots.reserve(session, channel.rate_key, interval, max_wait=min(max(interval, 1.0), 5.0))
        if not slot.reserved:
            # The number's next slot is further away: back in the queue for then (not a failed try).
            _settle(session, earlier, settings)
            if _still_ours(session, message, settings.owner):
                _requeue_without_a_try(message, now + timedelta(seconds=slot.wait), now)
                session.commit()
            return None
        wait = slot.wait
    if earlier is not None and not earlier.settled and earlier.result.ok and \
            session.get_bind().dialect.name == "postgresql":  # its outcome and this mark in one statement
        started = start_sending(session, message, settings.owner, now, unless_suppressed=address,
                                after_sent=_sent_params(earlier.message, earlier.result, earlier.at))
        _sent_locally(session, earlier.message, earlier.result, earlier.at)
    else:
        _apply(session, earlier, settings)
        started = start_sending(session, message, settings.owner, now, unless_suppressed=address)
    session.commit()  # the earlier outcome and this in-flight mark; no transaction stays open while sending
    _settled(earlier)
    if not started:
        if address is not None:
            _cancel_suppressed(session, message, settings, now, None)
        return None  # suppressed, cancelled meanwhile, or no longer ours: not sent
    status_log.log_state(message, "sending")
    if wait > 0:
        time.sleep(wait)  # our own reserved slot: nobody else sends from this number meanwhile
    if channel is None:
        result = DeliveryResult.temporary("none", f"no {message.channel} channel is configured")
    else:
        try:
            result = channel.deliver(message)
        except Exception as exc:  # a channel bug must not lose the message
            result = DeliveryResult.temporary(getattr(channel, "provider", "?"), f"{exc.__class__.__name__}: {exc}")
    OUTBOX_SENDS.labels(message.channel, result.provider, "sent" if result.ok else
                        "permanent_error" if result.permanent else "temporary_error").inc()
    return Outcome(message, result, clock())


def _unlock(message: OutboxMessage) -> None:
    message.locked_until, message.lease_owner, message.in_flight_since = None, None, None


def _requeue_without_a_try(message: OutboxMessage, at: datetime, now: datetime) -> None:
    _unlock(message)  # waiting for morning or for the number's rate is not a try
    message.status, message.next_attempt_at = "queued", at
    message.updated_at = now


def backoff_delay(tries: int, settings: OutboxSettings, retry_after: float | None = None) -> float:
    """Exponential in the number of tries, with jitter, capped; never before ``Retry-After``."""
    delay = min(settings.backoff_seconds * (2 ** max(tries - 1, 0)), settings.backoff_max_seconds)
    delay = max(1.0, delay * settings.jitter())
    return max(delay, retry_after or 0.0)


def _sent_params(message: OutboxMessage, result: DeliveryResult, now: datetime) -> dict:
    return {"d_id": message.id, "d_provider": result.provider, "d_provider_id": result.provider_message_id,
            "d_now": now}


def _sent_locally(session: Session, message: OutboxMessage, result: DeliveryResult, now: datetime) -> None:
    """What :data:`SENT` wrote, on the loaded message too; and the status event for its item."""
    for key, value in (("status", "sent"), ("provider", result.provider), ("sent_at", now), ("updated_at", now),
                       ("provider_message_id", result.provider_message_id), ("last_error", None),
                       ("error_code", None), ("locked_until", None), ("lease_owner", None),
                       ("in_flight_since", None)):
        sa.orm.attributes.set_committed_value(message, key, value)
    record_status(session, message, now, status="sent")


def _record_sent(session: Session, message: OutboxMessage, result: DeliveryResult, now: datetime) -> None:
    session.connection().execute(SENT, _sent_params(message, result, now))
    _sent_locally(session, message, result, now)


def apply_result(session: Session, message: OutboxMessage, result: DeliveryResult,
                 settings: OutboxSettings, now: datetime) -> None:
    if result.ok:
        _record_sent(session, message, result, now)
        return
    _unlock(message)
    message.provider = result.provider
    message.last_error, message.error_code = result.error, result.error_code
    if not result.permanent and message.tries < settings.max_attempts:
        message.status = "queued"
        message.next_attempt_at = now + timedelta(seconds=backoff_delay(message.tries, settings, result.retry_after))
        message.updated_at = now
        return
    set_status(session, message, "failed", now, error=result.error, code=result.error_code)
    if result.address_rejected and message.channel in ("sms", "email"):
        suppressions.suppress(session, message.channel, message.recipient,
                              "bounce" if message.channel == "email" else "permanent_error",
                              now=now, source=result.provider, detail=result.error)
    for hook in settings.on_failure:
        hook(session, message, now)
