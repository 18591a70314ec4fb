"""How the outbox worker is set up: tries, backoff, leases, batches, and whose quiet hours apply.

An SMS waits for the end of its recipient's quiet hours: the message's own setting first (the
alert was written with the subscriber's choice), then the registered look-up of a number's
subscriber (:func:`set_quiet_hours_lookup`), then ``SMS_QUIET_HOURS`` in the operator's time
zone. The look-up takes a set of numbers, so a worker asks once for a whole batch.
"""
from __future__ import annotations

import os
import random
import socket
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy.orm import Session

from app.messaging.statuses import FailureHook, failure_hooks
from app.models import OutboxMessage
from notices.sms import QuietHours, quiet_hours_end

# Sent at night too: answers to something the person did just now.
QUIET_HOURS_EXEMPT = {"opt_out_confirmation", "opt_in_confirmation", "verification_code",
                      "confirm_sms", "confirm_email", "subscription_deleted"}

# ``lookup(session, numbers)``: the quiet hours of the numbers whose subscriber chose them (None:
# none at all); a number it leaves out gets the default.
QuietHoursLookup = Callable[[Session, set[str]], "dict[str, QuietHours | None]"]
# ``among(session, messages)``: each message's quiet hours by message id.
QuietHoursAmong = Callable[[Session, Sequence[OutboxMessage]], "dict[int, QuietHours | None]"]
_QUIET_KEY = "awizo.quiet_hours"


def worker_identity() -> str:
    """Who holds a lease: host, process and a random part (a restarted process is someone else)."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _everywhere_default(session: Session, messages: Sequence[OutboxMessage]) -> dict[int, QuietHours | None]:
    return {message.id: QuietHours() for message in messages}


@dataclass
class OutboxSettings:
    max_attempts: int = 8
    backoff_seconds: float = 30.0
    backoff_max_seconds: float = 3600.0
    lease_seconds: float = 30.0
    owner: str = field(default_factory=worker_identity)
    quiet_hours_among: QuietHoursAmong = field(default=_everywhere_default)
    jitter: Callable[[], float] = field(default=lambda: random.uniform(0.8, 1.2))
    on_failure: tuple[FailureHook, ...] = ()
    batch_size: int = 16

    def quiet_hours(self, session: Session, message: OutboxMessage) -> QuietHours | None:
        return self.quiet_hours_among(session, [message])[message.id]

    @classmethod
    def from_app(cls, app) -> OutboxSettings:
        cfg = app.config
        default_quiet = QuietHours.parse(cfg.get("SMS_QUIET_HOURS", "21:00-08:00"),
                                         cfg.get("OPERATOR_TIMEZONE") or "Europe/Warsaw")
        default_tz = cfg.get("OPERATOR_TIMEZONE") or "Europe/Warsaw"
        lookup: QuietHoursLookup | None = app.extensions.get(_QUIET_KEY)

        def among(session: Session, messages: Sequence[OutboxMessage]) -> dict[int, QuietHours | None]:
            found: dict[int, QuietHours | None] = {}
            ask: list[OutboxMessage] = []
            for message in messages:  # the message's own setting first, then the look-up, then the default
                if message.quiet_hours is not None:
                    found[message.id] = QuietHours.parse(message.quiet_hours, message.time_zone or default_tz)
                elif message.time_zone is not None:
                    found[message.id] = QuietHours.parse(cfg.get("SMS_QUIET_HOURS", "21:00-08:00"), message.time_zone)
                elif lookup is None or message.channel != "sms":
                    found[message.id] = default_quiet
                else:
                    ask.append(message)
            chosen = lookup(session, {message.recipient for message in ask}) if ask and lookup else {}
            for message in ask:
                found[message.id] = chosen.get(message.recipient, default_quiet)
            return found

        return cls(
            max_attempts=int(cfg.get("OUTBOX_MAX_ATTEMPTS") or 8),
            backoff_seconds=float(cfg.get("OUTBOX_BACKOFF_SECONDS") or 30),
            backoff_max_seconds=float(cfg.get("OUTBOX_BACKOFF_MAX_SECONDS") or 3600),
            lease_seconds=float(cfg.get("OUTBOX_LEASE_SECONDS") or 30),
            batch_size=int(cfg.get("OUTBOX_BATCH_SIZE") or 16),
            quiet_hours_among=among,
            on_failure=failure_hooks(app),
        )


def set_quiet_hours_lookup(app, lookup: QuietHoursLookup) -> None:
    """Let ``lookup(session, numbers)`` give the quiet hours the numbers' subscribers chose."""
    app.extensions[_QUIET_KEY] = lookup


def quiet_hours_of_batch(session: Session, messages: Iterable[OutboxMessage],
                         settings: OutboxSettings) -> dict[int, QuietHours | None]:
    """The quiet hours of a batch's SMS that must respect them, with one look-up for all."""
    held = [m for m in messages if m.channel == "sms" and m.purpose not in QUIET_HOURS_EXEMPT]
    return settings.quiet_hours_among(session, held) if held else {}


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
