"""The outbox: queue messages with the fact that caused them; deliver, retry, record.

Promises:
- ``enqueue_message`` writes a row in the caller's transaction; the same ``dedupe_key``
  never gives a second message.
- ``run_once`` claims due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, a conditional
  UPDATE everywhere) with a lease, so several workers never send the same row and a crashed
  worker's rows are taken up again when the lease runs out.
- A temporary error keeps the message queued with ``last_error`` and a later
  ``next_attempt_at`` (exponential backoff with jitter, never sooner than ``Retry-After``);
  after ``OUTBOX_MAX_ATTEMPTS`` tries, or at once on a permanent error, it is ``failed``.
  A permanent error that blames the address suppresses it.
- Suppressed addresses are checked before every send (the message is ``cancelled``); SMS
  wait for the end of the recipient's quiet hours.
- A channel with ``rate_key`` and ``send_interval`` (Twilio: the sender number, 1/``SMS_RATE_PER_SECOND``)
  sends at most once per interval from that key across all workers (``app.messaging.send_slots``).
- Every status change of a message about an item is recorded as an item event
  ``notification_status``, so it is part of the item's history.
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

import sqlalchemy as sa
from flask import current_app
from markupsafe import escape
from sqlalchemy.orm import Session

from notices.messages import manage_footer, unsubscribe_footer
from notices.sms import QuietHours, quiet_hours_end
from app.messaging.providers import DeliveryResult
from app.models import Item, OutboxMessage
from app.models.types import utcnow
from app.messaging import send_slots
from app.messaging import suppressions
from app.events import record_event

# Sent even to a suppressed address: the one confirmation that the opt-out worked.
SUPPRESSION_EXEMPT = {"opt_out_confirmation"}
# Sent at night too: answers to something the person did just now.
QUIET_HOURS_EXEMPT = {"opt_out_confirmation", "opt_in_confirmation", "verification_code",
                      "confirm_sms", "confirm_email", "subscription_deleted"}
# E-mails that carry no unsubscribe link (the address is not subscribed to anything yet).
NO_UNSUBSCRIBE = {"verification_code", "contact_confirmation", "confirm_email"}

QuietHoursLookup = Callable[[Session, OutboxMessage], "QuietHours | None"]
_QUIET_KEY = "awizo.quiet_hours"
_FAILED_KEY = "awizo.failed_alert_hook"


@dataclass
class OutboxSettings:
    max_attempts: int = 8
    backoff_seconds: float = 30.0
    backoff_max_seconds: float = 3600.0
    lease_seconds: float = 300.0
    batch_size: int = 20
    quiet_hours: QuietHoursLookup = field(default=lambda session, message: QuietHours())
    jitter: Callable[[], float] = field(default=lambda: random.uniform(0.8, 1.2))

    @classmethod
    def from_app(cls, app) -> "OutboxSettings":
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
            quiet_hours=resolve,
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


# -- enqueueing -----------------------------------------------------------------------------

def with_unsubscribe_footer(language: str, recipient: str, body: str, body_html: str | None,
                            manage_url: str | None) -> tuple[str, str | None, dict]:
    """An e-mail's body with the unsubscribe (and manage) footer, and its RFC 8058 headers."""
    url = unsubscribe_url(recipient)
    footer = unsubscribe_footer(language, url)
    if manage_url:
        footer = f"{footer}\n{manage_footer(language, manage_url)}"
    body = f"{body.rstrip()}\n\n-- \n{footer}\n"
    if body_html:
        html_footer = "<footer>" + "".join(
            f"<p>{_link_urls(line, url, manage_url)}</p>" for line in footer.splitlines()) + "</footer>"
        body_html = body_html.replace("</body>", html_footer + "</body>") if "</body>" in body_html \
            else body_html + html_footer
    return body, body_html, {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def enqueue_message(
    session: Session, *, channel: str, recipient: str, purpose: str, body: str, dedupe_key: str,
    now: datetime, subject: str | None = None, body_html: str | None = None, language: str = "pl",
    item_id: int | None = None, attempt_id: int | None = None, headers: dict | None = None,
    not_before: datetime | None = None, quiet_hours: str | None = None, time_zone: str | None = None,
    manage_url: str | None = None,
) -> OutboxMessage:
    """Queue one message in the caller's transaction (which commits it); idempotent by ``dedupe_key``.

    E-mails get an unsubscribe link in both parts and RFC 8058 one-click headers (plus a link
    to the recipient's preferences when ``manage_url`` is given). ``quiet_hours``
    ("21:00-08:00", "off") and ``time_zone`` are the recipient's own, for SMS; None means the
    configured default.
    """
    existing = session.scalar(sa.select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))
    if existing is not None:
        return existing
    if channel in ("sms", "email"):
        recipient = suppressions.normalise_address(channel, recipient)
    headers = dict(headers or {})
    if channel == "email" and purpose not in NO_UNSUBSCRIBE:
        body, body_html, unsubscribe_headers = with_unsubscribe_footer(language, recipient, body, body_html, manage_url)
        for name, value in unsubscribe_headers.items():
            headers.setdefault(name, value)
    message = OutboxMessage(
        item_id=item_id, attempt_id=attempt_id, channel=channel, purpose=purpose, recipient=recipient,
        language=language, subject=subject, body=body, body_html=body_html, headers=headers or None,
        dedupe_key=dedupe_key, status="queued", tries=0, next_attempt_at=not_before or now,
        quiet_hours=quiet_hours, time_zone=time_zone, created_at=now, updated_at=now,
    )
    session.add(message)
    return message


