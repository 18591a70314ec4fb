"""The staff queue of official letters whose deemed service could not be established.

An uncollected official letter is deemed served only when both notices are evidenced; when the
repeat notice is missing or late the item ends as ``deemed_service_not_established`` and lands
here, with what the record says about the repeat notice, for staff to follow up with the carrier
and the sender.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Carrier, Item, ItemEvent, Sender
from app.models.lifecycle import ItemLifecycle
from notices.vocabulary import ItemStatus


@dataclass(frozen=True)
class QueueRow:
    tracking_number: str
    verify_token: str
    sender: str
    carrier: str | None
    notice_at: datetime
    repeat_notice_at: datetime | None
    repeat_notice_left_at: datetime | None
    collect_by: date
    reason: str
    """``missing`` or ``late``, as recorded when the lifecycle ended."""
    ended_at: datetime | None


def not_established(session: Session, limit: int = 500) -> list[QueueRow]:
    """The items in that state, most recently ended first."""
    status = ItemStatus.DEEMED_SERVICE_NOT_ESTABLISHED.value
    rows = session.execute(
        sa.select(Item, ItemLifecycle, Sender.name, Carrier.name)
        .join(ItemLifecycle, ItemLifecycle.item_id == Item.id)
        .join(Sender, Sender.id == Item.sender_id)
        .outerjoin(Carrier, Carrier.id == ItemLifecycle.carrier_id)
        .where(Item.status == status)
        .order_by(ItemLifecycle.ended_at.desc(), Item.id.desc()).limit(limit)
    ).all()
    reasons = dict(session.execute(
        sa.select(ItemEvent.item_id, ItemEvent.data).where(
            ItemEvent.kind == status, ItemEvent.item_id.in_([item.id for item, *_ in rows]))
    ).tuples().all())
    return [QueueRow(
        tracking_number=item.tracking_number, verify_token=item.verify_token, sender=sender, carrier=carrier,
        notice_at=lc.notice_at, repeat_notice_at=lc.repeat_notice_at, repeat_notice_left_at=lc.repeat_notice_done_at,
        collect_by=lc.collect_by, reason=(reasons.get(item.id) or {}).get("repeat_notice", "missing"),
        ended_at=lc.ended_at,
    ) for item, lc, sender, carrier in rows]
