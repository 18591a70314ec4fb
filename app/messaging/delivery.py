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

import os
import random
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session, scoped_session

from app.messaging import send_slots, status_log, suppressions
from app.messaging.leases import LeaseKeeper, claim_due, release, start_sending
from app.messaging.providers import DeliveryResult
from app.messaging.statuses import FailureHook, failure_hooks, record_status, set_status
from app.metrics import OUTBOX_SENDS
from app.models import OutboxMessage
from app.models.types import utcnow
from notices.sms import QuietHours, quiet_hours_end

# Sent even to a suppressed address: the one confirmation that the opt-out worked.
SUPPRESSION_EXEMPT = {"opt_out_confirmation"}
# Sent at night too: answers to something the person did just now.
QUIET_HOURS_EXEMPT = {"opt_out_confirmation", "opt_in_confirmation", "verification_code",
                      "confirm_sms", "confirm_email", "subscription_deleted"}

QuietHoursLookup = Callable[[Session, OutboxMessage], "QuietHours | None"]
_QUIET_KEY = "awizo.quiet_hours"


def worker_identity() -> str:
    """Who holds a lease: host, process and a random part (a restarted process is someone else)."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class OutboxSettings:
    max_attempts: int = 8
    backoff_seconds: float = 30.0
    backoff_max_seconds: float = 3600.0
    lease_seconds: float = 30.0
    owner: str = field(default_factory=worker_identity)
    quiet_hours: QuietHoursLookup = field(default=lambda session, message: QuietHours())
    jitter: Callable[[], float] = field(default=lambda: random.uniform(0.8, 1.2))
    on_failure: tuple[FailureHook, ...] = ()
    batch_size: int = 16

    @classmethod
    def from_app(cls, app) -> OutboxSettings:
        cfg = app.config
        default_quiet = QuietHours.parse(cfg.get("SMS_QUIET_HOURS", "21:00-08:00"),
                                         cfg.get("OPERATOR_TIMEZONE") or "Europe/Warsaw")
        default_tz = cfg.get("OPERATOR_TIMEZONE") or "Europe/Warsaw"
        lookup = app.extensions.get(_QUIET_KEY)

        def resolve(session, message):
            # The message's own setting first, then the registered lookup, then the default.
            if message.quiet_hours is not None:
                return QuietHours.parse(message.quiet_hours, message.time_zone or default_tz)
            if message.time_zone is not None:
                return QuietHours.parse(cfg.get("SMS_QUIET_HOURS", "21:00-08:00"), message.time_zone)
            return lookup(session, message) if lookup else default_quiet

        return cls(
            max_attempts=int(cfg.get("OUTBOX_MAX_ATTEMPTS") or 8),
            backoff_seconds=float(cfg.get("OUTBOX_BACKOFF_SECONDS") or 30),
            backoff_max_seconds=float(cfg.get("OUTBOX_BACKOFF_MAX_SECONDS") or 3600),
            lease_seconds=float(cfg.get("OUTBOX_LEASE_SECONDS") or 30),
            batch_size=int(cfg.get("OUTBOX_BATCH_SIZE") or 16),
            quiet_hours=resolve,
            on_failure=failure_hooks(app),
        )


def set_quiet_hours_lookup(app, lookup: QuietHoursLookup) -> None:
    """Let ``lookup(session, message)`` give a recipient's own quiet hours (None: none at all)."""
    app.extensions[_QUIET_KEY] = lookup


def held_until(session: Session, message: OutboxMessage, *, now: datetime,
               settings: OutboxSettings | None = None) -> datetime | None:
    """When a queued SMS that the recipient's quiet hours hold will go out (UTC); else None.

    The same rule the worker applies: a message due at night (or due later, inside the next
    quiet hours) waits for their end. Pages show this instead of a bare "queued".
    """
    if message.channel != "sms" or message.status != "queued" or message.purpose in QUIET_HOURS_EXEMPT:
        return None
    settings = settings or OutboxSettings.from_app(current_app)
    quiet = settings.quiet_hours(session, message)
    due = message.next_attempt_at or now
    held = quiet_hours_end(now, quiet)
    if held is not None and due <= held:  # waiting now (the worker sets it due at their end)
        return held
    return quiet_hours_end(due, quiet) if due > now else None  # a retry that will fall in them


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
                    suppressed = suppressions.suppressed_among(
                        session, {(m.channel, m.recipient) for m in messages if m.channel in ("sms", "email")})
                    outcome = None
                    for message in messages:
                        if stopping():
                            break
                        outcome = _deliver_one(session, message, channels, settings, clock, outcome, suppressed)
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
                 suppressed: frozenset[tuple[str, str]]) -> Outcome | None:
    message_id = message.id
    try:
        return deliver_claimed(session, message, channels, settings, clock=clock, earlier=earlier,
                               suppressed=suppressed)
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
                    suppressed: frozenset[tuple[str, str]] = frozenset()) -> Outcome | None:
    """Send one reserved message (unless suppressed or in quiet hours); returns its outcome.

    ``earlier``, the previous message's outcome, is committed in the same transaction as this
    message's in-flight mark (or first, when this message is not sent). The returned outcome is
    not committed yet: pass it on, or commit it with :func:`_settle`. ``suppressed`` holds the
    (channel, address) pairs found suppressed when the batch was reserved; a suppression made
    since is caught by the in-flight mark itself.
    """
    now = clock()
    checked = message.channel in ("sms", "email") and message.purpose not in SUPPRESSION_EXEMPT
    address = (message.channel, suppressions.normalise_address(message.channel, message.recipient)) if checked else None
    if address is not None and address in suppressed and _cancel_suppressed(session, message, settings, now, earlier):
        return None
    if message.channel == "sms" and message.purpose not in QUIET_HOURS_EXEMPT:
        until = quiet_hours_end(now, settings.quiet_hours(session, message))
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


def _sent_statement() -> sa.Update:
    table = cast(sa.Table, OutboxMessage.__table__)
    now = sa.bindparam("m_now", type_=table.c.sent_at.type)
    return (sa.update(table).where(table.c.id == sa.bindparam("m_id"))
            .values(status="sent", provider=sa.bindparam("m_provider"),
                    provider_message_id=sa.bindparam("m_provider_id"), sent_at=now, updated_at=now,
                    last_error=None, error_code=None, locked_until=None, lease_owner=None, in_flight_since=None))


# Built once: the outcome of nearly every send, written without an ORM flush.
_SENT = _sent_statement()


def _record_sent(session: Session, message: OutboxMessage, result: DeliveryResult, now: datetime) -> None:
    session.connection().execute(_SENT, {"m_id": message.id, "m_provider": result.provider,
                                         "m_provider_id": result.provider_message_id, "m_now": now})
    for key, value in (("status", "sent"), ("provider", result.provider), ("sent_at", now), ("updated_at", now),
                       ("provider_message_id", result.provider_message_id), ("last_error", None),
                       ("error_code", None), ("locked_until", None), ("lease_owner", None),
                       ("in_flight_since", None)):
        sa.orm.attributes.set_committed_value(message, key, value)
    record_status(session, message, now, status="sent")


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
