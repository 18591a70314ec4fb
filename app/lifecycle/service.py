"""The notice lifecycle: start it when a notice is left, record a collection, stop it, and show its dates.

The periodic part (taking the steps that fall due) is :mod:`app.lifecycle.sweep`.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, cast
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.errors import Conflict, NotFound
from app.events import record_event
from app.lifecycle import recipient_actions
from app.lifecycle.alerts import LifecycleOutbox, lifecycle_alert, lifecycle_rows, subscribers_at_addresses
from app.lifecycle.collection import Collector, check_collection_time, check_device_may_collect
from app.models import Attempt, Device, Item, OutboxMessage, PickupPoint
from app.models.bulk import insert_loaded
from app.models.lifecycle import CarrierTask, ItemLifecycle
from app.models.types import iso, utcnow
from notices import lifecycle as rules
from notices.i18n import LANGUAGES
from notices.lifecycle_messages import (
    late_record_sentence,
    repeat_notice_left_email_content,
    repeat_notice_left_sms,
    state_sentence,
)
from notices.profiles import PROFILES
from notices.vocabulary import FINAL_ITEM_STATUSES, CollectionScope, ItemStatus

if TYPE_CHECKING:
    from sqlalchemy.engine import CursorResult

LIFECYCLE_PURPOSES = ("repeat_notice", "collection_reminder")
NOT_ESTABLISHED = ItemStatus.DEEMED_SERVICE_NOT_ESTABLISHED.value
ITEM_STATUS_AT_END = {"deemed_served": "deemed_served", "returned": "returned", NOT_ESTABLISHED: NOT_ESTABLISHED}
EVENT_KIND = {
    rules.REPEAT_NOTICE: "repeat_notice_due",
    rules.REMINDER: "collection_reminder",
    "deemed_served": "deemed_served",
    "returned": "returned_to_sender",
    NOT_ESTABLISHED: NOT_ESTABLISHED,
}

# -- starting, stopping, collecting ----------------------------------------------------------

UNKNOWN = object()  # "the caller has not read the item's lifecycle"

def _lifecycle_of(session: Session, item: Item, known) -> ItemLifecycle | None:
    """The item's lifecycle: ``known`` when the caller already read it (``None`` meaning none), else a query."""
    if known is not UNKNOWN:
        return known
    return session.scalar(sa.select(ItemLifecycle).where(ItemLifecycle.item_id == item.id))


def collection_deadline_for_notice(session: Session, item: Item, notice_at: datetime, tz: str,
                                   current=UNKNOWN) -> datetime:
    """The collection deadline a notice left at ``notice_at`` carries.

    A first notice starts the profile's hold; a repeat notice keeps the running deadline.
    ``current`` is the item's lifecycle when the caller has read it already (``None``: it has none).
    """
    current = _lifecycle_of(session, item, current)
    if current is not None and current.stage in rules.OPEN_STAGES:
        return current.collect_by_at
    return rules.plan(PROFILES[item.service], notice_at, tz).collect_by_at


def start_lifecycle(session: Session, item: Item, attempt: Attempt, *, tz: str, now: datetime,
                    base_url: str, secret: str, current=UNKNOWN) -> tuple[ItemLifecycle, bool]:
    """Give an item its schedule when a notice is left; returns ``(lifecycle, is_repeat_notice)``.

    A later notice for an item whose lifecycle is running keeps the dates of the first notice
    (KPA: 14 days from the *first* notice). Left from the day the repeat notice falls due, it is
    the repeat notice: its time is kept as evidence, the carrier's task is done, and the
    recipient is told it was left (see :func:`record_repeat_notice`). ``current``: as for
    :func:`collection_deadline_for_notice`.
    """
    current = _lifecycle_of(session, item, current)
    if current is not None:
        if current.stage in rules.OPEN_STAGES:
            record_repeat_notice(session, item, current, attempt, tz=tz, now=now, base_url=base_url, secret=secret)
        return current, True
    profile = PROFILES[item.service]
    plan = rules.plan(profile, attempt.occurred_at, tz)
    stage = plan.first_stage()
    action = rules.action_of(stage)
    lifecycle = ItemLifecycle(
        item_id=item.id, profile=profile.code, stage=stage,
        next_action_at=plan.due(action) if action is not None else None,
        notice_attempt_id=attempt.id, carrier_id=attempt.carrier_id, pickup_point_id=attempt.pickup_point_id,
        notice_at=plan.notice_at, first_notice_until=plan.first_notice_until, collect_by=plan.collect_by,
        collect_by_at=plan.collect_by_at, repeat_notice_at=plan.repeat_notice_at, reminder_at=plan.reminder_at,
        end_at=plan.end_at, end_action=plan.end_action, deemed_served_on=plan.deemed_served_on, created_at=now,
    )
    insert_loaded(session, lifecycle)
    record_event(session, item, "lifecycle_started", now, lifecycle_dates(lifecycle))
    return lifecycle, False


