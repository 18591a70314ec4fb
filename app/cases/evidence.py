"""The evidence a case gathers by itself, so nobody has to ask for it or retell it.

For each disputed attempt (the one named, or every attempt of the item): time, place,
accuracy, distance from the address and the checks (from ``checks_for_attempt``, handed in;
by default none), the device signature status, the attempt's entry in the transparency log
with its inclusion proof, and whether the paper notice was printed; for the item: the alerts
that went out and whether they were delivered, and the item's status.
"""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.delivery.device_evidence import evidence_data
from app.evidence.log import inclusion, latest_tree_head
from app.models import Attempt, Item, ItemEvent, OutboxMessage
from app.models.cases import Case
from app.models.evidence import LogEntry
from app.models.types import iso
from notices import masking

ChecksForAttempt = Callable[[Session, Attempt], list[dict]]


_CHECKS_KEY = "awizo.cases.checks_for_attempt"


def no_checks(session: Session, attempt: Attempt) -> list[dict]:
    return []


def set_checks_for_attempt(app, checks_for_attempt: ChecksForAttempt) -> None:
    """Wire the checks on attempts (``checks_for_attempt(session, attempt) -> [{"code", "text", …figures}]``)."""
    app.extensions[_CHECKS_KEY] = checks_for_attempt


def checks_for_attempt_of(app) -> ChecksForAttempt:
    return app.extensions.get(_CHECKS_KEY) or no_checks


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


def attempt_evidence(session: Session, attempt: Attempt, checks_for_attempt: ChecksForAttempt,
                     tree_size: int | None) -> dict:
    checks = list(checks_for_attempt(session, attempt) or [])
    distance = next((c.get("distance_m") for c in checks if c.get("distance_m") is not None), None)
    device = evidence_data(attempt)
    return {
        "attempt_id": attempt.id,
        "outcome": attempt.outcome,
        "occurred_at": iso(attempt.occurred_at),
        "recorded_at": iso(attempt.recorded_at),
        "location": None if attempt.latitude is None else {"lat": attempt.latitude, "lon": attempt.longitude},
        "accuracy_m": attempt.accuracy_m,
        "distance_m": distance,
        "checks": checks,
        "carrier": {"id": attempt.carrier_id, "name": attempt.carrier.name},
        "device_signature": ("verified" if device and device["signature_verified"]
                             else "unsigned" if device is not None else "not_enrolled"),
        "device_flags": device["flags"] if device else [],
        "log": _log_inclusion(session, attempt, tree_size),
        # The handheld does not report printing yet: only a check saying so turns this to False.
        "paper_notice_printed": False if any(c.get("code") == "no_notice_printed" for c in checks) else None,
    }


def gather(session: Session, case: Case, checks_for_attempt: ChecksForAttempt | None = None) -> dict:
    """The case's evidence as plain data (personal data of others masked)."""
    checks_for_attempt = checks_for_attempt or no_checks
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
        "attempts": [attempt_evidence(session, a, checks_for_attempt, tree_size) for a in session.scalars(query)],
        "alerts": [{
            "channel": m.channel, "purpose": m.purpose, "status": m.status,
            "to": masking.phone(m.recipient) if m.channel == "sms" else masking.email(m.recipient),
            "attempt_id": m.attempt_id, "created_at": iso(m.created_at), "sent_at": iso(m.sent_at),
            "delivered": m.status == "delivered",
        } for m in alerts],
        "tree_head": {"tree_size": head.tree_size, "root_hash": head.root_hash} if head else None,
    }
