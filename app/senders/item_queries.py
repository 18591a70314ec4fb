"""Finding a sender's items: search, filters, pages.

One query builder serves the API list endpoint, the portal list and the bulk proof download,
so the same filters mean the same thing everywhere and always stay within one sender.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.errors import Problem
from app.models import Item, OutboxMessage
from app.models.types import iso
from notices.vocabulary import ItemStatus, MessageStatus

STATUSES = tuple(s.value for s in ItemStatus)
FAILED_ALERT_STATUSES = (MessageStatus.FAILED.value, MessageStatus.UNDELIVERED.value)
MAX_PER_PAGE = 200


@dataclass(frozen=True)
class ItemFilters:
    q: str | None = None
    statuses: tuple[str, ...] = ()
    registered_from: date | None = None
    registered_to: date | None = None
    deadline_within_days: int | None = None
    alerts_failed: bool = False


def parse_filters(args, problem: Problem) -> ItemFilters:
    """Read filters from query arguments (a MultiDict), naming each bad parameter."""
    statuses = tuple(s for value in args.getlist("status") for s in value.split(",") if s)
    for status in statuses:
        if status not in STATUSES:
            problem.add("status", f"must be one of: {', '.join(STATUSES)}")
            break

    def day(name):
        value = (args.get(name) or "").strip()
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            problem.add(name, "must be a date (YYYY-MM-DD)")
            return None

    deadline = (args.get("deadline_within_days") or "").strip()
    days = None
    if deadline:
        if not deadline.isdigit() or not 0 <= int(deadline) <= 365:
            problem.add("deadline_within_days", "must be a whole number of days from 0 to 365")
        else:
            days = int(deadline)
    failed = (args.get("alerts_failed") or "").strip().lower()
    if failed not in ("", "true", "false", "1", "0", "on"):
        problem.add("alerts_failed", "must be true or false")
    q = (args.get("q") or "").strip()[:100] or None
    return ItemFilters(q=q, statuses=statuses, registered_from=day("registered_from"),
                       registered_to=day("registered_to"), deadline_within_days=days,
                       alerts_failed=failed in ("true", "1", "on"))


def parse_page(args, problem: Problem, default_per_page: int = 50) -> tuple[int, int]:
    def number(name, default, low, high):
        raw = (args.get(name) or "").strip()
        if not raw:
            return default
        if not raw.isdigit() or not low <= int(raw) <= high:
            problem.add(name, f"must be a whole number from {low} to {high}")
            return default
        return int(raw)

    return number("page", 1, 1, 1_000_000), number("per_page", default_per_page, 1, MAX_PER_PAGE)


def start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def items_query(sender_id: int, filters: ItemFilters, now: datetime) -> sa.Select:
    query = sa.select(Item).where(Item.sender_id == sender_id)
    if filters.q:
        text = filters.q
        like = f"%{text.replace('%', '').replace('_', '')}%".lower()
        query = query.where(sa.or_(
            Item.tracking_number == text.replace(" ", "").upper(),
            sa.func.lower(Item.sender_reference).like(like),
            sa.func.lower(Item.recipient_name).like(like),
        ))
    if filters.statuses:
        query = query.where(Item.status.in_(filters.statuses))
    if filters.registered_from:
        query = query.where(Item.created_at >= start_of(filters.registered_from))
    if filters.registered_to:
        query = query.where(Item.created_at < start_of(filters.registered_to + timedelta(days=1)))
    if filters.deadline_within_days is not None:
        query = query.where(Item.collect_by_at >= now,
                            Item.collect_by_at <= now + timedelta(days=filters.deadline_within_days))
    if filters.alerts_failed:
        query = query.where(sa.exists().where(
            OutboxMessage.item_id == Item.id, OutboxMessage.channel.in_(("sms", "email")),
            OutboxMessage.status.in_(FAILED_ALERT_STATUSES)))
    return query


def find_items(session: Session, sender_id: int, filters: ItemFilters, now: datetime, *,
               page: int = 1, per_page: int = 50) -> tuple[list[Item], int]:
    """One page of the sender's items, newest first, and how many match in all."""
    query = items_query(sender_id, filters, now)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())) or 0
    items = session.scalars(query.order_by(Item.created_at.desc(), Item.id.desc())
                            .limit(per_page).offset((page - 1) * per_page)).all()
    return list(items), total


def failed_alert_item_ids(session: Session, item_ids: list[int]) -> set[int]:
    if not item_ids:
        return set()
    return set(session.scalars(sa.select(OutboxMessage.item_id).where(
        OutboxMessage.item_id.in_(item_ids), OutboxMessage.channel.in_(("sms", "email")),
        OutboxMessage.status.in_(FAILED_ALERT_STATUSES))))


def summary_data(item: Item, base_url: str, alerts_failed: bool = False) -> dict:
    """The short form of an item used in lists."""
    return {
        "tracking_number": item.tracking_number,
        "service": item.service,
        "status": item.status,
        "sender_reference": item.sender_reference,
        "recipient": {"name": item.recipient_name, "city": item.city, "country": item.country},
        "registered_at": iso(item.created_at),
        "collect_by": iso(item.collect_by_at),
        "alerts_failed": alerts_failed,
        "verify_url": f"{base_url}/v/{item.verify_token}",
    }

