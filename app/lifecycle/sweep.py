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

import gc
import operator
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from psycopg.errors import UniqueViolation
from sqlalchemy.orm import Session

from app import events as item_events
from app.lifecycle.alerts import (
    LifecycleOutbox,
    lifecycle_alert,
    lifecycle_columns,
    lifecycle_rows,
    sender_admin_emails,
    subscribers_at_addresses,
)
from app.lifecycle.item_rows import load_item_rows
from app.lifecycle.service import DATE_FIELDS, EVENT_KIND, ITEM_STATUS_AT_END, NOT_ESTABLISHED, lifecycle_dates
from app.models import Item, OutboxMessage, PickupPoint, Sender, bulk
from app.models.bulk import insert_rows
from app.models.lifecycle import CarrierTask, ItemLifecycle
from app.models.types import iso
from app.recipients.pickup_points import PickupWords, describe_pickup
from notices import lifecycle as rules
from notices.lifecycle_messages import (
    deemed_served_email_content,
    deemed_served_sms,
    reminder_email_content,
    reminder_sms,
    repeat_notice_email_content,
    repeat_notice_sms,
)
from notices.profiles import PROFILES

SWEEP_LOCK_KEY = 0x4177697A6F4C6331  # "AwizoLc1": one sweeper at a time on PostgreSQL


# -- the sweep -----------------------------------------------------------------------------

@dataclass
class SweepResult:
    actions: Counter[str] = field(default_factory=Counter)
    batches: int = 0
    seconds: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    """Time spent per phase (select, claim, build, write, events, commit), for the benchmark."""
    locked_out: bool = False

    @property
    def total(self) -> int:
        return sum(self.actions.values())


def sweep(session: Session, *, now: datetime, tz: str, base_url: str, secret: str, batch_size: int = 1000,
          max_batches: int | None = None, exclusive: bool = True, connections: int = 1) -> SweepResult:
    """Take every lifecycle step due at ``now``, each exactly once; one transaction per batch.

    Steps that fell due together (a worker was down) are taken in order within the same sweep.
    Returns what was done; ``locked_out`` if another worker holds the sweep lock. Correctness
    does not rest on that lock (rows are claimed with ``SKIP LOCKED`` and a conditional UPDATE);
    ``exclusive=False`` skips it, which the tests use to show exactly that. On PostgreSQL,
    ``connections`` > 1 takes batches on that many connections at once (:func:`_on_connections`);
    ``max_batches`` then bounds each connection's batches.
    """
    result = SweepResult()
    postgres = session.get_bind().dialect.name == "postgresql"
    if not _anything_due(session, now):
        session.rollback()
        return result
    if postgres and connections > 1:
        return _on_connections(session, connections, exclusive, now=now, tz=tz, base_url=base_url, secret=secret,
                               batch_size=batch_size, max_batches=max_batches)
    while max_batches is None or result.batches < max_batches:
        if postgres and exclusive and not session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(SWEEP_LOCK_KEY))):
            session.rollback()
            result.locked_out = True
            return result
        clock = time.perf_counter()
        due = session.execute(
            sa.select(ItemLifecycle.id, ItemLifecycle.stage)
            .where(ItemLifecycle.next_action_at <= now)
            # A final stage left with a time (an edit by hand) is no step; unfiltered, it would be
            # selected again in every batch and the sweep would never get past it.
            .where(ItemLifecycle.stage.in_(rules.OPEN_STAGES))
            .order_by(ItemLifecycle.next_action_at)
            .limit(batch_size)
            .with_for_update(skip_locked=True)
        ).all()
        clock = _tick(result.seconds, "select", clock)
        if not due:
            session.rollback()
            return result
        with _collecting_after():
            claimed = _claim(session, due, now)
            clock = _tick(result.seconds, "claim", clock)
            _act(session, claimed, now=now, tz=tz, base_url=base_url, secret=secret, counts=result.actions,
                 seconds=result.seconds)
            clock = time.perf_counter()
            session.commit()
            _tick(result.seconds, "commit", clock)
        result.batches += 1
    return result