def _link_urls(line: str, *urls: str | None) -> str:
    """``line`` as HTML, with each of ``urls`` in it made a link."""
    html = str(escape(line))
    for url in urls:
        if url:
            safe = str(escape(url))
            html = html.replace(safe, f'<a href="{safe}">{safe}</a>')
    return html


def unsubscribe_url(address: str) -> str:
    cfg = current_app.config
    token = suppressions.unsubscribe_token(cfg["SECRET_KEY"], "email", address)
    return f"{cfg['PUBLIC_BASE_URL']}/unsubscribe/{token}"


# -- claiming and delivering ----------------------------------------------------------------

def _due(now: datetime):
    return sa.or_(
        sa.and_(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now),
        sa.and_(OutboxMessage.status == "sending", OutboxMessage.locked_until < now),
    )


def claim_due(session: Session, now: datetime, *, limit: int = 20, lease_seconds: float = 300) -> list[int]:
    """Take up to ``limit`` due messages for this worker; returns their ids (committed)."""
    query = (sa.select(OutboxMessage.id).where(_due(now))
             .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed = []
    for message_id in session.scalars(query).all():
        result = session.execute(
            sa.update(OutboxMessage).where(OutboxMessage.id == message_id, _due(now))
            .values(status="sending", locked_until=now + timedelta(seconds=lease_seconds),
                    tries=OutboxMessage.tries + 1, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(message_id)
    session.commit()
    return claimed


def run_once(session: Session, channels: dict, settings: OutboxSettings, *,
             clock: Callable[[], datetime] = utcnow, limit: int | None = None,
             stopping: Callable[[], bool] = lambda: False) -> int:
    """Deliver every message due now; returns how many were handled. Commits as it goes.

    ``stopping()`` is asked between messages (a worker told to stop finishes the current one;
    the rest of its claimed batch is taken up again when the lease ends).
    """
    handled = 0
    while (limit is None or handled < limit) and not stopping():
        batch = settings.batch_size if limit is None else min(settings.batch_size, limit - handled)
        ids = claim_due(session, clock(), limit=batch, lease_seconds=settings.lease_seconds)
        if not ids:
            break
        for position, message_id in enumerate(ids):
            if stopping():
                _release(session, ids[position:], clock())
                return handled
            deliver_claimed(session, message_id, channels, settings, clock=clock)
            handled += 1
    return handled


def _release(session: Session, ids: list[int], now: datetime) -> None:
    """Give claimed but untouched messages back at once (a worker stopping cleanly)."""
    session.execute(
        sa.update(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.status == "sending")
        .values(status="queued", locked_until=None, tries=OutboxMessage.tries - 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def deliver_claimed(session: Session, message_id: int, channels: dict, settings: OutboxSettings, *,
                    clock: Callable[[], datetime] = utcnow) -> None:
    """Send one claimed message (unless suppressed or in quiet hours) and record the outcome."""
    message = session.get(OutboxMessage, message_id, populate_existing=True)
    if message is None or message.status != "sending":
        session.rollback()
        return
    now = clock()
    if message.channel in ("sms", "email") and message.purpose not in SUPPRESSION_EXEMPT:
        stopped = suppressions.active_suppression(session, message.channel, message.recipient)
        if stopped is not None:
            message.locked_until = None
            _set_status(session, message, "cancelled", now, error=f"recipient opted out ({stopped.reason})",
                        code="suppressed")
            session.commit()
            return
    if message.channel == "sms" and message.purpose not in QUIET_HOURS_EXEMPT:
        until = quiet_hours_end(now, settings.quiet_hours(session, message))
        if until is not None:
            message.status, message.locked_until, message.next_attempt_at = "queued", None, until
            message.tries -= 1  # waiting for morning is not a failed try
            message.updated_at = now
            _record(session, message, now, status="queued", deferred_until=until.isoformat())
            session.commit()
            return
    channel = channels.get(message.channel)
    wait = 0.0
    if channel is not None and getattr(channel, "send_interval", 0) and getattr(channel, "rate_key", None):
        interval = channel.send_interval
        slot = send_slots.reserve(session, channel.rate_key, interval, max_wait=min(max(interval, 1.0), 5.0))
        if not slot.reserved:
            # The number's next slot is further away: back in the queue for then (not a failed try).
            message.status, message.locked_until = "queued", None
            message.next_attempt_at = now + timedelta(seconds=slot.wait)
            message.tries -= 1
            message.updated_at = now
            session.commit()
            return
        wait = slot.wait
    session.commit()  # no transaction stays open while the provider is called
    if wait > 0:
        time.sleep(wait)  # our own reserved slot: nobody else sends from this number meanwhile
    if channel is None:
        result = DeliveryResult.temporary("none", f"no {message.channel} channel is configured")
    else:
        try:
            result = channel.deliver(message)
        except Exception as exc:  # a channel bug must not lose the message
            result = DeliveryResult.temporary(getattr(channel, "provider", "?"), f"{exc.__class__.__name__}: {exc}")
    apply_result(session, message, result, settings, clock())
    session.commit()
    current_app.logger.info("outbox #%s %s/%s via %s: %s%s", message.id, message.channel, message.purpose,
                            result.provider, message.status, f" ({result.error})" if result.error else "")


def backoff_delay(tries: int, settings: OutboxSettings, retry_after: float | None = None) -> float:
    """Exponential in the number of tries, with jitter, capped; never before ``Retry-After``."""
    delay = min(settings.backoff_seconds * (2 ** max(tries - 1, 0)), settings.backoff_max_seconds)
    delay = max(1.0, delay * settings.jitter())
    return max(delay, retry_after or 0.0)


def apply_result(session: Session, message: OutboxMessage, result: DeliveryResult,
                 settings: OutboxSettings, now: datetime) -> None:
    message.locked_until = None
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
    _tell_through_other_channel(session, message, now)


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
    item = session.get(Item, message.item_id)
    record_event(session, item, "notification_status", now, {
        "message_id": message.id, "channel": message.channel, "purpose": message.purpose,
        "provider": message.provider, "provider_message_id": message.provider_message_id,
        **{k: v for k, v in data.items() if v is not None},
    })


def set_failed_alert_hook(app, hook: Callable[..., object]) -> None:
    """``hook(session, message, now=...)`` runs when a message finally fails (the other channel is told)."""
    app.extensions[_FAILED_KEY] = hook


def _tell_through_other_channel(session: Session, message: OutboxMessage, now: datetime) -> None:
    hook = current_app.extensions.get(_FAILED_KEY)
    if hook is not None:
        hook(session, message, now=now)


def update_from_provider(session: Session, message: OutboxMessage, status: str, now: datetime, *,
                         error_code: str | None = None, error: str | None = None,
                         address_rejected: bool = False) -> bool:
    """A provider's later word on a sent message (delivered, undelivered, failed).

    Statuses only move forward (a late "sent" never overwrites "delivered"); returns whether
    anything changed. Does not commit.
    """
    rank = {"queued": 0, "sending": 1, "sent": 2, "delivered": 3, "undelivered": 3, "failed": 3, "cancelled": 3}
    current = rank.get(message.status, 0)
    if status == message.status or current >= 3 or rank.get(status, 0) < current:
        return False
    _set_status(session, message, status, now, error=error, code=error_code)
    if status in ("undelivered", "failed"):
        if address_rejected and message.channel in ("sms", "email"):
            suppressions.suppress(session, message.channel, message.recipient,
                                  "bounce" if message.channel == "email" else "permanent_error",
                                  now=now, source=message.provider, detail=error)
        _tell_through_other_channel(session, message, now)
    return True
