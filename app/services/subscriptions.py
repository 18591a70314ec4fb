"""Opting in to alerts: proof of access to the address, confirmed contacts, delegates.

Rules kept here:
- a subscription for an address is active only once a claim code issued for that address
  (printed on a paper notice, or sent by letter) was entered;
- every contact is confirmed by its owner (6-digit SMS code or e-mail link) before any
  alert goes to it; codes expire and lock the contact after ``MAX_CODE_FAILURES`` wrong tries;
- codes and link tokens are stored only as keyed hashes;
- everything leaving the system is written to the outbox in the same transaction.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import phonenumbers
import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from app.models import Item, OutboxMessage
from notices.sms import QuietHours
from app.models.subscriptions import ClaimCode, Contact, RecipientEvent, Subscriber
from app.security import hash_token
from app.services.errors import FieldError, NotFound, ServiceError, ValidationFailed
from notices import claim_codes, recipient_messages

CLAIM_CODE_DAYS = 60
LETTER_CODE_DAYS = 30
SMS_CODE_MINUTES = 10
EMAIL_LINK_HOURS = 48
MAX_CODE_FAILURES = 5
LOCK_MINUTES = 60
MAX_SECRETS_SENT = 5
MAX_CLAIM_FAILURES = 5
MANAGE_LINK_DAYS = 400
TIME_FORMAT_ERROR = "time"


class Locked(ServiceError):
    status = 429
    slug = "locked"
    title = "Too many wrong codes"


@dataclass
class SignUp:
    """What a person typed into the opt-in form."""

    name: str = ""
    line1: str = ""
    line2: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "PL"
    phone: str = ""
    email: str = ""
    language: str = "pl"
    channels: set[str] = field(default_factory=lambda: {"sms", "email"})
    quiet_start: str = "21:00"
    quiet_end: str = "08:00"
    claim_code: str = ""
    want_letter: bool = False


@dataclass(frozen=True)
class AlertRecipient:
    """A confirmed contact that should get the alerts for an item at its holder's address."""

    channel: str
    address: str
    language: str
    quiet_start: str
    quiet_end: str
    timezone: str
    manage_url: str
    key: str
    subscriber_id: int


# -- signed management links ----------------------------------------------------------------

def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="awizo.recipients.manage")


def manage_token(secret: str, subscriber: Subscriber) -> str:
    return _serializer(secret).dumps([subscriber.id, subscriber.link_nonce])


def manage_url(base_url: str, secret: str, subscriber: Subscriber) -> str:
    return f"{base_url}/alerts/m/{manage_token(secret, subscriber)}"


def subscriber_from_token(session: Session, secret: str, token: str) -> Subscriber:
    """The subscriber a signed link belongs to; deleted or re-keyed subscriptions are refused."""
    try:
        subscriber_id, nonce = _serializer(secret).loads(token, max_age=MANAGE_LINK_DAYS * 86400)
    except (BadSignature, ValueError, TypeError):
        raise NotFound("This link is not valid.") from None
    subscriber = session.get(Subscriber, subscriber_id)
    if subscriber is None or subscriber.status == "deleted" or not secrets.compare_digest(subscriber.link_nonce, str(nonce)):
        raise NotFound("This link is not valid.")
    return subscriber


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


# -- claim codes ------------------------------------------------------------------------------

def _claim_hash(secret: str, code: str) -> str:
    return claim_codes.code_digest(secret, claim_codes.canonical_claim_code(code), "claim")


def item_address_key(item: Item) -> str:
    return claim_codes.address_key(item.address_line1, item.address_line2, item.postal_code, item.city, item.country)


def issue_claim_code(session: Session, item: Item, *, now: datetime, secret: str | None = None) -> str:
    """A new one-time code for the paper notice of ``item``; returns it in clear, stores its hash.

    The caller commits (it is printed as part of the notice the handheld records).
    """
    code = claim_codes.new_claim_code()
    session.add(ClaimCode(
        kind="notice", code_hash=_claim_hash(secret or _secret(), code), address_key=item_address_key(item),
        item_id=item.id, issued_at=now, expires_at=now + timedelta(days=CLAIM_CODE_DAYS),
    ))
    session.flush()
    return code


