"""The sender number's rate (``SMS_RATE_PER_SECOND``), held across every worker process.

One row per sender number keeps the next free send slot. A worker reserves a slot with one
statement, ``UPDATE … SET next_at = GREATEST(next_at, now) + interval … RETURNING`` (the row
is made on the number's first message), which
PostgreSQL serialises on the row (SQLite has a single writer anyway), so two workers never get
the same slot. Times come from the database's clock, so workers on several hosts agree. The
reservation is only made when the slot is at most ``max_wait`` seconds away; the worker then
sleeps until it (its transaction already committed, so no lock is held). A slot further away is
not taken: the message goes back in the queue for that moment.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.models.outbox import SmsSendSlot

_US = 1_000_000


@dataclass(frozen=True)
class Reservation:
    slot: float | None  # epoch seconds of the reserved slot, None when not reserved
    wait: float  # seconds from now to the slot (reserved) or to the next free slot (not reserved)

    @property
    def reserved(self) -> bool:
        return self.slot is not None


def _now_us(dialect: str):
    """The database's clock in epoch microseconds: one clock for workers on several hosts."""
    if dialect == "postgresql":
        return sa.cast(sa.func.extract("epoch", sa.func.statement_timestamp()) * _US, sa.BigInteger)
    return sa.cast((sa.func.julianday("now") - 2440587.5) * (86400 * _US), sa.BigInteger)


def _statements(dialect: str) -> tuple[sa.Update, sa.Select]:
    """The reservation and the look-up, with the number, step and horizon as parameters."""
    table = cast(sa.Table, SmsSendSlot.__table__)
    now_us = _now_us(dialect)
    later = sa.func.greatest if dialect == "postgresql" else sa.func.max
    step = sa.bindparam("step_us", type_=sa.BigInteger)
    take = (sa.update(table)
            .where(table.c.sender_number == sa.bindparam("number"),
                   table.c.next_at_us <= now_us + sa.bindparam("horizon_us", type_=sa.BigInteger))
            .values(next_at_us=later(table.c.next_at_us, now_us) + step)
            .returning(table.c.next_at_us - step, now_us))
    look = sa.select(table.c.next_at_us, now_us).where(table.c.sender_number == sa.bindparam("number"))
    return take, look


_STATEMENTS = {dialect: _statements(dialect) for dialect in ("postgresql", "sqlite")}  # built once


def reserve(session: Session, sender_number: str, interval: float, *, max_wait: float) -> Reservation:
    """Reserve the next send slot of ``sender_number`` if it is at most ``max_wait`` s away.

    Times come from the database's clock, the same for every worker. Does not commit: the
    caller commits at once, which releases the row.
    """
    dialect = session.get_bind().dialect.name
    take, look = _STATEMENTS[dialect]
    params = {"number": sender_number, "step_us": max(int(interval * _US), 0), "horizon_us": int(max_wait * _US)}
    connection = session.connection()
    for first_try in (True, False):
        row = connection.execute(take, params).first()
        if row is not None:
            slot_us, at_us = row
            return Reservation(slot_us / _US, max(0.0, (slot_us - at_us) / _US))
        found = connection.execute(look, params).first()
        if found is not None or not first_try:
            next_us, at_us = found if found is not None else (0, 0)
            return Reservation(None, max(0.0, (next_us - at_us) / _US))
        # The number's first message: make its row (a racing worker may have made it first, then
        # this does nothing), and take the slot again.
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(SmsSendSlot)
        connection.execute(insert.values(sender_number=sender_number, next_at_us=0)
                           .on_conflict_do_nothing(index_elements=["sender_number"]))
    raise AssertionError("unreachable")