def _on_connections(session: Session, connections: int, exclusive: bool, **sweeping) -> SweepResult:
    """The sweep with its batches taken on ``connections`` connections at once, a thread each.

    A batch waits for the database about half of its time (its claim, its rows being stored, its
    commit); meanwhile another connection's batch is being built. Each thread runs the sweep on
    its own connection without the per-batch lock: rows are claimed with ``SKIP LOCKED`` and a
    conditional UPDATE, so no step is taken twice, and a lifecycle whose next step is due as well
    is taken by a later batch, once the batch holding its row has committed. Other sweepers are
    kept out for the whole sweep by the same advisory lock, held on the caller's connection
    until every thread is done. A thread's failure is raised once the others have finished
    (what they committed stays; the failed batch is taken again by the next sweep).
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    engine = session.get_bind()
    result = SweepResult()
    connection = session.connection()
    if exclusive and not connection.scalar(sa.select(sa.func.pg_try_advisory_lock(SWEEP_LOCK_KEY))):
        session.rollback()
        result.locked_out = True
        return result

    def sweep_on_own_connection() -> SweepResult:
        with app.app_context(), Session(bind=engine) as own:
            return sweep(own, exclusive=False, **sweeping)

    try:
        # The collector is held off for the whole sweep, not per batch: with batches overlapping,
        # one thread's batch ending would turn it back on in the middle of another's.
        with _collecting_after(), ThreadPoolExecutor(connections, thread_name_prefix="awizo-sweep") as pool:
            parts = [pool.submit(sweep_on_own_connection) for _ in range(connections)]
        for part in (future.result() for future in parts):
            result.actions.update(part.actions)
            result.batches += part.batches
            for phase, seconds in part.seconds.items():  # summed over the connections
                result.seconds[phase] += seconds
    finally:
        if exclusive:
            connection.scalar(sa.select(sa.func.pg_advisory_unlock(SWEEP_LOCK_KEY)))
        session.rollback()
    return result


@contextmanager
def _collecting_after() -> Iterator[None]:
    """Python's cyclic garbage collector held off while a batch is built and written.

    A batch makes some hundred thousand short-lived objects (rows, strings, dicts), freed by
    their reference counts; the collector, triggered by their number alone, would walk them
    and every long-lived object of the process again and again for little garbage. What a
    batch leaves in cycles is collected as soon as the collector is back on."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _anything_due(session: Session, now: datetime) -> bool:
    """Whether any step is due, read from the partial index alone (no row lock, no table access):
    the sweep that finds nothing, most of them, costs one index probe."""
    return session.scalar(sa.select(ItemLifecycle.next_action_at).where(
        ItemLifecycle.next_action_at.is_not(None), ItemLifecycle.next_action_at <= now).limit(1)) is not None


def _tick(seconds: defaultdict[str, float], phase: str, since: float) -> float:
    now = time.perf_counter()
    seconds[phase] += now - since
    return now


