"""Who may send which outbox message: batch reservations, one send at a time, one lease keeper.

A worker reserves a batch of due messages with one statement (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, a conditional UPDATE everywhere): each gets the worker's ``lease_owner`` and a
``locked_until`` ``OUTBOX_LEASE_SECONDS`` away, and stays ``queued``. No other worker takes a
reserved message while its lease runs. The worker then starts the messages one by one
(:func:`start_sending`): only the message whose provider call is about to begin is ``sending``,
with ``in_flight_since`` committed before the call. One :class:`LeaseKeeper` thread per batch
renews the lease of the batch's messages the worker still holds, so a slow provider never lets a
second worker in, and a worker killed mid-send holds its batch for at most one lease: the
untouched messages are simply taken again, and only the one that was in flight is marked
``possibly_duplicate``.
"""
from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import OutboxMessage
from app.models.suppressions import Suppression
from app.models.types import utcnow

_HELD = ("queued", "sending")


_TABLE = cast(sa.Table, OutboxMessage.__table__)


def _due(now) -> sa.ColumnElement[bool]:
    """Messages a worker may reserve now: queued and free, or left ``sending`` by a dead worker."""
    return sa.or_(_queued_and_free(now), _stale(now))


def _queued_and_free(now) -> sa.ColumnElement[bool]:
    table = _TABLE
    return sa.and_(table.c.status == "queued", table.c.next_attempt_at <= now,
                   sa.or_(table.c.locked_until.is_(None), table.c.locked_until < now))


def _stale(now) -> sa.ColumnElement[bool]:
    table = _TABLE
    return sa.and_(table.c.status == "sending", table.c.locked_until < now)


def _claim_statement(dialect: str) -> sa.Update:
    """The reservation, with the time, lease end, owner and limit as parameters."""
    table = _TABLE
    now = sa.bindparam("c_now", type_=table.c.next_attempt_at.type)
    limit = sa.bindparam("c_limit", type_=sa.Integer)
    order = (table.c.next_attempt_at, table.c.id)
    if dialect == "postgresql":
        # Each kind of due message on its own, walking ix_outbox_due (status, next_attempt_at,
        # id) in order and locking as it goes, so a backlog is never sorted: one query with
        # the OR of both read every due row and sorted them all for each batch. Materialised
        # first: an IN (subquery … LIMIT … SKIP LOCKED) may be re-run per row and return more
        # than ``limit``. A stale row read but not taken stays locked only until the commit.
        kinds = [sa.select(table.c.id, table.c.next_attempt_at).where(condition)
                 .order_by(*order).limit(limit).with_for_update(skip_locked=True)
                 .cte(name).prefix_with("MATERIALIZED")
                 for name, condition in (("queued", _queued_and_free(now)), ("stale", _stale(now)))]
        either = sa.union_all(*(sa.select(kind.c.id, kind.c.next_attempt_at) for kind in kinds)).subquery("either")
        chosen = table.c.id.in_(sa.select(either.c.id).order_by(either.c.next_attempt_at, either.c.id)
                                .limit(limit).scalar_subquery())
    else:  # SQLite: one writer at a time; the subquery runs inside this one statement
        chosen = table.c.id.in_(sa.select(table.c.id).where(_due(now)).order_by(*order).limit(limit)
                                .scalar_subquery())
    interrupted = sa.and_(table.c.status == "sending", table.c.in_flight_since.is_not(None))
    return (sa.update(table)
            .where(chosen, _due(now))
            .values(status="queued", locked_until=sa.bindparam("c_until", type_=table.c.locked_until.type),
                    lease_owner=sa.bindparam("c_owner"), possibly_duplicate=sa.or_(table.c.possibly_duplicate, interrupted),
                    in_flight_since=None, updated_at=now)
            .returning(table.c.id))


_CLAIMS = {dialect: _claim_statement(dialect) for dialect in ("postgresql", "sqlite")}  # built once


def claim_due(session: Session, now: datetime, *, limit: int = 1, lease_seconds: float = 30,
              owner: str = "worker") -> list[int]:
    """Reserve up to ``limit`` due messages for ``owner`` for ``lease_seconds``; commits, returns ids.

    A message left ``sending`` by a worker whose lease ran out goes back to ``queued`` under the
    new owner; if its provider call had started (``in_flight_since``) it is marked
    ``possibly_duplicate``: that earlier try may have reached the recipient. Reserving is not a
    try: ``tries`` counts provider calls (:func:`start_sending`).
    """
    statement = _CLAIMS[session.get_bind().dialect.name]
    claimed = session.connection().execute(statement, {
        "c_now": now, "c_limit": limit, "c_until": now + timedelta(seconds=lease_seconds), "c_owner": owner,
    }).scalars().all()
    session.commit()
    return sorted(claimed)


