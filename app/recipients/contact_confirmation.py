"""Confirming a recipient's phone number or e-mail address before anything but the confirmation goes to it.

A 6-digit SMS code or an e-mail link, stored only as keyed hashes; codes expire and lock the
contact after ``MAX_CODE_FAILURES`` wrong tries; a link only confirms when its page's button is
pressed (mail scanners that open links confirm nothing).
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import phonenumbers
import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from app.errors import FieldError, NotFound, ServiceError, ValidationFailed
from app.messaging import suppressions
from app.messaging.email import enqueue_email
from app.messaging.enqueue import enqueue_message
from app.models.subscriptions import Contact, RecipientEvent, Subscriber
from app.recipients import catch_up
from app.security import hash_token
from notices import claim_codes, recipient_messages

SMS_CODE_MINUTES = 10
EMAIL_LINK_HOURS = 48
MAX_CODE_FAILURES = 5
LOCK_MINUTES = 60
MAX_SECRETS_SENT = 5
TIME_FORMAT_ERROR = "time"


class Locked(ServiceError):
    status = 429
    slug = "locked"
    title = "Too many wrong codes"


# -- input ------------------------------------------------------------------------------------

def normalise_phone(value: str, country: str, errors: list[FieldError], field_name: str = "phone") -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        number = phonenumbers.parse(value, country or "PL")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        errors.append(FieldError(field_name, "invalid_phone"))
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(value: str, errors: list[FieldError], field_name: str = "email") -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        errors.append(FieldError(field_name, "invalid_email"))
        return None


def _clock(value: str, field_name: str, errors: list[FieldError]) -> str:
    value = (value or "").strip()
    try:
        hours, minutes = (int(part) for part in value.split(":"))
        if 0 <= hours < 24 and 0 <= minutes < 60:
            return f"{hours:02d}:{minutes:02d}"
    except ValueError:
        pass
    errors.append(FieldError(field_name, TIME_FORMAT_ERROR))
    return value


def _text(value: str, field_name: str, errors: list[FieldError], max_len: int, required: bool = True) -> str | None:
    value = " ".join((value or "").split())
    if not value:
        if required:
            errors.append(FieldError(field_name, "required"))
        return None
    if len(value) > max_len:
        errors.append(FieldError(field_name, "too_long"))
    return value[:max_len]


def record(session: Session, subscriber: Subscriber, kind: str, now: datetime, data: dict | None = None,
           actor: str = "recipient") -> RecipientEvent:
    event = RecipientEvent(subscriber_id=subscriber.id, kind=kind, occurred_at=now, actor=actor, data=data)
    session.add(event)
    return event


# -- contacts ---------------------------------------------------------------------------------

def _outbox(session: Session, contact: Contact, purpose: str, body: str, language: str, now: datetime) -> None:
    enqueue_message(session, channel=contact.channel, recipient=contact.address, purpose=purpose, body=body,
                    language=language, now=now,
                    dedupe_key=f"{purpose}:contact:{contact.id}:{contact.secrets_sent}")


def send_confirmation(session: Session, contact: Contact, *, secret: str, base_url: str, now: datetime) -> None:
    """Queue a fresh SMS code or e-mail link for ``contact`` (the previous one stops working)."""
    if contact.confirmed_at is not None:
        return
    if contact.locked_until and contact.locked_until > now:
        raise Locked("Too many wrong codes; try again later.")
    if contact.secrets_sent >= MAX_SECRETS_SENT:
        raise ValidationFailed([FieldError(f"contact-{contact.id}", "too_many_sends")])
    subscriber = contact.subscriber
    language = subscriber.language
    principal = subscriber.principal.name if subscriber.principal else None
    contact.secrets_sent += 1
    if contact.channel == "sms":
        code = claim_codes.new_numeric_code()
        contact.secret_hash = claim_codes.code_digest(secret, code, f"contact:{contact.id}")
        contact.secret_expires_at = now + timedelta(minutes=SMS_CODE_MINUTES)
        if principal:
            body = recipient_messages.delegate_sms(language, code, principal, f"{base_url}/alerts/code")
        else:
            body = recipient_messages.confirm_sms(language, code, SMS_CODE_MINUTES)
        _outbox(session, contact, "confirm_sms", body, language, now)
    else:
        token = secrets.token_urlsafe(32)
        contact.secret_hash = hash_token(token)
        contact.secret_expires_at = now + timedelta(hours=EMAIL_LINK_HOURS)
        content = recipient_messages.confirm_email(
            language, f"{base_url}/alerts/confirm/{token}", EMAIL_LINK_HOURS, principal)
        enqueue_email(session, content, recipient=contact.address, purpose="confirm_email", now=now,
                      dedupe_key=f"confirm_email:contact:{contact.id}:{contact.secrets_sent}")
    record(session, subscriber, "confirmation_sent", now, {"channel": contact.channel, "contact_id": contact.id})


def resend_confirmation(session: Session, contact: Contact, *, secret: str, base_url: str, now: datetime) -> None:
    send_confirmation(session, contact, secret=secret, base_url=base_url, now=now)
    session.commit()


def _confirmed(session: Session, contact: Contact, now: datetime, base_url: str) -> None:
    contact.confirmed_at, contact.secret_hash, contact.secret_expires_at = now, None, None
    contact.failures = 0
    record(session, contact.subscriber, "contact_confirmed", now, {"channel": contact.channel, "contact_id": contact.id})
    # A new, confirmed opt-in outweighs an earlier STOP or unsubscribe of the same contact.
    if suppressions.lift(session, contact.channel, contact.address, now=now, by="opt_in") is not None:
        record(session, contact.subscriber, "opt_out_lifted", now, {"channel": contact.channel})
    catch_up.tell_waiting_items(session, contact.subscriber, [contact], now, base_url=base_url)


def confirm_sms_code(session: Session, contact: Contact, code: str, *, secret: str, base_url: str,
                     now: datetime) -> None:
    """Check a 6-digit code; wrong codes are counted and lock the contact after a few tries."""
    if contact.confirmed_at is not None:
        return
    if contact.locked_until and contact.locked_until > now:
        raise Locked("Too many wrong codes; try again later.")
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if contact.secret_hash is None or contact.secret_expires_at is None or contact.secret_expires_at <= now:
        raise ValidationFailed([FieldError("code", "code_expired")])
    expected = claim_codes.code_digest(secret, code, f"contact:{contact.id}")
    if not claim_codes.codes_equal(expected, contact.secret_hash):
        contact.failures += 1
        record(session, contact.subscriber, "code_refused", now, {"contact_id": contact.id})
        if contact.failures >= MAX_CODE_FAILURES:
            contact.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            contact.secret_hash = None  # the code is spent: a new one is needed after the lock
            record(session, contact.subscriber, "contact_locked", now, {"contact_id": contact.id})
            session.commit()
            raise Locked("Too many wrong codes; try again later.")
        session.commit()
        raise ValidationFailed([FieldError("code", "code_wrong")])
    _confirmed(session, contact, now, base_url)
    session.commit()


def confirm_by_phone(session: Session, phone: str, code: str, *, secret: str, base_url: str, now: datetime) -> Contact:
    """Confirm the newest pending SMS contact with this number (the delegate's code page)."""
    errors: list[FieldError] = []
    number = normalise_phone(phone, "PL", errors)
    if errors or not number:
        raise ValidationFailed(errors or [FieldError("phone", "required")])
    contact = session.scalar(
        sa.select(Contact).where(Contact.channel == "sms", Contact.address == number,
                                 Contact.confirmed_at.is_(None)).order_by(Contact.id.desc()).limit(1)
    )
    if contact is None:
        raise ValidationFailed([FieldError("code", "code_wrong")])
    confirm_sms_code(session, contact, code, secret=secret, base_url=base_url, now=now)
    return contact


def email_link_contact(session: Session, token: str, now: datetime) -> Contact:
    contact = session.scalar(sa.select(Contact).where(Contact.secret_hash == hash_token(token or ""),
                                                      Contact.channel == "email"))
    if contact is None or contact.secret_expires_at is None or contact.secret_expires_at <= now:
        raise NotFound("This confirmation link is not valid or has expired.")
    return contact


def confirm_email_link(session: Session, token: str, *, base_url: str, now: datetime) -> Contact:
    contact = email_link_contact(session, token, now)
    _confirmed(session, contact, now, base_url)
    session.commit()
    return contact