def record_repeat_notice(session: Session, item: Item, lifecycle: ItemLifecycle, attempt: Attempt, *, tz: str,
                         now: datetime, base_url: str, secret: str) -> bool:
    """Keep a notice left from the repeat notice's day as the repeat notice; ``True`` if it is one.

    Only the first such notice counts. Writes the event and the "repeat notice was left at
    <time>" alerts in the caller's transaction; a notice left earlier is a second attempt
    within the first-notice period and changes nothing here.
    """
    if lifecycle.repeat_notice_at is None or lifecycle.repeat_notice_done_at is not None:
        return False
    opens, _ = rules.repeat_notice_window(PROFILES[lifecycle.profile], lifecycle.repeat_notice_at, tz)
    if attempt.occurred_at < opens:
        return False
    lifecycle.repeat_notice_done_at = attempt.occurred_at
    _close_tasks(session, item.id, "done", now, attempt_id=attempt.id)
    session.flush()
    record_event(session, item, "repeat_notice_left", now, {
        "attempt_id": attempt.id, "left_at": iso(attempt.occurred_at), "recorded_at": iso(attempt.recorded_at),
        "late": rules.repeat_notice_problem(PROFILES[lifecycle.profile], lifecycle.repeat_notice_at,
                                            attempt.occurred_at, tz) == rules.LATE,
    })
    row = lifecycle_rows(session, [lifecycle.id])[0]
    alert = replace(lifecycle_alert(row, session.get(PickupPoint, row.pickup_point_id), base_url),
                    repeat_notice_left_at=attempt.occurred_at.astimezone(ZoneInfo(tz)).replace(tzinfo=None))
    outbox = LifecycleOutbox()
    subscribers = subscribers_at_addresses(session, [row], base_url, now, secret).get(item.id, ())
    outbox.to_recipients(row, "repeat_notice_left", alert, repeat_notice_left_sms, repeat_notice_left_email_content,
                         now, subscribers)
    session.add_all(OutboxMessage(**message) for message in outbox.rows())
    return True


def stop_lifecycle(session: Session, item: Item, reason: str, *, now: datetime) -> bool:
    """Stop everything pending (the item was delivered, refused…); ``True`` if something was pending."""
    if not _finish(session, item.id, "stopped", now):
        return False
    record_event(session, item, "lifecycle_stopped", now, {"reason": reason})
    return True


