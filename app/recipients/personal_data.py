"""A recipient's own data: preferences, export, deletion, and the one timeline staff read.

Deleting a subscription removes the person's name, address and contacts. The alerts already
sent stay as records of what was done (their status, time and item), with the recipient's
phone or e-mail replaced by ``REDACTED`` in the outbox; delivery attempts are never touched.
"""
from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.errors import FieldError, ValidationFailed
from app.messaging.outbox_settings import held_until
from app.models import Item, OutboxMessage
from app.models.subscriptions import ClaimCode, Contact, RecipientEvent, Subscriber
from app.models.suppressions import Suppression
from app.recipients.subscriptions import _clock, record
from notices.i18n import LANGUAGES

REDACTED = "[redacted]"


def update_preferences(session: Session, subscriber: Subscriber, *, language: str, quiet_start: str,
                       quiet_end: str, enabled_channels: set[str], now: datetime) -> None:
    """Change language, quiet hours and which confirmed channels are used; any channel can be stopped."""
    errors: list[FieldError] = []
    start = _clock(quiet_start, "quiet_start", errors)
    end = _clock(quiet_end, "quiet_end", errors)
    if errors:
        raise ValidationFailed(errors)
    changes: dict = {}
    if language in LANGUAGES and language != subscriber.language:
        changes["language"] = language
        subscriber.language = language
    if (start, end) != (subscriber.quiet_start, subscriber.quiet_end):
        changes["quiet_hours"] = f"{start}-{end}"
        subscriber.quiet_start, subscriber.quiet_end = start, end
    for contact in subscriber.contacts:
        wanted = contact.channel in enabled_channels
        if wanted != contact.enabled:
            contact.enabled = wanted
            record(session, subscriber, "channel_started" if wanted else "channel_stopped", now,
                   {"channel": contact.channel, "contact_id": contact.id})
    if changes:
        record(session, subscriber, "preferences_changed", now, changes)
    session.commit()


def _people(subscriber: Subscriber) -> list[Subscriber]:
    return [subscriber] + [d for d in subscriber.delegates if d.status != "deleted"]


def _messages_to(session: Session, contacts: list[Contact]) -> list[OutboxMessage]:
    if not contacts:
        return []
    conditions = [sa.and_(OutboxMessage.channel == c.channel, OutboxMessage.recipient == c.address) for c in contacts]
    return list(session.scalars(sa.select(OutboxMessage).where(sa.or_(*conditions)).order_by(OutboxMessage.id)))


def _suppressions(session: Session, contacts: list[Contact]) -> list:
    if not contacts:
        return []
    conditions = [sa.and_(Suppression.channel == c.channel, Suppression.address == c.address) for c in contacts]
    return list(session.scalars(sa.select(Suppression).where(sa.or_(*conditions)).order_by(Suppression.id)))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _message_dict(session: Session, message: OutboxMessage) -> dict:
    item = session.get(Item, message.item_id) if message.item_id else None
    return {
        "id": message.id, "channel": message.channel, "purpose": message.purpose, "to": message.recipient,
        "status": message.status, "error_code": message.error_code, "subject": message.subject,
        "body": message.body, "item": item.tracking_number if item else None,
        "created_at": _iso(message.created_at), "sent_at": _iso(message.sent_at),
    }


def _person_dict(session: Session, person: Subscriber) -> dict:
    contacts = list(person.contacts)
    return {
        "id": person.id,
        "role": person.delegate_role or "holder",
        "status": person.status,
        "name": person.name,
        "address": None if person.is_delegate else {
            "line1": person.address_line1, "line2": person.address_line2, "postal_code": person.postal_code,
            "city": person.city, "country": person.country,
            "verified_at": _iso(person.address_verified_at), "verified_by": person.address_verified_by,
            "letter_requested_at": _iso(person.letter_requested_at),
        },
        "language": person.language,
        "quiet_hours": {"start": person.quiet_start, "end": person.quiet_end, "timezone": person.timezone},
        "contacts": [{"channel": c.channel, "address": c.address, "enabled": c.enabled,
                      "confirmed_at": _iso(c.confirmed_at), "created_at": _iso(c.created_at)} for c in contacts],
        "created_at": _iso(person.created_at),
        "events": [{"kind": e.kind, "at": _iso(e.occurred_at), "by": e.actor, "data": e.data}
                   for e in session.scalars(sa.select(RecipientEvent).where(RecipientEvent.subscriber_id == person.id)
                                            .order_by(RecipientEvent.id))],
        "messages": [_message_dict(session, m) for m in _messages_to(session, contacts)],
        "opt_outs": [{"channel": s.channel, "address": s.address, "reason": s.reason, "at": _iso(s.created_at),
                      "lifted_at": _iso(s.lifted_at)} for s in _suppressions(session, contacts)],
    }


