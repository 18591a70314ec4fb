"""Opening a case from the record link: validate, number it, start its history, tell everyone.

Promises: the case number is given in the same transaction as the case (unique across
processes, see ``numbering``); the contact gets one confirmation message that already
carries the number and the case link; the sender hears of it at once (item event
``case.opened`` → log and webhooks, e-mail to the sender's administrators).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.cases import numbering
from app.cases.context import CaseSettings
from app.cases.links import case_by_token, case_token, case_url, new_nonce
from app.cases.notify import add_entry, tell_sender
from app.errors import FieldError, Problem, ValidationFailed
from app.messaging.email import enqueue_email
from app.messaging.enqueue import enqueue_message
from app.models import Attempt, Item
from app.models.cases import Case
from app.recipients.contact_confirmation import Locked, normalise_email, normalise_phone
from app.security import hash_token
from notices import case_messages, claim_codes
from notices.cases import KINDS, due_dates
from notices.i18n import LANGUAGES

MAX_MESSAGE = 4000
SMS_CODE_MINUTES = 10
EMAIL_LINK_HOURS = 48
MAX_CODE_FAILURES = 5
FILED_FROM = ("record", "alert", "alerts_page", "api")


@dataclass(frozen=True)
class NewCase:
    kind: str
    message: str
    channel: str
    address: str
    attempt_id: int | None = None
    language: str = "pl"
    filed_from: str = "record"


def parse_new_case(data, *, language: str = "pl", filed_from: str = "record") -> NewCase:
    """The JSON body (or the form, as the same shape) as a :class:`NewCase`; every bad field named."""
    problem = Problem()
    if not isinstance(data, dict):
        raise ValidationFailed([FieldError("body", "must be a JSON object")])
    kind = data.get("kind")
    if kind not in KINDS:
        problem.add("kind", f"must be one of: {', '.join(KINDS)}")
    attempt_id = data.get("attempt_id")
    if attempt_id in ("", None):
        attempt_id = None
    else:
        try:
            attempt_id = int(attempt_id)
            if isinstance(data.get("attempt_id"), bool) or attempt_id <= 0:
                raise ValueError
        except (TypeError, ValueError):
            problem.add("attempt_id", "must be the id of one of this item's attempts")
            attempt_id = None
    message = data.get("message")
    message = " ".join(message.split()) if isinstance(message, str) else ""
    if not message:
        problem.add("message", "is required: say in a sentence what happened")
    elif len(message) > MAX_MESSAGE:
        problem.add("message", f"must be at most {MAX_MESSAGE} characters")
    contact = data.get("contact")
    channel: str | None = None
    address: str | None = None
    if not isinstance(contact, dict) or bool(contact.get("email")) == bool(contact.get("phone")):
        problem.add("contact", "give exactly one of contact.email or contact.phone")
    elif contact.get("email"):
        errors: list[FieldError] = []
        address = normalise_email(str(contact["email"]), errors, "contact.email")
        problem.errors.extend(errors)
        channel = "email"
    else:
        errors = []
        address = normalise_phone(str(contact["phone"]), "PL", errors, "contact.phone")
        problem.errors.extend(errors)
        channel = "sms"
    lang = data.get("language") or language
    if lang not in LANGUAGES:
        problem.add("language", f"must be one of: {', '.join(LANGUAGES)}")
    problem.raise_if_any()
    assert kind is not None and channel is not None and address is not None  # else a problem was raised
    return NewCase(kind=kind, message=message, channel=channel, address=address, attempt_id=attempt_id,
                   language=lang, filed_from=filed_from if filed_from in FILED_FROM else "record")


def file_case(session: Session, item: Item, new: NewCase, settings: CaseSettings, *, now: datetime) -> tuple[Case, str]:
    """Open the case and commit; returns ``(case, case_url)``."""
    if new.attempt_id is not None and session.scalar(
            sa.select(Attempt.id).where(Attempt.id == new.attempt_id, Attempt.item_id == item.id)) is None:
        raise ValidationFailed([FieldError("attempt_id", "is not an attempt of this item")])
    dates = due_dates(now, settings.tz, target_working_days=settings.target_working_days)
    nonce = new_nonce()
    case = Case(
        number=numbering.next_case_number(session, now.astimezone(ZoneInfo(settings.tz)).year),
        item_id=item.id, attempt_id=new.attempt_id, kind=new.kind, status="open", message=new.message,
        language=new.language, link_nonce=nonce, token_hash=hash_token(case_token(settings.secret, nonce)),
        contact_channel=new.channel, contact_address=new.address, contact_failures=0, filed_from=new.filed_from,
        opened_at=now, due_at=dates.target_at, statutory_due_at=dates.statutory_at, updated_at=now,
    )
    session.add(case)
    session.flush()
    entry = add_entry(session, case, "opened", now, actor="recipient", body=new.message,
                      data={"kind": new.kind, "attempt_id": new.attempt_id, "due_at": case.due_at.isoformat(),
                            "statutory_due_at": case.statutory_due_at.isoformat()})
    url = case_url(settings.base_url, settings.secret, case)
    _send_confirmation(session, case, url, settings, now)
    tell_sender(session, case, "opened", entry, settings, now)
    session.commit()
    return case, url


def _send_confirmation(session: Session, case: Case, url: str, settings: CaseSettings, now: datetime) -> None:
    """One SMS code or e-mail link, carrying the case number and link; the previous one stops working."""
    sent = sum(1 for e in case.entries if e.kind == "confirmation_sent") if case.id else 0
    key = f"case:{case.id}:confirm:{sent}"
    if case.contact_channel == "sms":
        code = claim_codes.new_numeric_code()
        case.contact_secret_hash = claim_codes.code_digest(settings.secret, code, f"case:{case.id}")
        case.contact_secret_expires_at = now + timedelta(minutes=SMS_CODE_MINUTES)
        enqueue_message(session, channel="sms", recipient=case.contact_address, purpose="confirm_sms",
                        body=case_messages.confirm_sms(case.language, case.number, code, SMS_CODE_MINUTES),
                        dedupe_key=key, now=now, language=case.language)
    else:
        token = secrets.token_urlsafe(32)
        case.contact_secret_hash = hash_token(token)
        case.contact_secret_expires_at = now + timedelta(hours=EMAIL_LINK_HOURS)
        content = case_messages.confirm_email(case.language, case.number, f"{settings.base_url}/c/confirm/{token}",
                                              url, EMAIL_LINK_HOURS)
        enqueue_email(session, content, recipient=case.contact_address, purpose="confirm_email", dedupe_key=key,
                      now=now)
    add_entry(session, case, "confirmation_sent", now, actor="system", visible=False,
              data={"channel": case.contact_channel})


def confirm_code(session: Session, token: str, code: str, settings: CaseSettings, *, now: datetime) -> Case:
    """The SMS code typed on the case page; wrong codes are counted and lock after a few tries."""
    case = case_by_token(session, token)
    if case.contact_confirmed_at is not None:
        return case
    if case.contact_failures >= MAX_CODE_FAILURES:
        raise Locked("Too many wrong codes.")
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if case.contact_secret_hash is None or case.contact_secret_expires_at is None \
            or case.contact_secret_expires_at <= now:
        raise ValidationFailed([FieldError("code", "code_expired")])
    expected = claim_codes.code_digest(settings.secret, code, f"case:{case.id}")
    if not claim_codes.codes_equal(expected, case.contact_secret_hash):
        case.contact_failures += 1
        session.commit()
        raise ValidationFailed([FieldError("code", "code_wrong")])
    _confirmed(session, case, now)
    session.commit()
    return case


def confirm_email_link(session: Session, link_token: str, *, now: datetime) -> Case:
    case = email_link_case(session, link_token, now)
    _confirmed(session, case, now)
    session.commit()
    return case


def email_link_case(session: Session, link_token: str, now: datetime) -> Case:
    case = session.scalar(sa.select(Case).where(Case.contact_secret_hash == hash_token(link_token or ""),
                                                Case.contact_channel == "email"))
    if case is None or case.contact_secret_expires_at is None or case.contact_secret_expires_at <= now:
        raise ValidationFailed([FieldError("token", "link_invalid")])
    return case


def resend_confirmation(session: Session, case: Case, settings: CaseSettings, *, now: datetime) -> None:
    if case.contact_confirmed_at is None:
        _send_confirmation(session, case, case_url(settings.base_url, settings.secret, case), settings, now)
        session.commit()


def _confirmed(session: Session, case: Case, now: datetime) -> None:
    case.contact_confirmed_at, case.contact_secret_hash, case.contact_secret_expires_at = now, None, None
    add_entry(session, case, "contact_confirmed", now, actor="recipient", data={"channel": case.contact_channel})