def record_collection(session: Session, tracking_number: str, collector: Collector, *, now: datetime,
                      collected_at: datetime | None = None, recorded_by: str | None = None,
                      device: Device | None = None, scope: str = CollectionScope.PICKUP_POINT,
                      max_skew_s: float = 0) -> tuple[Item, bool]:
    """The item was handed over at the counter to ``collector``: stop every pending step. Commits.

    ``device`` is the handheld recording it (``None`` for staff): it must be of the item's
    pickup point or of the carrier that left the notice (403 otherwise, see ``scope``). The
    moment may not precede the notice or the registration, nor follow ``now`` (422 naming
    ``collected_at``). Returns ``(item, newly_collected)``; recording the same collection again
    changes nothing.
    """
    item = session.scalar(sa.select(Item).where(Item.tracking_number == tracking_number))
    if item is None:
        raise NotFound(f"No item {tracking_number} is registered.")
    lifecycle = session.scalar(sa.select(ItemLifecycle).where(ItemLifecycle.item_id == item.id))
    if lifecycle is None:
        raise Conflict(f"Item {tracking_number} has no notice left, so it is not waiting at a pickup point.")
    if device is not None:
        check_device_may_collect(device, lifecycle, scope)
    if lifecycle.stage == "collected":
        session.rollback()
        return item, False
    when = collected_at or now
    check_collection_time(when, item, lifecycle, now, max_skew_s)
    if not _finish(session, item.id, "collected", now, collected_at=when):
        stage = session.scalar(sa.select(ItemLifecycle.stage).where(ItemLifecycle.id == lifecycle.id))
        session.rollback()
        if stage == "collected":
            return item, False
        raise Conflict(f"Item {tracking_number} can no longer be collected: it is {(stage or '').replace('_', ' ')}.")
    item.status = "collected"
    authorisation = recipient_actions.authorised_collector(session, item.id, collector.name,
                                                           collector.id_type.value, collector.id_last_digits)
    record_event(session, item, "collected", when, {
        "collected_by": collector.name, "collector": collector.as_data(), "recorded_by": recorded_by,
        "recorded_at": iso(now),
        **({"authorised_by_recipient": authorisation} if authorisation else {}),
    })
    session.commit()
    return item, True


def _finish(session: Session, item_id: int, stage: str, now: datetime, collected_at: datetime | None = None) -> bool:
    """Compare-and-set an open lifecycle to a final stage, cancelling its tasks and queued alerts."""
    values = {"stage": stage, "next_action_at": None, "ended_at": now}
    if collected_at is not None:
        values["collected_at"] = collected_at
    session.flush()
    result = session.execute(
        sa.update(ItemLifecycle)
        .where(ItemLifecycle.item_id == item_id, ItemLifecycle.stage.in_(rules.OPEN_STAGES))
        .values(**values).execution_options(synchronize_session=False)
    )
    claimed = cast("CursorResult[tuple[()]]", result).rowcount  # an UPDATE's result has a row count
    if not claimed:
        return False
    _close_tasks(session, item_id, "cancelled", now)
    session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.item_id == item_id, OutboxMessage.purpose.in_(LIFECYCLE_PURPOSES),
               OutboxMessage.status == "queued")
        .values(status="cancelled", updated_at=now).execution_options(synchronize_session=False)
    )
    for obj in list(session.identity_map.values()):  # what the UPDATEs changed, read again when used
        if isinstance(obj, (ItemLifecycle, CarrierTask, OutboxMessage)):
            session.expire(obj)
    return True


def _close_tasks(session: Session, item_id: int, status: str, now: datetime, attempt_id: int | None = None) -> None:
    session.execute(
        sa.update(CarrierTask).where(CarrierTask.item_id == item_id, CarrierTask.status == "open")
        .values(status=status, closed_at=now, attempt_id=attempt_id).execution_options(synchronize_session=False)
    )


# -- what everyone sees --------------------------------------------------------------------

# What :func:`lifecycle_dates` reports, in order (a sweep also keys its per-batch cache on them).
DATE_FIELDS = ("profile", "notice_at", "first_notice_until", "repeat_notice_at", "reminder_at", "collect_by",
               "collect_by_at", "end_action", "deemed_served_on")


def _plain(value):
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def lifecycle_dates(lc: ItemLifecycle | sa.Row) -> dict:
    """The dates of a lifecycle (its model, or a row of :func:`~app.lifecycle.alerts.lifecycle_rows`):
    each of :data:`DATE_FIELDS`, moments in RFC 3339 UTC and days as ISO dates."""
    return {name: _plain(getattr(lc, name)) for name in DATE_FIELDS}