def _claim(session: Session, due, now: datetime) -> list[tuple[sa.Row, str]]:
    """Move each due lifecycle one step on, only if it is still in the stage we read (CAS).

    The UPDATE of each stage returns the claimed rows with what their alerts need of the item and
    the sender (:func:`~app.lifecycle.alerts.lifecycle_columns`, joined in ``UPDATE … FROM``), so
    on PostgreSQL the claim and the read of its rows are one statement. SQLite's RETURNING cannot
    name the joined tables, so there the claimed ids are read by :func:`lifecycle_rows`. The rows
    come back in id order either way.
    """
    by_stage: dict[str, list[int]] = {}
    for row in due:
        by_stage.setdefault(row.stage, []).append(row.id)
    L = ItemLifecycle
    joined = session.get_bind().dialect.name == "postgresql"  # SQLite returns only the updated table's columns
    claimed: list[tuple[sa.Row, str]] = []
    for stage, ids in by_stage.items():
        action = rules.action_of(stage)
        if action is None:  # a final stage has no next action, so it is never due
            continue
        values: dict[str, object]
        if action == rules.REPEAT_NOTICE:
            values = {"stage": sa.case((L.reminder_at.is_not(None), "awaiting_reminder"), else_="awaiting_end"),
                      "next_action_at": sa.func.coalesce(L.reminder_at, L.end_at)}
        elif action == rules.REMINDER:
            values = {"stage": "awaiting_end", "next_action_at": L.end_at, "reminder_done_at": now}
        else:
            values = {"stage": L.end_action, "next_action_at": None, "ended_at": now}
        claim = sa.update(L).where(L.id.in_(ids), L.stage == stage, L.next_action_at <= now).values(**values)
        if joined:
            moved = session.execute(claim.where(Item.id == L.item_id, Sender.id == Item.sender_id)
                                    .returning(*lifecycle_columns()).execution_options(synchronize_session=False)).all()
        else:
            moved = lifecycle_rows(session, session.execute(
                claim.returning(L.id).execution_options(synchronize_session=False)).scalars().all())
        claimed.extend((row, action) for row in moved)
    claimed.sort(key=lambda pair: pair[0].id)
    return claimed


def _act(session: Session, claimed: list[tuple[sa.Row, str]], *, now, tz, base_url, secret: str, counts: Counter[str],
         seconds: defaultdict[str, float]) -> None:
    """Write what each claimed step causes: tasks, outbox messages, statuses, events.

    A repeat notice falling due becomes the carrier's task and a "repeat notice is due" alert
    (unless the carrier already left it). At the end, an official letter is deemed served only
    when its repeat notice is evidenced; otherwise it is ``deemed_service_not_established``.
    """
    if not claimed:
        return
    clock = time.perf_counter()
    pickups = {p.id: p for p in session.scalars(
        sa.select(PickupPoint).where(PickupPoint.id.in_({lc.pickup_point_id for lc, _ in claimed}))
    )}
    tasks, events, ended = [], [], {}
    messages = LifecycleOutbox()
    admins = sender_admin_emails(session, {lc.sender_id for lc, action in claimed
                                           if action == rules.END and lc.end_action == "deemed_served"})
    subscribers = subscribers_at_addresses(
        session, [lc for lc, action in claimed if action != rules.END or lc.end_action == "deemed_served"], base_url,
        now, secret)
    words: dict[tuple[int | None, str], PickupWords] = {}
    dates: dict[tuple, dict] = {}
    for lc, action in claimed:
        pickup = pickups.get(lc.pickup_point_id)
        place = (lc.pickup_point_id, lc.language)
        if place not in words:
            words[place] = describe_pickup(pickup, lc.language)
        alert = lifecycle_alert(lc, pickup, base_url, words[place])
        data = dict(_dates_of(lc, dates))
        if action == rules.REPEAT_NOTICE and lc.repeat_notice_done_at is not None:
            kind = "repeat_notice_already_left"
        elif action == rules.REPEAT_NOTICE:
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
            outcome = lc.end_action
            problem = outcome == "deemed_served" and rules.repeat_notice_problem(
                PROFILES[lc.profile], lc.repeat_notice_at, lc.repeat_notice_done_at, tz)
            if problem:
                outcome = NOT_ESTABLISHED
                data = {**data, "repeat_notice": problem, "repeat_notice_left_at": iso(lc.repeat_notice_done_at)}
            kind = EVENT_KIND[outcome]
            ended[lc.item_id] = ITEM_STATUS_AT_END[outcome]
            if outcome == "deemed_served":  # the recipient learns the legal effect, not only the sender
                messages.to_recipients(lc, "deemed_served", alert, deemed_served_sms, deemed_served_email_content,
                                       now, subscribers.get(lc.item_id, ()))
            messages.to_sender(lc, alert, now, outcome, admins.get(lc.sender_id, ()) if problem else ())
        counts[kind] += 1
        events.append({"item_id": lc.item_id, "kind": kind, "occurred_at": now, "data": data})
    clock = _tick(seconds, "build", clock)
    _insert_ignore(session, CarrierTask, ["item_id", "kind"], tasks)
    _end_tasks(session, list(ended), now)
    not_established = [i for i, s in ended.items() if s == NOT_ESTABLISHED]
    if not_established:  # the letter goes back to the sender; no deemed service to claim
        session.execute(sa.update(ItemLifecycle).where(ItemLifecycle.item_id.in_(not_established))
                        .values(stage="returned").execution_options(synchronize_session=False))
    _insert_ignore(session, OutboxMessage, ["dedupe_key"], messages.rows())  # each row has its own send_key
    for status in set(ended.values()):
        session.execute(
            sa.update(Item).where(Item.id.in_([i for i, s in ended.items() if s == status]),
                                  Item.status == "awaiting_collection")
            .values(status=status).execution_options(synchronize_session=False)
        )
    _tick(seconds, "write", clock)
    _record_events(session, events, seconds)


