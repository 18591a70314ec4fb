"""Providers' later word on sent messages: Twilio status callbacks, e-mail bounces."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.messaging.providers.twilio_sms import ADDRESS_ERRORS
from app.messaging.statuses import update_from_provider
from app.models import OutboxMessage

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


def record_email_bounce(session: Session, message_id_header: str, *, now: datetime, smtp_code: str | None = None,
                        diagnostic: str | None = None, permanent: bool = True) -> bool:
    """A bounce (DSN) that came back after our SMTP server had accepted an e-mail.

    Matched by the ``Message-ID`` we kept as provider id. A permanent bounce marks the e-mail
    undelivered, suppresses the address and tells the recipient by SMS where possible; a
    temporary one is only noted. Commits; returns whether the message changed.
    """
    message = session.scalar(sa.select(OutboxMessage).where(
        OutboxMessage.channel == "email", OutboxMessage.provider_message_id == message_id_header.strip()))
    if message is None:
        session.rollback()
        return False
    error = f"bounced: SMTP {smtp_code or '5xx'}" + (f": {diagnostic}" if diagnostic else "")
    if not permanent:
        message.last_error = error
        session.commit()
        return False
    changed = update_from_provider(session, message, "undelivered", now, error_code=smtp_code or "bounce",
                                   error=error, address_rejected=True)
    session.commit()
    return changed
