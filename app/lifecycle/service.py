"""The notice lifecycle: start it when a notice is left, act when steps fall due, stop it.

:func:`sweep` is run periodically by the scheduler. It finds due items through the partial
index on ``item_lifecycles.next_action_at`` and, in batches of one transaction each, claims a
step by a conditional UPDATE on ``stage`` and writes everything that step causes — the
carrier's task, the outbox messages (unique dedupe keys), the item's new status and the item
events — in that same transaction. On PostgreSQL only one sweeper works at a time (a
transaction-level advisory lock) and locked rows are skipped, so several workers may run; a
worker that dies mid-batch leaves nothing behind (its transaction rolls back, the lock goes
with its connection) and the next sweep takes the batch again. On SQLite one worker is the
supported set-up.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from notices import lifecycle as rules
from notices.lifecycle_messages import (
    deadline_sentence, reminder_email_content, reminder_sms, repeat_notice_email_content, repeat_notice_sms,
)
from notices.profiles import PROFILES
from app.models import Attempt, Item, OutboxMessage, PickupPoint, Sender
from app.models.lifecycle import CarrierTask, ItemLifecycle
from app.models.types import iso
from app import events as item_events
from app.errors import Conflict, NotFound
from app.events import record_event
from app.lifecycle.alerts import LifecycleOutbox, lifecycle_alert, subscribers_at_addresses

SWEEP_LOCK_KEY = 0x4177697A6F4C6331  # "AwizoLc1": one sweeper at a time on PostgreSQL
LIFECYCLE_PURPOSES = ("repeat_notice", "collection_reminder")
ITEM_STATUS_AT_END = {"deemed_served": "deemed_served", "returned": "returned"}
EVENT_KIND = {
    rules.REPEAT_NOTICE: "repeat_notice_due",
    rules.REMINDER: "collection_reminder",
    "deemed_served": "deemed_served",
    "returned": "returned_to_sender",
}





# -- starting, stopping, collecting ----------------------------------------------------------

def collection_deadline_for_notice(session: Session, item: Item, notice_at: datetime, tz: str) -> datetime:
    """The collection deadline a notice left at ``notice_at`` carries.

    A first notice starts the profile's hold; a repeat notice keeps the running deadline.
    """
    current = session.scalar(sa.select(ItemLifecycle).where(ItemLifecycle.item_id == item.id,
                                                            ItemLifecycle.stage.in_(rules.OPEN_STAGES)))
    if current is not None:
        return current.collect_by_at
    return rules.plan(PROFILES[item.service], notice_at, tz).collect_by_at


def start_lifecycle(session: Session, item: Item, attempt: Attempt, *, tz: str, now: datetime) -> tuple[ItemLifecycle, bool]:
    """Give an item its schedule when a notice is left; returns ``(lifecycle, is_repeat_notice)``.

    A later notice for an item whose lifecycle is running is its repeat notice: the dates stay
    those of the first notice (KPA: 14 days from the *first* notice) and the carrier's task is done.
    """
    current = session.scalar(sa.select(ItemLifecycle).where(ItemLifecycle.item_id == item.id))
    if current is not None:
        if current.stage in rules.OPEN_STAGES:
            _close_tasks(session, item.id, "done", now, attempt_id=attempt.id)
        return current, True
    profile = PROFILES[item.service]
    plan = rules.plan(profile, attempt.occurred_at, tz)
    stage = plan.first_stage()
    lifecycle = ItemLifecycle(
        item_id=item.id, profile=profile.code, stage=stage,
        next_action_at=plan.due(rules.action_of(stage)),
        notice_attempt_id=attempt.id, carrier_id=attempt.carrier_id, pickup_point_id=attempt.pickup_point_id,
        notice_at=plan.notice_at, first_notice_until=plan.first_notice_until, collect_by=plan.collect_by,
        collect_by_at=plan.collect_by_at, repeat_notice_at=plan.repeat_notice_at, reminder_at=plan.reminder_at,
        end_at=plan.end_at, end_action=plan.end_action, deemed_served_on=plan.deemed_served_on, created_at=now,
    )
    session.add(lifecycle)
    session.flush()
    record_event(session, item, "lifecycle_started", now, _dates(lifecycle))
    return lifecycle, False


def stop_lifecycle(session: Session, item: Item, reason: str, *, now: datetime) -> bool:
    """Stop everything pending (the item was delivered, refused…); ``True`` if something was pending."""
    if not _finish(session, item.id, "stopped", now):
        return False
    record_event(session, item, "lifecycle_stopped", now, {"reason": reason})
    return True


def record_collection(session: Session, tracking_number: str, *, now: datetime, collected_at: datetime | None = None,
                      collected_by: str | None = None, recorded_by: str | None = None) -> tuple[Item, bool]:
    """The item was handed over at the counter: stop every pending step. Commits.

    Returns ``(item, newly_collected)``; recording the same collection again changes nothing.
    """
    item = session.scalar(sa.select(Item).where(Item.tracking_number == tracking_number))
    if item is None:
        raise NotFound(f"No item {tracking_number} is registered.")
    lifecycle = session.scalar(sa.select(ItemLifecycle).where(ItemLifecycle.item_id == item.id))
    if lifecycle is None:
        raise Conflict(f"Item {tracking_number} has no notice left, so it is not waiting at a pickup point.")
    if lifecycle.stage == "collected":
        session.rollback()
        return item, False
    when = collected_at or now
    if not _finish(session, item.id, "collected", now, collected_at=when):
        stage = session.scalar(sa.select(ItemLifecycle.stage).where(ItemLifecycle.id == lifecycle.id))
        session.rollback()
        if stage == "collected":
            return item, False
        raise Conflict(f"Item {tracking_number} can no longer be collected: it is {stage.replace('_', ' ')}.")
    item.status = "collected"
    record_event(session, item, "collected", when, {
        "collected_by": collected_by, "recorded_by": recorded_by, "recorded_at": iso(now),
    })
    session.commit()
    return item, True


def _finish(session: Session, item_id: int, stage: str, now: datetime, collected_at: datetime | None = None) -> bool:
    """Compare-and-set an open lifecycle to a final stage, cancelling its tasks and queued alerts."""
    values = {"stage": stage, "next_action_at": None, "ended_at": now}
    if collected_at is not None:
        values["collected_at"] = collected_at
    session.flush()
    claimed = session.execute(
        sa.update(ItemLifecycle)
        .where(ItemLifecycle.item_id == item_id, ItemLifecycle.stage.in_(rules.OPEN_STAGES))
        .values(**values).execution_options(synchronize_session=False)
    ).rowcount
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


# -- the sweep -----------------------------------------------------------------------------

@dataclass
class SweepResult:
    actions: Counter = field(default_factory=Counter)
    batches: int = 0
    seconds: Counter = field(default_factory=Counter)
    """Time spent per phase (select, claim, build, write, events, commit), for the benchmark."""
    locked_out: bool = False

    @property
    def total(self) -> int:
        return sum(self.actions.values())


def sweep(session: Session, *, now: datetime, tz: str, base_url: str, batch_size: int = 1000,
          max_batches: int | None = None, exclusive: bool = True) -> SweepResult:
    """Take every lifecycle step due at ``now``, each exactly once; one transaction per batch.

    Steps that fell due together (a worker was down) are taken in order within the same sweep.
    Returns what was done; ``locked_out`` if another worker holds the sweep lock. Correctness
    does not rest on that lock (rows are claimed with ``SKIP LOCKED`` and a conditional UPDATE);
    ``exclusive=False`` skips it, which the tests use to show exactly that.
    """
    result = SweepResult()
    postgres = session.get_bind().dialect.name == "postgresql"
    while max_batches is None or result.batches < max_batches:
        if postgres and exclusive and not session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(SWEEP_LOCK_KEY))):
            session.rollback()
            result.locked_out = True
            return result
        clock = time.perf_counter()
        due = session.execute(
            sa.select(ItemLifecycle.id, ItemLifecycle.stage)
            .where(ItemLifecycle.next_action_at <= now)
            .order_by(ItemLifecycle.next_action_at)
            .limit(batch_size)
            .with_for_update(skip_locked=True)
        ).all()
        clock = _tick(result.seconds, "select", clock)
        if not due:
            session.rollback()
            return result
        claimed = _claim(session, due, now)
        clock = _tick(result.seconds, "claim", clock)
        _act(session, claimed, now=now, base_url=base_url, counts=result.actions, seconds=result.seconds)
        clock = time.perf_counter()
        session.commit()
        _tick(result.seconds, "commit", clock)
        result.batches += 1
    return result


def _tick(seconds: Counter, phase: str, since: float) -> float:
    now = time.perf_counter()
    seconds[phase] += now - since
    return now


def _claim(session: Session, due, now: datetime) -> list[tuple[ItemLifecycle, str]]:
    """Move each due lifecycle one step on, only if it is still in the stage we read (CAS)."""
    by_stage: dict[str, list[int]] = {}
    for row in due:
        by_stage.setdefault(row.stage, []).append(row.id)
    L = ItemLifecycle
    claimed_ids: dict[int, str] = {}
    for stage, ids in by_stage.items():
        action = rules.action_of(stage)
        if action == rules.REPEAT_NOTICE:
            values = {"stage": sa.case((L.reminder_at.is_not(None), "awaiting_reminder"), else_="awaiting_end"),
                      "next_action_at": sa.func.coalesce(L.reminder_at, L.end_at), "repeat_notice_done_at": now}
        elif action == rules.REMINDER:
            values = {"stage": "awaiting_end", "next_action_at": L.end_at, "reminder_done_at": now}
        else:
            values = {"stage": L.end_action, "next_action_at": None, "ended_at": now}
        rows = session.execute(
            sa.update(L).where(L.id.in_(ids), L.stage == stage, L.next_action_at <= now)
            .values(**values).returning(L.id).execution_options(synchronize_session=False)
        ).scalars().all()
        claimed_ids.update((i, action) for i in rows)
    if not claimed_ids:
        return []
    contact = getattr(Sender, "contact_email", sa.null())
    rows = session.execute(
        sa.select(L.id, L.item_id, L.profile, L.carrier_id, L.pickup_point_id, L.notice_at, L.first_notice_until,
                  L.collect_by, L.collect_by_at, L.repeat_notice_at, L.reminder_at, L.end_action, L.deemed_served_on,
                  Item.tracking_number, Item.verify_token, Item.language, Item.recipient_phone, Item.recipient_email,
                  Item.sender_reference, Item.address_line1, Item.address_line2, Item.postal_code, Item.city,
                  Item.country, Sender.name.label("sender_name"), contact.label("sender_email"))
        .join(Item, Item.id == L.item_id).join(Sender, Sender.id == Item.sender_id)
        .where(L.id.in_(list(claimed_ids))).order_by(L.id)
    ).all()
    return [(row, claimed_ids[row.id]) for row in rows]


def _act(session: Session, claimed: list[tuple[sa.Row, str]], *, now, base_url, counts: Counter,
         seconds: Counter) -> None:
    """Write what each claimed step causes: tasks, outbox messages, statuses, events."""
    if not claimed:
        return
    clock = time.perf_counter()
    pickups = {p.id: p for p in session.scalars(
        sa.select(PickupPoint).where(PickupPoint.id.in_({lc.pickup_point_id for lc, _ in claimed}))
    )}
    tasks, events, ended = [], [], {}
    messages = LifecycleOutbox()
    subscribers = subscribers_at_addresses(session, [lc for lc, action in claimed if action != rules.END], base_url, now)
    for lc, action in claimed:
        alert = lifecycle_alert(lc, pickups.get(lc.pickup_point_id), base_url)
        data = _dates(lc)
        if action == rules.REPEAT_NOTICE:
            if lc.carrier_id is not None:
                tasks.append({"item_id": lc.item_id, "carrier_id": lc.carrier_id, "kind": "repeat_notice",
                              "status": "open", "due_at": lc.repeat_notice_at, "created_at": now})
            messages.to_recipients(lc, "repeat_notice", alert, repeat_notice_sms, repeat_notice_email_content, now,
                                   subscribers.get(lc.item_id, ()))
            kind = EVENT_KIND[action]
        elif action == rules.REMINDER:
            if now >= lc.collect_by_at:  # too late to remind; say so in the record instead
                kind, data = "collection_reminder_skipped", {**data, "reason": "collection deadline already passed"}
            else:
                messages.to_recipients(lc, "collection_reminder", alert, reminder_sms, reminder_email_content, now,
                                       subscribers.get(lc.item_id, ()))
                kind = EVENT_KIND[action]
        else:
            kind = EVENT_KIND[lc.end_action]
            ended[lc.item_id] = ITEM_STATUS_AT_END[lc.end_action]
            messages.to_sender(lc, alert, now)
        counts[kind] += 1
        events.append({"item_id": lc.item_id, "kind": kind, "occurred_at": now, "data": data})
    clock = _tick(seconds, "build", clock)
    _insert_ignore(session, CarrierTask, ["item_id", "kind"], tasks)
    _insert_ignore(session, OutboxMessage, ["dedupe_key"], messages.rows())
    for status in set(ended.values()):
        session.execute(
            sa.update(Item).where(Item.id.in_([i for i, s in ended.items() if s == status]),
                                  Item.status == "awaiting_collection")
            .values(status=status).execution_options(synchronize_session=False)
        )
    _tick(seconds, "write", clock)
    _record_events(session, events, seconds)


def _record_events(session: Session, events: list[dict], seconds: Counter) -> None:
    """Record the batch's events with :func:`app.events.record_events`.

    One INSERT for all of them, then the item-event listeners (the transparency log and the
    sender callbacks take the whole batch at once where they can).
    """
    if not events:
        return
    clock = time.perf_counter()
    items = {i.id: i for i in session.scalars(
        sa.select(Item).where(Item.id.in_([e["item_id"] for e in events])).options(selectinload(Item.sender)))}
    item_events.record_events(session, [(items[e["item_id"]], e["kind"], e["occurred_at"], e["data"]) for e in events])
    _tick(seconds, "events", clock)


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _insert_ignore(session: Session, model, conflict_columns: list[str], rows: list[dict]) -> None:
    """Insert many rows in one statement, skipping rows whose unique key exists.

    PostgreSQL: ``INSERT … SELECT FROM unnest(arrays)`` (one round trip, a few parameters);
    SQLite: an executemany.
    """
    if not rows:
        return
    table = model.__table__
    if not _postgres(session):
        from sqlalchemy.dialects.sqlite import insert

        session.execute(insert(model).on_conflict_do_nothing(index_elements=conflict_columns), rows)
        return
    dialect = session.get_bind().dialect
    columns = list(rows[0])
    arrays = ", ".join(f"%(c{i})b::{table.c[c].type.compile(dialect=dialect)}[]" for i, c in enumerate(columns))
    sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT * FROM unnest({arrays}) "
           f"ON CONFLICT ({', '.join(conflict_columns)}) DO NOTHING")
    params = {f"c{i}": [row[c] for row in rows] for i, c in enumerate(columns)}
    for i, c in enumerate(columns):
        if isinstance(table.c[c].type, sa.JSON):
            from psycopg.types.json import Json

            params[f"c{i}"] = [None if v is None else Json(v) for v in params[f"c{i}"]]
    session.connection().exec_driver_sql(sql, params)


# -- what everyone sees --------------------------------------------------------------------

def _dates(lc: ItemLifecycle) -> dict:
    return {
        "profile": lc.profile,
        "notice_at": iso(lc.notice_at),
        "first_notice_until": lc.first_notice_until.isoformat(),
        "repeat_notice_at": iso(lc.repeat_notice_at),
        "reminder_at": iso(lc.reminder_at),
        "collect_by": lc.collect_by.isoformat(),
        "collect_by_at": iso(lc.collect_by_at),
        "end_action": lc.end_action,
        "deemed_served_on": lc.deemed_served_on.isoformat() if lc.deemed_served_on else None,
    }


def item_deadlines(session: Session, item: Item) -> dict | None:
    """The item's dates in plain data and plain words (Polish and English); ``None`` before a notice.

    ``collect_by`` is the last local day to collect; ``deemed_served_on`` the day service is
    deemed made if the item is not collected (official letters only, else ``None``).
    """
    lc = session.scalar(sa.select(ItemLifecycle).where(ItemLifecycle.item_id == item.id))
    if lc is None:
        return None
    return {
        **_dates(lc),
        "stage": lc.stage,
        "next_action_at": iso(lc.next_action_at),
        "collected_at": iso(lc.collected_at),
        "ended_at": iso(lc.ended_at),
        "text": {lang: deadline_sentence(lang, lc.collect_by, lc.deemed_served_on) for lang in ("pl", "en")},
    }


def open_tasks(session: Session, carrier_id: int) -> list[dict]:
    """The carrier's open tasks (repeat notices to leave), oldest first, for the handheld."""
    rows = session.execute(
        sa.select(CarrierTask, Item, ItemLifecycle, PickupPoint)
        .join(Item, Item.id == CarrierTask.item_id)
        .join(ItemLifecycle, ItemLifecycle.item_id == CarrierTask.item_id)
        .outerjoin(PickupPoint, PickupPoint.id == ItemLifecycle.pickup_point_id)
        .where(CarrierTask.carrier_id == carrier_id, CarrierTask.status == "open")
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
