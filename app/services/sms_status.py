"""Twilio's delivery-status callbacks, applied to the outbox message they are about."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.adapters.twilio_sms import ADDRESS_ERRORS
from app.models import OutboxMessage
from app.services.outbox import update_from_provider

# Twilio's MessageStatus → ours. Earlier stages (accepted, queued, sending) say nothing new.
TWILIO_STATUS = {"sent": "sent", "delivered": "delivered", "read": "delivered",
                 "undelivered": "undelivered", "failed": "failed", "canceled": "failed"}


def record_status_callback(session: Session, message_sid: str, twilio_status: str, *,
                           error_code: str | None, now: datetime) -> bool:
    """Apply one callback; returns whether the message changed. Commits.

    Unknown sids and stale statuses are ignored (callbacks can arrive late or out of order).
    """
    status = TWILIO_STATUS.get((twilio_status or "").lower())
    message = session.scalar(sa.select(OutboxMessage).where(
        OutboxMessage.provider == "twilio", OutboxMessage.provider_message_id == message_sid))
    if status is None or message is None:
        session.rollback()
        return False
    code = int(error_code) if error_code and error_code.isdigit() else None
    error = None
    if status in ("undelivered", "failed"):
        error = f"Twilio {twilio_status}" + (f" {code}: {ADDRESS_ERRORS.get(code, 'see Twilio error docs')}" if code else "")
    changed = update_from_provider(session, message, status, now, error_code=error_code, error=error,
                                   address_rejected=code in ADDRESS_ERRORS)
    session.commit()
    return changed