def issue_letter_code(session: Session, subscriber: Subscriber, *, now: datetime, secret: str,
                      actor: str = "staff") -> str:
    """A code to be sent by letter to the subscriber's address; records that a letter is due."""
    if subscriber.is_delegate or subscriber.status == "deleted" or not subscriber.address_key:
        raise ValidationFailed([FieldError("subscriber", "no_address")])
    code = claim_codes.new_claim_code()
    session.add(ClaimCode(
        kind="letter", code_hash=_claim_hash(secret, code), address_key=subscriber.address_key,
        subscriber_id=subscriber.id, issued_at=now, expires_at=now + timedelta(days=LETTER_CODE_DAYS),
        letter_due_at=now,
    ))
    record(session, subscriber, "letter_code_issued", now, actor=actor)
    session.commit()
    return code


def letters_due(session: Session) -> list[tuple[ClaimCode, Subscriber]]:
    rows = session.execute(
        sa.select(ClaimCode, Subscriber).join(Subscriber, ClaimCode.subscriber_id == Subscriber.id)
        .where(ClaimCode.kind == "letter", ClaimCode.letter_sent_at.is_(None), ClaimCode.used_at.is_(None))
        .order_by(ClaimCode.id)
    )
    return list(rows.tuples())


def _redeem(session: Session, secret: str, code: str, key: str, now: datetime) -> ClaimCode | None:
    claim = session.scalar(sa.select(ClaimCode).where(ClaimCode.code_hash == _claim_hash(secret, code)))
    if claim is None or claim.used_at is not None or claim.expires_at <= now or claim.address_key != key:
        return None
    return claim


def _verify_address(session, subscriber: Subscriber, claim: ClaimCode, now: datetime) -> None:
    claim.used_at, claim.used_by_id = now, subscriber.id
    if claim.kind == "letter" and claim.letter_sent_at is None:
        claim.letter_sent_at = claim.letter_sent_at or now
    subscriber.address_verified_at, subscriber.address_verified_by = now, claim.kind
    subscriber.status = "active"
    record(session, subscriber, "address_verified", now, {"by": claim.kind})


def verify_address(session: Session, subscriber: Subscriber, code: str, *, secret: str, now: datetime) -> None:
    """Activate a pending subscription with a claim code (from a notice or a letter)."""
    if subscriber.status == "active":
        return
    if subscriber.claim_locked_until and subscriber.claim_locked_until > now:
        raise Locked("Too many wrong codes; try again later.")
    claim = _redeem(session, secret, code, subscriber.address_key or "", now)
    if claim is None:
        subscriber.claim_failures += 1
        record(session, subscriber, "claim_code_refused", now)
        if subscriber.claim_failures >= MAX_CLAIM_FAILURES:
            subscriber.claim_locked_until = now + timedelta(minutes=LOCK_MINUTES)
            subscriber.claim_failures = 0
        session.commit()
        raise ValidationFailed([FieldError("claim_code", "claim_code_mismatch")])
    _verify_address(session, subscriber, claim, now)
    session.commit()


# -- contacts ---------------------------------------------------------------------------------

def _secret() -> str:
    from flask import current_app

    return current_app.config["SECRET_KEY"]


def _outbox(session: Session, contact: Contact, purpose: str, body: str, language: str, now: datetime) -> None:
    from app.services.outbox import enqueue_message

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
        from app.services.notifications import enqueue_email

        content = recipient_messages.confirm_email(
            language, f"{base_url}/alerts/confirm/{token}", EMAIL_LINK_HOURS, principal)
        enqueue_email(session, content, recipient=contact.address, purpose="confirm_email", now=now,
                      dedupe_key=f"confirm_email:contact:{contact.id}:{contact.secrets_sent}")
    record(session, subscriber, "confirmation_sent", now, {"channel": contact.channel, "contact_id": contact.id})


def resend_confirmation(session: Session, contact: Contact, *, secret: str, base_url: str, now: datetime) -> None:
    send_confirmation(session, contact, secret=secret, base_url=base_url, now=now)
    session.commit()


def _confirmed(session: Session, contact: Contact, now: datetime) -> None:
    contact.confirmed_at, contact.secret_hash, contact.secret_expires_at = now, None, None
    contact.failures = 0
    record(session, contact.subscriber, "contact_confirmed", now, {"channel": contact.channel, "contact_id": contact.id})
    # A new, confirmed opt-in outweighs an earlier STOP or unsubscribe of the same contact.
    from app.services import suppressions

    if suppressions.lift(session, contact.channel, contact.address, now=now, by="opt_in") is not None:
        record(session, contact.subscriber, "opt_out_lifted", now, {"channel": contact.channel})


