"""Case numbers unique across every process: one counter row per year, bumped atomically.

``UPDATE … SET last_serial = last_serial + 1 … RETURNING`` takes the row lock on PostgreSQL
(concurrent filings wait for each other's commit, none reads a stale value) and the database
write lock on SQLite; the first case of a year inserts the row, and a concurrent first insert
that loses the race (unique key) simply retries the UPDATE.
"""
from __future__ import annotations

from typing import cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.models.cases import CaseNumberCounter
from notices import case_numbers

_TABLE = cast(sa.Table, CaseNumberCounter.__table__)


def _bump(session: Session, year: int) -> int | None:
    return session.execute(
        sa.update(_TABLE).where(_TABLE.c.year == year)
        .values(last_serial=_TABLE.c.last_serial + 1).returning(_TABLE.c.last_serial)
    ).scalar()


def next_case_number(session: Session, year: int) -> str:
    """A fresh case number for ``year``, in the caller's transaction."""
    serial = _bump(session, year)
    if serial is None:
        insert = (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(_TABLE)
        session.execute(insert.values(year=year, last_serial=0).on_conflict_do_nothing(index_elements=["year"]))
        serial = _bump(session, year)
    if serial is None:  # the row was just made (by us or a concurrent filing): it cannot be missing
        raise RuntimeError(f"no case-number counter for {year}")
    return case_numbers.make(year, serial)