def export_data(session: Session, subscriber: Subscriber, *, now: datetime) -> dict:
    """Everything held about the person (and the delegates they added), as JSON-ready data."""
    data = _person_dict(session, subscriber)
    if subscriber.is_delegate:
        data["delegate_of"] = subscriber.principal.name if subscriber.principal else None
    else:
        data["delegates"] = [_person_dict(session, d) for d in subscriber.delegates if d.status != "deleted"]
        data["claim_codes"] = [
            {"kind": c.kind, "issued_at": _iso(c.issued_at), "used_at": _iso(c.used_at),
             "item": session.get_one(Item, c.item_id).tracking_number if c.item_id else None}
            for c in session.scalars(sa.select(ClaimCode).where(ClaimCode.used_by_id == subscriber.id))
        ]
    data["exported_at"] = now.isoformat()
    record(session, subscriber, "data_exported", now)
    session.commit()
    return data


def _erase(session: Session, person: Subscriber, now: datetime, actor: str) -> list[int]:
    contacts = list(person.contacts)
    redacted = []
    for message in _messages_to(session, contacts):
        message.recipient = REDACTED
        if message.status == "queued":
            message.status = "cancelled"
        redacted.append(message.id)
    person.contacts = []
    person.name = None
    person.address_line1 = person.address_line2 = person.postal_code = person.city = None
    person.status, person.deleted_at = "deleted", now
    person.link_nonce = secrets.token_hex(8)  # every management link stops working
    for event in session.scalars(sa.select(RecipientEvent).where(RecipientEvent.subscriber_id == person.id)):
        if event.data and "address" in event.data:
            event.data = {k: v for k, v in event.data.items() if k != "address"}
    record(session, person, "deleted", now, {"redacted_messages": redacted}, actor=actor)
    return redacted


def delete_subscription(session: Session, subscriber: Subscriber, *, now: datetime, actor: str = "recipient") -> None:
    """Forget the person (and the delegates they added); attempts and message records stay, redacted."""
    for delegate in list(subscriber.delegates):
        if delegate.status != "deleted":
            _erase(session, delegate, now, actor)
    _erase(session, subscriber, now, actor)
    # The address key would still point at the flat: keep it only as a hash-free tombstone.
    subscriber.address_key = None
    session.commit()


def remove_delegate(session: Session, principal: Subscriber, delegate_id: int, *, now: datetime) -> None:
    delegate = session.get(Subscriber, delegate_id)
    if delegate is None or delegate.principal_id != principal.id or delegate.status == "deleted":
        raise ValidationFailed([FieldError("delegate", "not_found")])
    _erase(session, delegate, now, "recipient")
    record(session, principal, "delegate_removed", now, {"delegate_id": delegate.id})
    session.commit()


# -- staff: one timeline per person -----------------------------------------------------------

def find_subscribers(session: Session, query: str, limit: int = 50) -> list[Subscriber]:
    """Subscribers whose name, phone, e-mail or street matches ``query`` (staff search)."""
    query = (query or "").strip().lower()
    stmt = sa.select(Subscriber).order_by(Subscriber.id.desc()).limit(limit)
    if query:
        like = f"%{query}%"
        by_contact = sa.select(Contact.subscriber_id).where(sa.func.lower(Contact.address).like(like))
        stmt = stmt.where(sa.or_(sa.func.lower(Subscriber.name).like(like),
                                 sa.func.lower(Subscriber.address_line1).like(like),
                                 Subscriber.id.in_(by_contact)))
    return list(session.scalars(stmt))


def timeline(session: Session, subscriber: Subscriber, *, now: datetime | None = None) -> list[dict]:
    """Opt-in steps, changes, opt-outs and every alert to the person's contacts, oldest first.

    With ``now``, an alert that quiet hours hold at that moment carries ``held_until`` (UTC).
    """
    people = [subscriber] + list(subscriber.delegates)
    entries: list[dict] = []
    redacted_ids: set[int] = set()
    for person in people:
        who = person.name or f"#{person.id}"
        for event in session.scalars(sa.select(RecipientEvent).where(RecipientEvent.subscriber_id == person.id)):
            entries.append({"at": event.occurred_at, "kind": event.kind, "who": who, "by": event.actor,
                            "detail": event.data or {}})
            if event.kind == "deleted":
                redacted_ids.update((event.data or {}).get("redacted_messages", []))
        contacts = list(person.contacts)
        for message in _messages_to(session, contacts):
            entries.append(_message_entry(session, message, who, now))
        for s in _suppressions(session, contacts):
            entries.append({"at": s.created_at, "kind": "opted_out", "who": who, "by": s.source or "system",
                            "detail": {"channel": s.channel, "reason": s.reason}})
            if s.lifted_at:
                entries.append({"at": s.lifted_at, "kind": "opted_in_again", "who": who,
                                "by": s.lifted_by or "system", "detail": {"channel": s.channel}})
    for message_id in sorted(redacted_ids):
        redacted = session.get(OutboxMessage, message_id)
        if redacted is not None:
            entries.append(_message_entry(session, redacted, "—", now))
    entries.sort(key=lambda e: (e["at"], e["kind"]))
    return entries


def _message_entry(session: Session, message: OutboxMessage, who: str, now: datetime | None) -> dict:
    item = session.get(Item, message.item_id) if message.item_id else None
    return {"at": message.created_at, "kind": f"message_{message.purpose}", "who": who, "by": "system",
            "detail": {"channel": message.channel, "to": message.recipient, "status": message.status,
                       "error_code": message.error_code, "item": item.tracking_number if item else None},
            "held_until": held_until(session, message, now=now) if now is not None else None}