def confirm_sms_code(session: Session, contact: Contact, code: str, *, secret: str, now: datetime) -> None:
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
    _confirmed(session, contact, now)
    session.commit()


def confirm_by_phone(session: Session, phone: str, code: str, *, secret: str, now: datetime) -> Contact:
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
    confirm_sms_code(session, contact, code, secret=secret, now=now)
    return contact


def email_link_contact(session: Session, token: str, now: datetime) -> Contact:
    contact = session.scalar(sa.select(Contact).where(Contact.secret_hash == hash_token(token or ""),
                                                      Contact.channel == "email"))
    if contact is None or contact.secret_expires_at is None or contact.secret_expires_at <= now:
        raise NotFound("This confirmation link is not valid or has expired.")
    return contact


def confirm_email_link(session: Session, token: str, *, now: datetime) -> Contact:
    contact = email_link_contact(session, token, now)
    _confirmed(session, contact, now)
    session.commit()
    return contact


# -- opting in --------------------------------------------------------------------------------

def _contacts(signup: SignUp, errors: list[FieldError]) -> list[tuple[str, str, bool]]:
    phone = normalise_phone(signup.phone, signup.country, errors)
    email = normalise_email(signup.email, errors)
    found = []
    if phone:
        found.append(("sms", phone, "sms" in signup.channels))
    if email:
        found.append(("email", email, "email" in signup.channels))
    if not any(enabled for _, _, enabled in found) and not any(e.field in ("phone", "email") for e in errors):
        errors.append(FieldError("channels", "need_contact"))
    for channel, name in (("sms", "phone"), ("email", "email")):
        if channel in signup.channels and not any(c == channel for c, _, _ in found) and not any(e.field == name for e in errors):
            errors.append(FieldError(name, "required_for_channel"))
    return found


def subscribe(session: Session, signup: SignUp, *, secret: str, base_url: str, now: datetime,
              timezone: str = "Europe/Warsaw") -> Subscriber:
    """Create a subscription; active at once with a claim code for this address, else pending a letter.

    Without a valid code and without asking for a letter nothing is stored.
    """
    errors: list[FieldError] = []
    name = _text(signup.name, "name", errors, 200)
    line1 = _text(signup.line1, "line1", errors, 200)
    line2 = _text(signup.line2, "line2", errors, 200, required=False)
    postal = _text(signup.postal_code, "postal_code", errors, 20)
    city = _text(signup.city, "city", errors, 100)
    country = (signup.country or "PL").strip().upper()[:2]
    language = signup.language if signup.language in ("pl", "en") else "pl"
    quiet_start = _clock(signup.quiet_start, "quiet_start", errors)
    quiet_end = _clock(signup.quiet_end, "quiet_end", errors)
    contacts = _contacts(signup, errors)
    if not signup.claim_code.strip() and not signup.want_letter:
        errors.append(FieldError("claim_code", "proof_needed"))
    if errors:
        raise ValidationFailed(errors)
    key = claim_codes.address_key(line1, line2, postal, city, country)
    claim = None
    if signup.claim_code.strip():
        claim = _redeem(session, secret, signup.claim_code, key, now)
        if claim is None:
            raise ValidationFailed([FieldError("claim_code", "claim_code_mismatch")])
    subscriber = Subscriber(
        status="pending", name=name, address_line1=line1, address_line2=line2, postal_code=postal, city=city,
        country=country, address_key=key, language=language, quiet_start=quiet_start, quiet_end=quiet_end,
        timezone=timezone, link_nonce=secrets.token_hex(8), created_at=now, claim_failures=0,
    )
    subscriber.contacts = [Contact(channel=c, address=a, enabled=on, created_at=now, secrets_sent=0, failures=0)
                           for c, a, on in contacts]
    session.add(subscriber)
    session.flush()
    record(session, subscriber, "subscribed", now, {"channels": sorted(c for c, _, on in contacts if on)})
    if claim is not None:
        _verify_address(session, subscriber, claim, now)
    else:
        subscriber.letter_requested_at = now
        record(session, subscriber, "letter_requested", now)
    for contact in subscriber.contacts:
        send_confirmation(session, contact, secret=secret, base_url=base_url, now=now)
    session.commit()
    return subscriber


