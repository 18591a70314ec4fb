"""Opting in to alerts: sign-up, delegates, signed management links, who gets an item's alerts.

Proof of access to the address lives in :mod:`app.recipients.address_proof`, confirming contacts
in :mod:`app.recipients.contact_confirmation`; their public functions are re-exported here.
Rules kept:
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
from datetime import datetime

import sqlalchemy as sa
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from app.errors import FieldError, NotFound, ValidationFailed
from app.models import Item
from app.models.subscriptions import Contact, Subscriber
from app.recipients.address_proof import (  # noqa: F401 (re-exported: the interface of opting in)
    CLAIM_CODE_DAYS,
    LETTER_CODE_DAYS,
    MAX_CLAIM_FAILURES,
    _redeem,
    _verify_address,
    issue_claim_code,
    issue_letter_code,
    item_address_key,
    letters_due,
    verify_address,
)
from app.recipients.contact_confirmation import (  # noqa: F401
    EMAIL_LINK_HOURS,
    LOCK_MINUTES,
    MAX_CODE_FAILURES,
    MAX_SECRETS_SENT,
    SMS_CODE_MINUTES,
    Locked,
    _clock,
    _text,
    confirm_by_phone,
    confirm_email_link,
    confirm_sms_code,
    email_link_contact,
    normalise_email,
    normalise_phone,
    record,
    resend_confirmation,
    send_confirmation,
)
from notices import claim_codes
from notices.i18n import LANGUAGES
from notices.sms import QuietHours

MANAGE_LINK_DAYS = 400


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
    delegate: bool = False
    """A person the address's holder authorised: their alerts say whose letter it is."""


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
    name = _text(signup.name, "name", errors, 200) or ""  # required: a missing one is in errors
    line1 = _text(signup.line1, "line1", errors, 200) or ""  # required: a missing one is in errors
    line2 = _text(signup.line2, "line2", errors, 200, required=False)
    postal = _text(signup.postal_code, "postal_code", errors, 20) or ""  # required: a missing one is in errors
    city = _text(signup.city, "city", errors, 100) or ""  # required: a missing one is in errors
    country = (signup.country or "PL").strip().upper()[:2]
    language = signup.language if signup.language in LANGUAGES else "pl"
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
        _verify_address(session, subscriber, claim, now, base_url)
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
    name = _text(name, "delegate_name", errors, 200) or ""  # required: a missing one is in errors
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
        status="active", name=name, language=language if language in LANGUAGES else "pl",
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

_HOLDERS = (sa.select(Subscriber).where(Subscriber.address_key == sa.bindparam("address_key"),
                                        Subscriber.status == "active", Subscriber.principal_id.is_(None))
            .order_by(Subscriber.id))


def alert_recipients(session: Session, item: Item, *, base_url: str, now: datetime,
                     secret: str) -> list[AlertRecipient]:
    """Confirmed, enabled contacts of active subscribers at the item's address and their delegates.

    Contacts the sender gave for this item are skipped (they get the item's own alert), and a
    contact shared by several subscribers is returned once.
    """
    holders = session.scalars(_HOLDERS, {"address_key": item_address_key(item)}).all()
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
                delegate=person.is_delegate,
            ))
    return found


def quiet_hours_among(session: Session, numbers: set[str]) -> dict[str, QuietHours | None]:
    """The quiet hours the subscribers of ``numbers`` chose (confirmed numbers only), one query.

    A number without a subscriber is left out (the caller's default applies); equal start and
    end mean the person wants no quiet hours at all (None). A number confirmed by several
    subscribers takes the earliest one's choice.
    """
    rows = session.execute(
        sa.select(Contact.address, Subscriber.quiet_start, Subscriber.quiet_end, Subscriber.timezone)
        .join(Subscriber, Contact.subscriber_id == Subscriber.id)
        .where(Contact.channel == "sms", Contact.address.in_(numbers), Contact.confirmed_at.is_not(None),
               Subscriber.status != "deleted").order_by(Subscriber.id)
    ).all()
    chosen: dict[str, QuietHours | None] = {}
    for address, start, end, tz in rows:
        if address not in chosen:
            chosen[address] = None if start == end else QuietHours.parse(f"{start}-{end}", tz)
    return chosen
