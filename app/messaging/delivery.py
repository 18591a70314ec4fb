"""Delivering the outbox: claim one message at a time, send it, retry, record what happened.

Promises:
- ``run_once`` claims due rows one by one (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, a
  conditional UPDATE everywhere) with a lease per message (``OUTBOX_LEASE_SECONDS``), renewed
  while the send is in flight (:mod:`app.messaging.leases`). Several workers never send the
  same row; a killed worker holds at most the one message it was sending, for one lease.
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

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from app.events import record_event
from app.messaging import send_slots, status_log, suppressions
from app.messaging.leases import LeaseKeeper
from app.messaging.providers import DeliveryResult
from app.metrics import OUTBOX_SENDS
from app.models import Item, OutboxMessage
from app.models.types import utcnow
from notices.sms import QuietHours, quiet_hours_end

# Sent even to a suppressed address: the one confirmation that the opt-out worked.
SUPPRESSION_EXEMPT = {"opt_out_confirmation"}
# Sent at night too: answers to something the person did just now.
QUIET_HOURS_EXEMPT = {"opt_out_confirmation", "opt_in_confirmation", "verification_code",
                      "confirm_sms", "confirm_email", "subscription_deleted"}

QuietHoursLookup = Callable[[Session, OutboxMessage], "QuietHours | None"]
FailureHook = Callable[[Session, OutboxMessage, datetime], object]
_QUIET_KEY = "awizo.quiet_hours"
_FAILURE_KEY = "awizo.outbox_failure_hooks"


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
            quiet_hours=resolve,
            on_failure=tuple(app.extensions.get(_FAILURE_KEY, ())),
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


def add_failure_hook(app, hook: FailureHook) -> None:
    """Call ``hook(session, message, now)`` when a message fails for good (in its transaction)."""
    app.extensions.setdefault(_FAILURE_KEY, []).append(hook)


# -- claiming -------------------------------------------------------------------------------

def _due(now: datetime):
    return sa.or_(
        sa.and_(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now),
        sa.and_(OutboxMessage.status == "sending", OutboxMessage.locked_until < now),
    )


def claim_due(session: Session, now: datetime, *, limit: int = 1, lease_seconds: float = 30,
              owner: str = "worker") -> list[int]:
    """Take up to ``limit`` due messages for ``owner``, each leased for ``lease_seconds`` (committed).

    Taking over an expired lease whose provider call had started (``in_flight_since``) sets
    ``possibly_duplicate``: that earlier try may have reached the recipient.
    """
    query = (sa.select(OutboxMessage.id).where(_due(now))
             .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    interrupted = sa.and_(OutboxMessage.status == "sending", OutboxMessage.in_flight_since.is_not(None))
    claimed = []
    for message_id in session.scalars(query).all():
        result = session.connection().execute(
            sa.update(OutboxMessage).where(OutboxMessage.id == message_id, _due(now))
            .values(status="sending", locked_until=now + timedelta(seconds=lease_seconds), lease_owner=owner,
                    possibly_duplicate=sa.or_(OutboxMessage.possibly_duplicate, interrupted),
                    in_flight_since=None, tries=OutboxMessage.tries + 1, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(message_id)
    session.commit()
    return claimed


def run_once(session: Session, channels: dict, settings: OutboxSettings, *,
             clock: Callable[[], datetime] = utcnow, limit: int | None = None,
             stopping: Callable[[], bool] = lambda: False) -> int:
    """Deliver every message due now, one lease at a time; returns how many were handled.

    ``stopping()`` is asked between messages. A database error is raised to the caller (the
    worker reconnects and backs off); any other error in one message puts that message back
    for a later try and the run goes on.
    """
    handled = 0
    while (limit is None or handled < limit) and not stopping():
        ids = claim_due(session, clock(), limit=1, lease_seconds=settings.lease_seconds, owner=settings.owner)
        if not ids:
            break
        try:
            deliver_claimed(session, ids[0], channels, settings, clock=clock)
        except sa.exc.DBAPIError:
            session.rollback()
            raise
        except Exception as exc:  # a bug in one message must not stop the others
            session.rollback()
            status_log.log_error(ids[0], exc)
            _retry_later(session, ids[0], settings, clock(), f"{exc.__class__.__name__}: {exc}")
        handled += 1
    return handled


def _retry_later(session: Session, message_id: int, settings: OutboxSettings, now: datetime, error: str) -> None:
    message = session.get_one(OutboxMessage, message_id, populate_existing=True)
    if message is None or message.status != "sending":
        return
    message.status, message.locked_until, message.lease_owner = "queued", None, None
    message.last_error, message.error_code = error[:2000], "internal"
    message.next_attempt_at = now + timedelta(seconds=backoff_delay(message.tries, settings))
    message.updated_at = now
    status_log.log_state(message, "retry")
    session.commit()


# -- delivering -----------------------------------------------------------------------------

def deliver_claimed(session: Session, message_id: int, channels: dict, settings: OutboxSettings, *,
                    clock: Callable[[], datetime] = utcnow) -> None:
    """Send one claimed message (unless suppressed or in quiet hours) and record the outcome."""
    message = session.get_one(OutboxMessage, message_id, populate_existing=True)
    if message is None or message.status != "sending":
        session.rollback()
        return
    now = clock()
    if message.channel in ("sms", "email") and message.purpose not in SUPPRESSION_EXEMPT:
        stopped = suppressions.active_suppression(session, message.channel, message.recipient)
        if stopped is not None:
            _unlock(message)
            _set_status(session, message, "cancelled", now, error=f"recipient opted out ({stopped.reason})",
                        code="suppressed")
            session.commit()
            return
    if message.channel == "sms" and message.purpose not in QUIET_HOURS_EXEMPT:
        until = quiet_hours_end(now, settings.quiet_hours(session, message))
        if until is not None:
            _requeue_without_a_try(message, until, now)
            _record(session, message, now, status="queued", deferred_until=until.isoformat())
            status_log.log_state(message, "deferred")
            session.commit()
            return
    channel = channels.get(message.channel)
    wait = 0.0
    if channel is not None and getattr(channel, "send_interval", None) and getattr(channel, "rate_key", None):
        interval = channel.send_interval
        slot = send_slots.reserve(session, channel.rate_key, interval, max_wait=min(max(interval, 1.0), 5.0))
        if not slot.reserved:
            # The number's next slot is further away: back in the queue for then (not a failed try).
            _requeue_without_a_try(message, now + timedelta(seconds=slot.wait), now)
            session.commit()
            return
        wait = slot.wait
    message.in_flight_since = now
    session.commit()  # no transaction stays open while the provider is called
    status_log.log_state(message, "sending")
    with LeaseKeeper(session.get_bind().engine, message.id, settings.owner, settings.lease_seconds):
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
    message = session.get_one(OutboxMessage, message_id, populate_existing=True)
    apply_result(session, message, result, settings, clock())
    session.commit()
    status_log.log_state(message, message.status, result)


def _unlock(message: OutboxMessage) -> None:
    message.locked_until, message.lease_owner, message.in_flight_since = None, None, None


def _requeue_without_a_try(message: OutboxMessage, at: datetime, now: datetime) -> None:
    _unlock(message)
    message.status, message.next_attempt_at = "queued", at
    message.tries -= 1  # waiting for morning or for the number's rate is not a failed try
    message.updated_at = now


def backoff_delay(tries: int, settings: OutboxSettings, retry_after: float | None = None) -> float:
    """Exponential in the number of tries, with jitter, capped; never before ``Retry-After``."""
    delay = min(settings.backoff_seconds * (2 ** max(tries - 1, 0)), settings.backoff_max_seconds)
    delay = max(1.0, delay * settings.jitter())
    return max(delay, retry_after or 0.0)


def apply_result(session: Session, message: OutboxMessage, result: DeliveryResult,
                 settings: OutboxSettings, now: datetime) -> None:
    _unlock(message)
    message.provider = result.provider
    if result.ok:
        message.provider_message_id = result.provider_message_id
        message.sent_at = now
        message.last_error, message.error_code = None, None
        _set_status(session, message, "sent", now)
        return
    message.last_error, message.error_code = result.error, result.error_code
    if not result.permanent and message.tries < settings.max_attempts:
        message.status = "queued"
        message.next_attempt_at = now + timedelta(seconds=backoff_delay(message.tries, settings, result.retry_after))
        message.updated_at = now
        return
    _set_status(session, message, "failed", now, error=result.error, code=result.error_code)
    if result.address_rejected and message.channel in ("sms", "email"):
        suppressions.suppress(session, message.channel, message.recipient,
                              "bounce" if message.channel == "email" else "permanent_error",
                              now=now, source=result.provider, detail=result.error)
    for hook in settings.on_failure:
        hook(session, message, now)


def cancel_queued_alerts(session: Session, attempt_id: int, now: datetime, *, reason: str, code: str) -> int:
    """Cancel the alerts about ``attempt_id`` not yet handed to a provider; returns how many.

    Messages already being sent or sent are left as they are (their history says so).
    """
    messages = session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.attempt_id == attempt_id, OutboxMessage.status == "queued")
        .order_by(OutboxMessage.id).with_for_update()
    ).all()
    for message in messages:
        _set_status(session, message, "cancelled", now, error=reason, code=code)
    return len(messages)


def _set_status(session: Session, message: OutboxMessage, status: str, now: datetime, *,
                error: str | None = None, code: str | None = None) -> None:
    message.status = status
    message.updated_at = now
    if error is not None:
        message.last_error, message.error_code = error, code
    _record(session, message, now, status=status, error_code=code)


def _record(session: Session, message: OutboxMessage, now: datetime, **data) -> None:
    """An item event for the item's history (no address in it: the record may be public).

    Only for alerts to people (SMS, e-mail): a sender's webhook call is not part of the item's
    history, and recording it would make a callback about the callback.
    """
    if message.item_id is None or message.channel not in ("sms", "email"):
        return
    if message.possibly_duplicate:
        data["possibly_sent_twice"] = True
    item = session.get_one(Item, message.item_id)
    record_event(session, item, "notification_status", now, {
        "message_id": message.id, "channel": message.channel, "purpose": message.purpose,
        "provider": message.provider, "provider_message_id": message.provider_message_id,
        **{k: v for k, v in data.items() if v is not None},
    })


def update_from_provider(session: Session, message: OutboxMessage, status: str, now: datetime, *,
                         error_code: str | None = None, error: str | None = None,
                         address_rejected: bool = False,
                         on_failure: tuple[FailureHook, ...] | None = None) -> bool:
    """A provider's later word on a sent message (delivered, undelivered, failed).

    Statuses only move forward (a late "sent" never overwrites "delivered"); returns whether
    anything changed. ``on_failure`` hooks (default: the app's) run when it turned undelivered or
    failed. Does not commit.
    """
    rank = {"queued": 0, "sending": 1, "sent": 2, "delivered": 3, "undelivered": 3, "failed": 3, "cancelled": 3}
    current = rank.get(message.status, 0)
    if status == message.status or current >= 3 or rank.get(status, 0) < current:
        return False
    _set_status(session, message, status, now, error=error, code=error_code)
    status_log.log_state(message, status)
    if status in ("undelivered", "failed"):
        if address_rejected and message.channel in ("sms", "email"):
            suppressions.suppress(session, message.channel, message.recipient,
                                  "bounce" if message.channel == "email" else "permanent_error",
                                  now=now, source=message.provider, detail=error)
        for hook in failure_hooks(current_app) if on_failure is None else on_failure:
            hook(session, message, now)
    return True


def failure_hooks(app) -> tuple[FailureHook, ...]:
    """The hooks registered with :func:`add_failure_hook` (for callers of :func:`update_from_provider`)."""
    return tuple(app.extensions.get(_FAILURE_KEY, ()))
