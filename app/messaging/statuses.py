"""Status changes of outbox messages: recorded for the item's history, told to failure hooks.

Shared by the worker (:mod:`app.messaging.delivery`), the providers' status callbacks and the
corrections that cancel alerts not yet sent. Functions here never commit.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from app.events import record_event
from app.messaging import status_log, suppressions
from app.models import Item, OutboxMessage

FailureHook = Callable[[Session, OutboxMessage, datetime], object]
_FAILURE_KEY = "awizo.outbox_failure_hooks"


def add_failure_hook(app, hook: FailureHook) -> None:
    """Call ``hook(session, message, now)`` when a message fails for good (in its transaction)."""
    app.extensions.setdefault(_FAILURE_KEY, []).append(hook)


def cancel_queued_alerts(session: Session, attempt_id: int, now: datetime, *, reason: str, code: str) -> int:
    """Cancel the alerts about ``attempt_id`` not yet handed to a provider; returns how many.

    Messages already being sent or sent are left as they are (their history says so).
    """
    messages = session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.attempt_id == attempt_id, OutboxMessage.status == "queued")
        .order_by(OutboxMessage.id).with_for_update()
    ).all()
    for message in messages:
        set_status(session, message, "cancelled", now, error=reason, code=code)
    return len(messages)


def set_status(session: Session, message: OutboxMessage, status: str, now: datetime, *,
                error: str | None = None, code: str | None = None) -> None:
    message.status = status
    message.updated_at = now
    if error is not None:
        message.last_error, message.error_code = error, code
    record_status(session, message, now, status=status, error_code=code)


def record_status(session: Session, message: OutboxMessage, now: datetime, **data) -> None:
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
    set_status(session, message, status, now, error=error, code=error_code)
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
