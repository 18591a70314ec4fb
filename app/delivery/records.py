"""The record of an item as plain data: one shape for the API, the pages and the proof.

``public=True`` masks personal data (for the verification page anyone with the QR can open).
"""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from notices import masking
from notices.profiles import PROFILES
from app.models import Attempt, Item, ItemEvent, OutboxMessage
from app.delivery.device_evidence import evidence_data
from app.lifecycle.service import item_deadlines


def iso(value: datetime | None) -> str | None:
    """RFC 3339 in UTC with a ``Z``, whatever offset the value was given with."""
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if value else None


def attempt_data(attempt: Attempt) -> dict:
    pickup = attempt.pickup_point
    return {
        "id": attempt.id,
        "outcome": attempt.outcome,
        "upu_event": {"code": attempt.upu_event, "reason": attempt.reason, "action": attempt.action},
        "occurred_at": iso(attempt.occurred_at),
        "recorded_at": iso(attempt.recorded_at),
        "location": None if attempt.latitude is None else {
            "lat": attempt.latitude, "lon": attempt.longitude, "accuracy_m": attempt.accuracy_m,
        },
        "carrier": {"id": attempt.carrier_id, "name": attempt.carrier.name},
        "device": {"id": attempt.device_id, "label": attempt.device.label if attempt.device else None},
        "pickup_point": None if pickup is None else {
            "code": pickup.code, "name": pickup.name, "address": pickup.address,
            "opening_hours": pickup.opening_hours,
        },
        "collect_by": iso(attempt.collect_by_at),
        # Signed sequence, clock and position flags from an enrolled handheld (None if none).
        "device_evidence": evidence_data(attempt),
    }


def notification_data(message: OutboxMessage, public: bool = False) -> dict:
    recipient = message.recipient
    if public:
        recipient = masking.phone(recipient) if message.channel == "sms" else masking.email(recipient)
    return {
        "id": message.id,
        "channel": message.channel,
        "purpose": message.purpose,
        "to": recipient,
        "status": message.status,
        "attempt_id": message.attempt_id,
        "created_at": iso(message.created_at),
        "sent_at": iso(message.sent_at),
        "updated_at": iso(message.updated_at),
        **({} if public else {
            "provider": message.provider,
            "provider_message_id": message.provider_message_id,
            "tries": message.tries,
            "last_error": message.last_error,
            "error_code": message.error_code,
        }),
    }


_SECTIONS_KEY = "awizo.record_sections"


def add_record_section(app, section) -> None:
    """Let a higher area add to every record: ``section(session, item, public) -> dict``."""
    app.extensions.setdefault(_SECTIONS_KEY, []).append(section)


def item_record(session: Session, item: Item, base_url: str, public: bool = False) -> dict:
    """Everything known about an item, in time order."""
    attempts = session.scalars(
        sa.select(Attempt).where(Attempt.item_id == item.id).order_by(Attempt.occurred_at, Attempt.id)
    ).all()
    notifications = session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.item_id == item.id, OutboxMessage.channel.in_(("sms", "email")))
        .order_by(OutboxMessage.id)
    ).all()
    events = session.scalars(
        sa.select(ItemEvent).where(ItemEvent.item_id == item.id).order_by(ItemEvent.occurred_at, ItemEvent.id)
    ).all()
    profile = PROFILES.get(item.service)
    if public:
        recipient = {
            "name": masking.initials(item.recipient_name),
            "address": {
                "line1": masking.street(item.address_line1),
                "postal_code": masking.postal_code(item.postal_code),
                "city": item.city, "country": item.country,
            },
            "phone": masking.phone(item.recipient_phone),
            "email": masking.email(item.recipient_email),
        }
    else:
        recipient = {
            "name": item.recipient_name,
            "address": {
                "line1": item.address_line1, "line2": item.address_line2,
                "postal_code": item.postal_code, "city": item.city, "country": item.country,
            },
            "phone": item.recipient_phone, "email": item.recipient_email, "language": item.language,
        }
    record = {
        "tracking_number": item.tracking_number,
        "service": item.service,
        "service_name": {"pl": profile.name_pl, "en": profile.name_en} if profile else None,
        "status": item.status,
        "sender": {"name": item.sender.name},
        **({} if public else {"sender_reference": item.sender_reference}),
        "recipient": recipient,
        "registered_at": iso(item.created_at),
        "collect_by": iso(item.collect_by_at),
        "deadlines": item_deadlines(session, item),
        "verify_url": f"{base_url}/v/{item.verify_token}",
        "attempts": [attempt_data(a) for a in attempts],
        "notifications": [notification_data(n, public) for n in notifications],
        "events": [{"kind": e.kind, "occurred_at": iso(e.occurred_at), "data": e.data} for e in events],
    }
    for section in current_app.extensions.get(_SECTIONS_KEY, []):
        record.update(section(session, item, public))
    return record
