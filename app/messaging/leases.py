"""One lease per claimed outbox message, kept alive while its send is in flight.

A worker claims a single message with a short lease (``OUTBOX_LEASE_SECONDS``, the time one
send can take). While the provider call runs, :class:`LeaseKeeper` extends the lease from a
small thread on its own connection, so a slow provider never lets a second worker take the
message, and a worker killed mid-send holds nothing for longer than one lease.
"""
from __future__ import annotations

import threading
from datetime import timedelta

import sqlalchemy as sa

from app.models import OutboxMessage
from app.models.types import utcnow


def extend_lease(engine: sa.Engine, message_id: int, owner: str, lease_seconds: float) -> bool:
    """Push the lease of ``message_id`` forward if ``owner`` still holds it; returns whether it did."""
    with engine.begin() as connection:
        result = connection.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.lease_owner == owner,
                   OutboxMessage.status == "sending")
            .values(locked_until=utcnow() + timedelta(seconds=lease_seconds)))
        return result.rowcount == 1


class LeaseKeeper:
    """``with LeaseKeeper(engine, id, owner, lease):`` renews the lease every third of it."""

    def __init__(self, engine: sa.Engine, message_id: int, owner: str, lease_seconds: float):
        self.engine, self.message_id, self.owner, self.lease_seconds = engine, message_id, owner, lease_seconds
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{message_id}", daemon=True)

    def _run(self) -> None:
        while not self._done.wait(self.lease_seconds / 3):
            try:
                if not extend_lease(self.engine, self.message_id, self.owner, self.lease_seconds):
                    return
            except sa.exc.DBAPIError:
                continue  # the database is away; the next renewal tries again

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join(timeout=self.lease_seconds)
