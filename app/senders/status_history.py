"""A sender's items by status at the end of each day, replayed from the items' events.

An item's status changes only with an event: ``registered``, ``attempt_recorded`` (the
outcome decides), ``collected`` and the end of the notice cycle (``deemed_served``,
``returned_to_sender``, ``deemed_service_not_established``). Replaying them gives how many
of the sender's items stood in each status when each day ended (operator's time zone), so
the chart shows the history, not only where the items stand today.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.delivery.attempts import ITEM_STATUS
from app.lifecycle.service import EVENT_KIND, ITEM_STATUS_AT_END
from app.models import Item, ItemEvent
from notices.outcomes import Outcome
from notices.vocabulary import ItemStatus

# Event kind → the status it leaves the item in (attempts: by their outcome).
STATUS_AFTER = {
    "registered": ItemStatus.REGISTERED.value,
    "collected": ItemStatus.COLLECTED.value,
    **{EVENT_KIND[end]: status for end, status in ITEM_STATUS_AT_END.items()},
}
ATTEMPT = "attempt_recorded"
STATUS_ORDER = [s.value for s in ItemStatus]

Transition = tuple[int, datetime, str]  # item id, when, status after it


def status_after(kind: str, data: dict | None) -> str | None:
    """The status an event leaves its item in, or None when the event does not change it."""
    if kind == ATTEMPT:
        outcome = (data or {}).get("outcome")
        try:
            return str(ITEM_STATUS[Outcome(str(outcome))].value)
        except (ValueError, KeyError):
            return None
    return STATUS_AFTER.get(kind)


def daily_counts(transitions: Iterable[Transition], first: date, last: date, tz: str) -> dict[str, list[int]]:
    """``{status: [items in it at the end of each day from first to last]}``.

    ``transitions`` must be in order of time per item; those after the end of ``last`` are
    ignored, those before ``first`` set where the item stood when the range began.
    """
    zone = ZoneInfo(tz)
    ndays = (last - first).days + 1
    delta: dict[str, list[int]] = {}  # +1/-1 on the day an item enters/leaves a status
    current: dict[int, str] = {}
    for item_id, when, status in transitions:
        day = when.astimezone(zone).date()
        if day > last:
            continue
        index = max((day - first).days, 0)
        before = current.get(item_id)
        if before == status:
            continue
        if before is not None:
            delta.setdefault(before, [0] * ndays)[index] -= 1
        delta.setdefault(status, [0] * ndays)[index] += 1
        current[item_id] = status
    series: dict[str, list[int]] = {}
    for status in sorted(delta, key=lambda s: (STATUS_ORDER.index(s) if s in STATUS_ORDER else len(STATUS_ORDER), s)):
        running, counts = 0, []
        for change in delta[status]:
            running += change
            counts.append(running)
        if any(counts):
            series[status] = counts
    return series


def end_of(day: date, tz: str) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), ZoneInfo(tz))


def sender_status_history(session: Session, sender_id: int, first: date, last: date, tz: str) -> dict[str, list[int]]:
    """The sender's items by status at the end of each day from ``first`` to ``last``."""
    kinds = [ATTEMPT, *STATUS_AFTER]
    rows = session.execute(
        sa.select(ItemEvent.item_id, ItemEvent.occurred_at, ItemEvent.kind, ItemEvent.data)
        .join(Item, Item.id == ItemEvent.item_id)
        .where(Item.sender_id == sender_id, ItemEvent.kind.in_(kinds), ItemEvent.occurred_at < end_of(last, tz))
        .order_by(ItemEvent.item_id, ItemEvent.occurred_at, ItemEvent.id)
    )
    transitions = ((item_id, when, status) for item_id, when, kind, data in rows
                   if (status := status_after(kind, data)) is not None)
    return daily_counts(transitions, first, last, tz)


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