def add_delegate(session: Session, principal: Subscriber, *, name: str, role: str, phone: str, email: str,
                 language: str, secret: str, base_url: str, now: datetime) -> Subscriber:
    """A family member or attorney who gets the same alerts once they confirm their own contact."""
    if principal.is_delegate:
        raise ValidationFailed([FieldError("delegate", "delegate_of_delegate")])
    errors: list[FieldError] = []
    name = _text(name, "delegate_name", errors, 200)
    found = []
    phone_value = normalise_phone(phone, principal.country or "PL", errors, "delegate_phone")
    email_value = normalise_email(email, errors, "delegate_email")
    if phone_value:
        found.append(("sms", phone_value))
    if email_value:
        found.append(("email", email_value))
    if not found and not errors:
        errors.append(FieldError("delegate_phone", "need_contact"))
    if errors:
        raise ValidationFailed(errors)
    delegate = Subscriber(
        principal_id=principal.id, delegate_role=role if role in ("family", "attorney") else "other",
        status="active", name=name, language=language if language in ("pl", "en") else "pl",
        quiet_start=principal.quiet_start, quiet_end=principal.quiet_end, timezone=principal.timezone,
        link_nonce=secrets.token_hex(8), created_at=now, claim_failures=0,
    )
    delegate.contacts = [Contact(channel=c, address=a, enabled=True, created_at=now, secrets_sent=0, failures=0)
                         for c, a in found]
    session.add(delegate)
    session.flush()
    record(session, principal, "delegate_added", now, {"delegate_id": delegate.id, "role": delegate.delegate_role})
    record(session, delegate, "delegated", now, {"principal_id": principal.id, "role": delegate.delegate_role})
    for contact in delegate.contacts:
        send_confirmation(session, contact, secret=secret, base_url=base_url, now=now)
    session.commit()
    return delegate


# -- who gets the alerts for an item ----------------------------------------------------------

def alert_recipients(session: Session, item: Item, *, base_url: str, now: datetime,
                     secret: str | None = None) -> list[AlertRecipient]:
    """Confirmed, enabled contacts of active subscribers at the item's address and their delegates.

    Contacts the sender gave for this item are skipped (they get the item's own alert), and a
    contact shared by several subscribers is returned once.
    """
    secret = secret or _secret()
    holders = session.scalars(
        sa.select(Subscriber).where(Subscriber.address_key == item_address_key(item), Subscriber.status == "active",
                                    Subscriber.principal_id.is_(None)).order_by(Subscriber.id)
    ).all()
    people = []
    for holder in holders:
        people.append(holder)
        people.extend(d for d in holder.delegates if d.status == "active")
    own = {("sms", item.recipient_phone), ("email", (item.recipient_email or "").lower())}
    seen: set[tuple[str, str]] = set()
    found = []
    for person in people:
        link = manage_url(base_url, secret, person)
        for contact in person.contacts:
            pair = (contact.channel, contact.address)
            if contact.confirmed_at is None or not contact.enabled or pair in own or pair in seen:
                continue
            seen.add(pair)
            found.append(AlertRecipient(
                channel=contact.channel, address=contact.address, language=person.language,
                # Equal start and end: the person wants no quiet hours ("" means none).
                quiet_start=person.quiet_start if person.quiet_start != person.quiet_end else "",
                quiet_end=person.quiet_end if person.quiet_start != person.quiet_end else "",
                timezone=person.timezone,
                manage_url=link, key=f"sub:{contact.id}:{contact.channel}", subscriber_id=person.id,
            ))
    return found


def quiet_hours_for(session: Session, message: OutboxMessage, default: QuietHours | None) -> QuietHours | None:
    """The quiet hours a subscriber chose for the number ``message`` goes to (else ``default``).

    Equal start and end mean the person wants no quiet hours at all.
    """
    if message.channel != "sms":
        return default
    person = session.scalar(
        sa.select(Subscriber).join(Contact, Contact.subscriber_id == Subscriber.id)
        .where(Contact.channel == "sms", Contact.address == message.recipient, Contact.confirmed_at.is_not(None),
               Subscriber.status != "deleted").order_by(Subscriber.id).limit(1)
    )
    if person is None:
        return default
    if person.quiet_start == person.quiet_end:
        return None
    return QuietHours.parse(f"{person.quiet_start}-{person.quiet_end}", person.timezone)
