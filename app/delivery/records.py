"""The record of an item as plain data: one shape for the API, the pages and the proof.

``public=True`` masks personal data (for the verification page anyone with the QR can open).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app  # the record sections higher areas add (``add_record_section``)
from sqlalchemy.orm import Session

from app.delivery.addresses import location_data
from app.delivery.checks import checks_data, distance_data
from app.delivery.device_evidence import evidence_data
from app.delivery.pickup_points import describe_point
from app.lifecycle.service import item_deadlines
from app.messaging.outbox_settings import held_until
from app.messaging.suppressions import normalise_address
from app.models import Attempt, Item, ItemEvent, OutboxMessage
from app.models.types import iso
from notices import masking
from notices.corrections import correction_text
from notices.i18n import LANGUAGES, translations
from notices.profiles import PROFILES
from notices.sms import held_text


@dataclass(frozen=True)
class RecordSettings:
    """What an item's record (and the proof made of it) needs from the configuration."""

    base_url: str
    """``PUBLIC_BASE_URL``: the record's verification link."""
    tz: str
    """``OPERATOR_TIMEZONE``: the local times the record words."""
    late_record_tolerance_s: float
    """``CHECK_LATE_RECORD_TOLERANCE_SECONDS``: a notice recorded later than this after its time is said to be late."""

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> RecordSettings:
        """From the app's configuration; views, CLI commands and jobs build it and hand it down."""
        return cls(base_url=config["PUBLIC_BASE_URL"], tz=config.get("OPERATOR_TIMEZONE") or "Europe/Warsaw",
                   late_record_tolerance_s=float(config.get("CHECK_LATE_RECORD_TOLERANCE_SECONDS", 3600)))


def _pickup_data(pickup) -> dict | None:
    """The point as the register describes it now: Polish hours in ``opening_hours``, English in
    ``opening_hours_en``, every language's in ``opening_hours_by_language``."""
    pl, en = describe_point(pickup, "pl"), describe_point(pickup, "en")
    if pl is None or en is None:
        return None
    hours = {lang: (describe_point(pickup, lang) or {}).get("hours") or None for lang in LANGUAGES}
    return {"code": pl["code"], "name": pl["name"], "address": pl["address"],
            "opening_hours": pl["hours"] or None, "opening_hours_en": en["hours"] or None,
            "opening_hours_by_language": hours}


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
        "pickup_point": _pickup_data(pickup),
        "collect_by": iso(attempt.collect_by_at),
        # A correction names the scan it corrects; a corrected scan is named by its correction.
        "corrects_attempt_id": attempt.corrects_attempt_id,
        # Signed sequence, clock and position flags from an enrolled handheld (None if none).
        "device_evidence": evidence_data(attempt),
    }


def notification_data(message: OutboxMessage, public: bool = False, *, held: datetime | None = None,
                      tz: str | None = None) -> dict:
    """One alert as plain data; with ``tz``, also whether quiet hours hold it (``held``: until when).

    ``held_until`` (UTC) and ``held_text`` ("held until 08:00 (quiet hours)", in ``tz``) are
    None unless the SMS is waiting for the end of the recipient's quiet hours.
    """
    recipient: str | None = message.recipient
    if public:
        recipient = masking.phone(recipient) if message.channel == "sms" else masking.email(recipient)
    holds = {} if tz is None else {"held_until": iso(held), "held_text": held_text(held, tz) if held else None}
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
        **holds,
        # A worker stopped while this message was with the provider, and it was sent again.
        "possibly_sent_twice": bool(message.possibly_duplicate),
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


def checked_attempt_data(attempt: Attempt, lang: str) -> dict:
    """An attempt with its checks and its distance from the address, in words in ``lang``."""
    return {**attempt_data(attempt), "checks": checks_data(attempt, lang),
            "distance_from_address": distance_data(attempt, lang)}


def _hold(session: Session, message: OutboxMessage, now: datetime | None, tz: str) -> dict:
    if now is None:
        return {}
    return {"held": held_until(session, message, now=now), "tz": tz}