_DATE_KEY = operator.attrgetter(*DATE_FIELDS)


def _dates_of(lc: sa.Row, seen: dict[tuple, dict]) -> dict:
    """:func:`lifecycle_dates` of the row, made once per batch for lifecycles with the same dates
    (items noticed together share them); the caller copies it before changing it."""
    key = _DATE_KEY(lc)
    found = seen.get(key)
    if found is None:
        found = seen[key] = lifecycle_dates(lc)
    return found


def _end_tasks(session: Session, item_ids: list[int], now: datetime) -> None:
    """Tasks of items whose lifecycle ended leave the carriers' lists."""
    if item_ids:
        session.execute(sa.update(CarrierTask).where(CarrierTask.item_id.in_(item_ids), CarrierTask.status == "open")
                        .values(status="cancelled", closed_at=now).execution_options(synchronize_session=False))


def _record_events(session: Session, events: list[dict], seconds: defaultdict[str, float]) -> None:
    """Record the batch's events with :func:`app.events.record_item_events`.

    One INSERT for all of them, then the item-event listeners (the transparency log and the
    sender callbacks take the whole batch at once where they can); the items are read only
    when a listener is registered to read them, as rows (:mod:`app.lifecycle.item_rows`).
    """
    if not events:
        return
    clock = time.perf_counter()
    item_events.record_item_events(session, [(e["item_id"], e["kind"], e["occurred_at"], e["data"]) for e in events],
                                   lambda ids: load_item_rows(session, ids))
    _tick(seconds, "events", clock)


def _insert_ignore(session: Session, model, conflict_columns: list[str], rows: list[dict]) -> None:
    """Insert many rows in one statement, skipping rows whose unique key exists.

    The keys the sweep writes (``item:<id>:<step>:…`` for messages, ``(item, "repeat_notice")``
    for tasks) name a step of a lifecycle that this transaction has just claimed, and a step is
    claimed once (its stage only moves forward), so no row can hold them yet. On PostgreSQL a
    large batch is therefore copied in (``COPY``: no arrays built, no conflict check), inside a
    savepoint: should a key exist after all, the savepoint is rolled back and the rows go in
    again through ``INSERT … ON CONFLICT DO NOTHING``, so the outcome is the same either way.
    """
    if not rows:
        return
    table = model.__table__
    if session.get_bind().dialect.name == "postgresql" and len(rows) >= bulk.COPY_FROM:
        try:
            with session.begin_nested():
                insert_rows(session.connection(), table, rows)
            return
        except (sa.exc.IntegrityError, UniqueViolation):
            pass
    insert_rows(session.connection(), table, rows, skip_conflicts_on=conflict_columns)