def item_deadlines(session: Session, item: Item, *, tz: str, late_record_tolerance_s: float,
                   now: datetime | None = None) -> dict | None:
    """The item's dates in plain data and, in ``text``, where it stands at ``now`` in plain words
    (Polish and English); ``None`` before a notice.

    ``collect_by`` is the last local day to collect; ``deemed_served_on`` the day service is
    deemed made if the item is not collected (official letters only, else ``None``).
    ``conditional`` is true while those dates are still conditions (the last day has not
    passed and nothing ended the cycle); afterwards the text says what happened. A notice
    recorded more than ``late_record_tolerance_s`` after its time says so, with both times in ``tz``.
    """
    lc = session.scalar(sa.select(ItemLifecycle).where(ItemLifecycle.item_id == item.id))
    if lc is None:
        return None
    not_established = item.status == NOT_ESTABLISHED
    zone = ZoneInfo(tz)
    today = (now or utcnow()).astimezone(zone).date()
    collected_on = lc.collected_at.astimezone(zone).date() if lc.collected_at else None
    text = {lang: state_sentence(lang, item.status, lc.collect_by, lc.deemed_served_on, today, collected_on)
            for lang in LANGUAGES}
    conditional = item.status == "awaiting_collection" and today <= lc.collect_by
    recorded_at = session.scalar(sa.select(Attempt.recorded_at).where(Attempt.id == lc.notice_attempt_id))
    if recorded_at is not None and (recorded_at - lc.notice_at).total_seconds() > late_record_tolerance_s:
        claimed, seen = (t.astimezone(zone).replace(tzinfo=None) for t in (lc.notice_at, recorded_at))
        text = {lang: f"{sentence} {late_record_sentence(lang, claimed, seen)}" for lang, sentence in text.items()}
    return {
        **lifecycle_dates(lc),
        "stage": lc.stage,
        "next_action_at": iso(lc.next_action_at),
        "collected_at": iso(lc.collected_at),
        "ended_at": iso(lc.ended_at),
        "notice_recorded_at": iso(recorded_at),
        "repeat_notice_left_at": iso(lc.repeat_notice_done_at),
        "deemed_service": None if lc.deemed_served_on is None else (
            "not_established" if not_established else "established" if item.status == "deemed_served" else "pending"),
        "conditional": conditional,
        "text": text,
    }


def open_tasks(session: Session, carrier_id: int, *, tz: str, now: datetime | None = None) -> list[dict]:
    """The carrier's open tasks (repeat notices to leave, redeliveries), oldest first, for the handheld.

    Only items still waiting at a pickup point: a collected, returned or closed item has no task.
    A redelivery the recipient asked for joins the list on its day.
    """
    day_end = recipient_actions.end_of_day(now or datetime.now(ZoneInfo(tz)), tz)
    rows = session.execute(
        sa.select(CarrierTask, Item, ItemLifecycle, PickupPoint)
        .join(Item, Item.id == CarrierTask.item_id)
        .join(ItemLifecycle, ItemLifecycle.item_id == CarrierTask.item_id)
        .outerjoin(PickupPoint, PickupPoint.id == ItemLifecycle.pickup_point_id)
        .where(CarrierTask.carrier_id == carrier_id, CarrierTask.status == "open",
               recipient_actions.due_before(day_end), ItemLifecycle.stage.in_(rules.OPEN_STAGES),
               Item.status.not_in([s.value for s in FINAL_ITEM_STATUSES]))
        .order_by(CarrierTask.due_at, CarrierTask.id)
    ).all()
    return [{
        "id": task.id,
        "kind": task.kind,
        "due_at": iso(task.due_at),
        "tracking_number": item.tracking_number,
        "service": item.service,
        "recipient": {"name": item.recipient_name, "address": {
            "line1": item.address_line1, "line2": item.address_line2,
            "postal_code": item.postal_code, "city": item.city, "country": item.country}},
        "pickup_point": None if pickup is None else {"code": pickup.code, "name": pickup.name,
                                                     "address": pickup.address},
        "collect_by": lc.collect_by.isoformat(),
        "deemed_served_on": lc.deemed_served_on.isoformat() if lc.deemed_served_on else None,
    } for task, item, lc, pickup in rows]
