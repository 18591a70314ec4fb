"""Who may send which outbox message: batch reservations, one send at a time, one lease keeper.

A worker reserves a batch of due messages with one statement (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, a conditional UPDATE everywhere): each gets the worker's ``lease_owner`` and a
``locked_until`` ``OUTBOX_LEASE_SECONDS`` away, and stays ``queued``. No other worker takes a
reserved message while its lease runs. The worker then starts the messages one by one
(:func:`start_sending`): only the message whose provider call is about to begin is ``sending``,
with ``in_flight_since`` committed before the call. One :class:`LeaseKeeper` thread per batch
renews the lease of everything the worker holds, so a slow provider never lets a second worker
in, and a worker killed mid-send holds its batch for at most one lease: the untouched messages
are simply taken again, and only the one that was in flight is marked ``possibly_duplicate``.
"""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import OutboxMessage
from app.models.suppressions import Suppression
from app.models.types import utcnow

_HELD = ("queued", "sending")


def due(now: datetime):
    """Messages a worker may reserve now: queued and free, or left ``sending`` by a dead worker."""
    return sa.or_(
        sa.and_(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now,
                sa.or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now)),
        sa.and_(OutboxMessage.status == "sending", OutboxMessage.locked_until < now),
    )


def claim_due(session: Session, now: datetime, *, limit: int = 1, lease_seconds: float = 30,
              owner: str = "worker") -> list[int]:
    """Reserve up to ``limit`` due messages for ``owner`` for ``lease_seconds``; commits, returns ids.

    A message left ``sending`` by a worker whose lease ran out goes back to ``queued`` under the
    new owner; if its provider call had started (``in_flight_since``) it is marked
    ``possibly_duplicate``: that earlier try may have reached the recipient. Reserving is not a
    try: ``tries`` counts provider calls (:func:`start_sending`).
    """
    candidates = (sa.select(OutboxMessage.id).where(due(now))
                  .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        # Materialised first: an IN (subquery … LIMIT … SKIP LOCKED) may be re-run per row and
        # return more than ``limit``.
        picked = candidates.with_for_update(skip_locked=True).cte("picked").prefix_with("MATERIALIZED")
        chosen = OutboxMessage.id.in_(sa.select(picked.c.id))
    else:  # SQLite: one writer at a time; the subquery runs inside this one statement
        chosen = OutboxMessage.id.in_(candidates.scalar_subquery())
    interrupted = sa.and_(OutboxMessage.status == "sending", OutboxMessage.in_flight_since.is_not(None))
    claimed = session.scalars(
        sa.update(OutboxMessage)
        .where(chosen, due(now))
        .values(status="queued", locked_until=now + timedelta(seconds=lease_seconds), lease_owner=owner,
                possibly_duplicate=sa.or_(OutboxMessage.possibly_duplicate, interrupted),
                in_flight_since=None, updated_at=now)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    session.commit()
    return sorted(claimed)


def start_sending(session: Session, message: OutboxMessage, owner: str, now: datetime, *,
                  unless_suppressed: tuple[str, str] | None = None) -> bool:
    """Mark ``message`` in flight if ``owner`` still holds it and it is still queued (no commit).

    With ``unless_suppressed=(channel, address)``, also only if that address has no active
    suppression at this moment (the check and the mark are one statement). Returns False when
    the message must not be sent: suppressed, cancelled meanwhile, or no longer this owner's.
    """
    conditions = [OutboxMessage.id == message.id, OutboxMessage.lease_owner == owner,
                  OutboxMessage.status == "queued"]
    if unless_suppressed is not None:
        channel, address = unless_suppressed
        conditions.append(~sa.exists().where(Suppression.channel == channel, Suppression.address == address,
                                             Suppression.lifted_at.is_(None)))
    started = session.execute(
        sa.update(OutboxMessage)
        .where(*conditions)
        .values(status="sending", tries=OutboxMessage.tries + 1, in_flight_since=now, updated_at=now)
        .returning(OutboxMessage.tries)
        .execution_options(synchronize_session=False)
    ).scalar()
    if started is None:
        return False
    for key, value in (("status", "sending"), ("tries", started), ("in_flight_since", now), ("updated_at", now)):
        sa.orm.attributes.set_committed_value(message, key, value)
    return True


def release(session: Session, owner: str) -> None:
    """Give back what ``owner`` reserved but did not start (a stop between messages); commits."""
    session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.lease_owner == owner, OutboxMessage.status == "queued")
        .values(lease_owner=None, locked_until=None)
        .execution_options(synchronize_session=False))
    session.commit()


def extend_lease(engine: sa.Engine, owner: str, lease_seconds: float) -> int:
    """Push forward the lease of everything ``owner`` holds; returns how many messages that is."""
    with engine.begin() as connection:
        result = connection.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.lease_owner == owner, OutboxMessage.status.in_(_HELD))
            .values(locked_until=utcnow() + timedelta(seconds=lease_seconds)))
        return result.rowcount


class LeaseKeeper:
    """``with LeaseKeeper(engine, owner, lease):`` renews the owner's leases every third of a lease."""

    def __init__(self, engine: sa.Engine, owner: str, lease_seconds: float):
        self.engine, self.owner, self.lease_seconds = engine, owner, lease_seconds
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{owner}", daemon=True)

    def _run(self) -> None:
        while not self._done.wait(self.lease_seconds / 3):
            try:
                if not extend_lease(self.engine, self.owner, self.lease_seconds):
                    return
            except sa.exc.DBAPIError:
                continue  # the database is away; the next renewal tries again

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join(timeout=self.lease_seconds)
