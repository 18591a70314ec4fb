"""A recipient stopping or resuming a channel: STOP/START by SMS, the e-mail unsubscribe link.

Each function owns its transaction (commits). An opt-out is honoured before any later send
(the outbox checks suppressions) and is confirmed once: the confirmation is keyed by the
suppression it confirms, so a repeated STOP does not send another.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.messaging import suppressions
from app.messaging.enqueue import enqueue_message
from app.models.suppressions import Suppression
from notices.messages import OPT_IN_SMS, OPT_OUT_SMS

STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT", "REVOKE", "OPTOUT", "CANCEL"}
START_WORDS = {"START", "UNSTOP"}


def keyword(body: str | None) -> str:
    """The opt-out/opt-in keyword of an inbound SMS (whole message, trimmed, any case)."""
    return "".join(c for c in (body or "").strip().upper() if c.isalnum())


def stop_sms(session: Session, phone: str, *, now: datetime, source: str = "sms_reply") -> Suppression:
    """Stop all SMS to ``phone`` at once and confirm it by one last SMS."""
    row, created = suppressions.suppress(session, "sms", phone, "stop", now=now, source=source)
    if created:
        enqueue_message(session, channel="sms", recipient=row.address, purpose="opt_out_confirmation",
                        body=OPT_OUT_SMS, dedupe_key=f"opt-out:{row.id}", now=now)
    session.commit()
    return row


def start_sms(session: Session, phone: str, *, now: datetime, source: str = "sms_reply") -> Suppression | None:
    """Resume SMS to ``phone`` (START/UNSTOP) and confirm it once."""
    row = suppressions.lift(session, "sms", phone, now=now, by=source)
    if row is not None:
        enqueue_message(session, channel="sms", recipient=row.address, purpose="opt_in_confirmation",
                        body=OPT_IN_SMS, dedupe_key=f"opt-in:{row.id}", now=now)
    session.commit()
    return row


def unsubscribe_email(session: Session, address: str, *, now: datetime, source: str) -> Suppression:
    """Stop all e-mail to ``address`` (the page confirms it; no further e-mail is sent)."""
    row, _ = suppressions.suppress(session, "email", address, "unsubscribe", now=now, source=source)
    session.commit()
    return row


def resubscribe_email(session: Session, address: str, *, now: datetime) -> Suppression | None:
    """Undo an unsubscribe made by mistake, from the same signed link."""
    row = suppressions.lift(session, "email", address, now=now, by="unsubscribe_link")
    session.commit()
    return row