def _event_data(data: dict | None, public: bool) -> dict | None:
    """On public pages the person who collected shows as initials, without their document."""
    if public and data and data.get("action") == "authorise_collector":  # a recipient's action
        return {**{k: v for k, v in data.items() if k not in ("id_type", "id_last_digits")},
                "name": masking.initials(data.get("name") or "")}
    if not public or not data or "collected_by" not in data:
        return data
    shown = {k: v for k, v in data.items() if k != "collector"}
    shown["collected_by"] = masking.initials(data["collected_by"]) if data["collected_by"] else None
    return shown


def item_record(session: Session, item: Item, settings: RecordSettings, public: bool = False, lang: str | None = None,
                now: datetime | None = None) -> dict:
    """Everything known about an item, in time order (checks worded in ``lang``, else the item's language).

    With ``now``, each alert also says whether quiet hours hold it at that moment (pages and the
    API); without it (a proof, a snapshot kept for years) nothing is said about holds.
    """
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
    recipient: dict[str, object]
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
                "location": location_data(item.location),
            },
            "phone": item.recipient_phone, "email": item.recipient_email, "language": item.language,
        }
    notifications_data = _for_sender([notification_data(n, public, **_hold(session, n, now, settings.tz))
                                      for n in notifications], item, public)
    record: dict[str, object] = {
        "tracking_number": item.tracking_number,
        "service": item.service,
        "service_name": {"pl": profile.name_pl, "en": profile.name_en,
                         "uk": translations("uk").gettext(profile.name_pl)} if profile else None,
        "status": item.status,
        "sender": {"name": item.sender.name},
        **({} if public else {"sender_reference": item.sender_reference}),
        "content_sha256": item.content_sha256,
        "recipient": recipient,
        "registered_at": iso(item.created_at),
        "collect_by": iso(item.collect_by_at),
        "deadlines": item_deadlines(session, item, tz=settings.tz,
                                    late_record_tolerance_s=settings.late_record_tolerance_s, now=now),
        "verify_url": f"{settings.base_url}/v/{item.verify_token}",
        "attempts": _mark_repeat_notice(_with_corrections([checked_attempt_data(a, lang or item.language) for a in attempts]),
                                        events),
        "notifications": notifications_data,
        "events": [{"kind": e.kind, "occurred_at": iso(e.occurred_at), "data": _event_data(e.data, public)}
                   for e in events],
    }
    if not public:
        recipient["opted_in"] = sorted({n["channel"] for n in notifications_data if n.get("opted_in")})
    for section in current_app.extensions.get(_SECTIONS_KEY, []):
        record.update(section(session, item, public))
    return record


def _with_corrections(attempts: list[dict]) -> list[dict]:
    """Each attempt says which later attempt corrected it (``corrected_by``), if any, and both
    say so in words (``correction_text``, attempts numbered from 1 as listed)."""
    corrections = {a["corrects_attempt_id"]: a["id"] for a in attempts if a["corrects_attempt_id"]}
    number = {a["id"]: n for n, a in enumerate(attempts, 1)}
    return [{**a, "corrected_by": corrections.get(a["id"]),
             "correction_text": correction_text(number.get(corrections.get(a["id"], -1)),
                                                number.get(a["corrects_attempt_id"] or -1))}
            for a in attempts]


def _mark_repeat_notice(attempts: list[dict], events) -> list[dict]:
    """The repeat notice is an attempt of its own kind: say which one (and whether it was late)."""
    repeat: dict | None = next((e.data or {} for e in events if e.kind == "repeat_notice_left"), None)
    for attempt in attempts:
        attempt["repeat_notice"] = repeat is not None and attempt["id"] == repeat.get("attempt_id")
        if repeat is not None and attempt["repeat_notice"]:
            attempt["repeat_notice_late"] = bool(repeat.get("late"))
    return attempts


def _for_sender(notifications: list[dict], item: Item, public: bool) -> list[dict]:
    """The sender sees the contacts it supplied; alerts to contacts the recipient (or a delegate)
    registered with the operator show only that someone opted in, on which channel."""
    if public:
        return notifications
    supplied = {normalise_address("sms", item.recipient_phone) if item.recipient_phone else None,
                normalise_address("email", item.recipient_email) if item.recipient_email else None}
    shown = []
    for n in notifications:
        if n["to"] in supplied:
            shown.append(n)
        else:
            shown.append({**n, "to": None, "opted_in": True})
    return shown
