"""The evidence a case gathers by itself, so nobody has to ask for it or retell it.

For each disputed attempt (the one named, or every attempt of the item): time, place,
accuracy, distance from the address and the checks on the attempt (in Polish and English), the
device signature status, the attempt's entry in the transparency log with its inclusion proof,
and whether the handheld printed the paper notice; for the item: the alerts
that went out and whether they were delivered, and the item's status.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.delivery.checks import checks_for_attempt, distance_data
from app.delivery.device_evidence import evidence_data
from app.evidence.log import inclusion, latest_tree_head
from app.models import Attempt, Item, ItemEvent, OutboxMessage, PaperNoticePrint
from app.models.cases import Case
from app.models.evidence import LogEntry
from app.models.types import iso
from notices import masking
from notices.checks import Rules
from notices.i18n import LANGUAGES


def _checks(session: Session, attempt: Attempt, rules: Rules) -> list[dict]:
    """The attempt's checks with their figures, each sentence in every language of the case page."""
    worded = {lang: checks_for_attempt(session, attempt, rules, lang) for lang in LANGUAGES}
    return [{**check, "text": {lang: worded[lang][n]["text"] for lang in LANGUAGES}}
            for n, check in enumerate(worded["pl"])]


def _log_inclusion(session: Session, attempt: Attempt, tree_size: int | None) -> dict | None:
    entry = _entry_for_attempt(session, attempt)
    if entry is None:
        return None
    result = {"log_index": entry.index, "leaf_hash": entry.leaf_hash}
    if tree_size and entry.index < tree_size:
        result.update(tree_size=tree_size, inclusion_proof=inclusion(session, entry.index, tree_size))
    return result


def _entry_for_attempt(session: Session, attempt: Attempt) -> LogEntry | None:
    rows = session.execute(
        sa.select(LogEntry, ItemEvent.data).join(ItemEvent, ItemEvent.id == LogEntry.event_id)
        .where(LogEntry.item_id == attempt.item_id, ItemEvent.kind == "attempt_recorded")
    ).all()
    return next((entry for entry, data in rows if (data or {}).get("attempt_id") == attempt.id), None)


def attempt_evidence(session: Session, attempt: Attempt, tree_size: int | None, rules: Rules) -> dict:
    distance = distance_data(attempt)
    left_notice = attempt.pickup_point_id is not None
    printed = session.scalar(sa.select(PaperNoticePrint.id).where(PaperNoticePrint.attempt_id == attempt.id)
                             .limit(1)) is not None if left_notice else None
    device = evidence_data(attempt)
    return {
        "attempt_id": attempt.id,
        "outcome": attempt.outcome,
        "occurred_at": iso(attempt.occurred_at),
        "recorded_at": iso(attempt.recorded_at),
        "location": None if attempt.latitude is None else {"lat": attempt.latitude, "lon": attempt.longitude},
        "accuracy_m": attempt.accuracy_m,
        "distance_m": distance["m"] if distance else None,
        "checks": _checks(session, attempt, rules),
        "carrier": {"id": attempt.carrier_id, "name": attempt.carrier.name},
        "device_signature": ("verified" if device and device["signature_verified"]
                             else "unsigned" if device is not None else "not_enrolled"),
        "device_flags": device["flags"] if device else [],
        "log": _log_inclusion(session, attempt, tree_size),
        "paper_notice_printed": printed,  # None: this attempt left no notice to print
    }


def gather(session: Session, case: Case, check_rules: Rules) -> dict:
    """The case's evidence as plain data (personal data of others masked); ``check_rules`` check an
    attempt whose checks were never stored."""
    item = session.get_one(Item, case.item_id)
    query = sa.select(Attempt).where(Attempt.item_id == item.id).order_by(Attempt.occurred_at, Attempt.id)
    if case.attempt_id is not None:
        query = query.where(Attempt.id == case.attempt_id)
    head = latest_tree_head(session)
    tree_size = head.tree_size if head else None
    alerts = session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.item_id == item.id, OutboxMessage.channel.in_(("sms", "email")),
        OutboxMessage.purpose.in_(("notice_left", "repeat_notice", "collection_reminder", "channel_failed")))
        .order_by(OutboxMessage.id)).all()
    return {
        "item": {"tracking_number": item.tracking_number, "status": item.status, "service": item.service},
        "attempts": [attempt_evidence(session, a, tree_size, check_rules) for a in session.scalars(query)],
        "alerts": [{
            "channel": m.channel, "purpose": m.purpose, "status": m.status,
            "to": masking.phone(m.recipient) if m.channel == "sms" else masking.email(m.recipient),
            "attempt_id": m.attempt_id, "created_at": iso(m.created_at), "sent_at": iso(m.sent_at),
            "delivered": m.status == "delivered",
        } for m in alerts],
        "tree_head": {"tree_size": head.tree_size, "root_hash": head.root_hash} if head else None,
    }