def _sent_statement() -> sa.Update:
    """The outcome of nearly every send: sent, with the provider's id, the lease given up."""
    table = _TABLE
    now = sa.bindparam("d_now", type_=table.c.sent_at.type)
    return (sa.update(table).where(table.c.id == sa.bindparam("d_id"))
            .values(status="sent", provider=sa.bindparam("d_provider"),
                    provider_message_id=sa.bindparam("d_provider_id"), sent_at=now, updated_at=now,
                    last_error=None, error_code=None, locked_until=None, lease_owner=None, in_flight_since=None))


def _start_statement(checks_suppression: bool, after_sent: bool) -> sa.Update:
    table, suppression = _TABLE, cast(sa.Table, Suppression.__table__)
    conditions = [table.c.id == sa.bindparam("m_id"), table.c.lease_owner == sa.bindparam("m_owner"),
                  table.c.status == "queued"]
    if checks_suppression:
        conditions.append(~sa.exists().where(suppression.c.channel == sa.bindparam("s_channel"),
                                             suppression.c.address == sa.bindparam("s_address"),
                                             suppression.c.lifted_at.is_(None)))
    now = sa.bindparam("m_now", type_=table.c.in_flight_since.type)
    statement = (sa.update(table).where(*conditions)
                 .values(status="sending", tries=table.c.tries + 1, in_flight_since=now, updated_at=now)
                 .returning(table.c.tries))
    if after_sent:  # PostgreSQL: the previous message's outcome in the same statement, one round trip
        statement = statement.add_cte(SENT.returning(table.c.id).cte("sent"))
    return statement


# Built once: Core statements on the table, so recording a message's outcome and marking the
# next one in flight cost no ORM flush or statement construction (the worker does it per message).
SENT = _sent_statement()
_START = {(checks, after): _start_statement(checks, after) for checks in (False, True) for after in (False, True)}


def start_sending(session: Session, message: OutboxMessage, owner: str, now: datetime, *,
                  unless_suppressed: tuple[str, str] | None = None, after_sent: dict | None = None) -> bool:
    """Mark ``message`` in flight if ``owner`` still holds it and it is still queued (no commit).

    With ``unless_suppressed=(channel, address)``, also only if that address has no active
    suppression at this moment (the check and the mark are one statement). Returns False when
    the message must not be sent: suppressed, cancelled meanwhile, or no longer this owner's.
    ``after_sent`` (PostgreSQL only) holds the parameters of :data:`SENT` for the previous
    message: its outcome is written by the same statement, whether or not this one starts.
    Changes of ``message`` not yet flushed are flushed first.
    """
    if session.dirty or session.new or session.deleted:
        session.flush()
    params = {"m_id": message.id, "m_owner": owner, "m_now": now, **(after_sent or {})}
    if unless_suppressed is not None:
        params["s_channel"], params["s_address"] = unless_suppressed
    statement = _START[(unless_suppressed is not None, after_sent is not None)]
    started = session.connection().execute(statement, params).scalar()
    if started is None:
        return False
    for key, value in (("status", "sending"), ("tries", started), ("in_flight_since", now), ("updated_at", now)):
        sa.orm.attributes.set_committed_value(message, key, value)
    return True


def release(session: Session, owner: str, ids: list[int]) -> None:
    """Give back those of ``ids`` that ``owner`` reserved and did not start (a stop between
    messages, an error); commits. Found by primary key: a backlog of queued messages costs nothing."""
    session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.lease_owner == owner, OutboxMessage.status == "queued")
        .values(lease_owner=None, locked_until=None)
        .execution_options(synchronize_session=False))
    session.commit()


def extend_lease(engine: sa.Engine, owner: str, lease_seconds: float, ids: list[int]) -> int:
    """Push forward the lease of those of ``ids`` that ``owner`` still holds; returns how many."""
    with engine.begin() as connection:
        result = connection.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.lease_owner == owner, OutboxMessage.status.in_(_HELD))
            .values(locked_until=utcnow() + timedelta(seconds=lease_seconds)))
        return result.rowcount


class LeaseKeeper:
    """``with LeaseKeeper(engine, owner, lease, ids):`` renews the lease of the owner's messages
    among ``ids`` (a batch) every third of a lease, until none of them is held any more."""

    def __init__(self, engine: sa.Engine, owner: str, lease_seconds: float, ids: list[int]):
        self.engine, self.owner, self.lease_seconds, self.ids = engine, owner, lease_seconds, ids
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{owner}", daemon=True)

    def _run(self) -> None:
        while not self._done.wait(self.lease_seconds / 3):
            try:
                if not extend_lease(self.engine, self.owner, self.lease_seconds, self.ids):
                    return
            except sa.exc.DBAPIError:
                continue  # the database is away; the next renewal tries again

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join(timeout=self.lease_seconds)
