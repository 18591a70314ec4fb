"""Column types shared by the models."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every database.

    PostgreSQL keeps ``timestamptz``; SQLite keeps ISO text without an offset. Values are
    converted to UTC on the way in and come back aware, so comparisons never mix naive and
    aware datetimes.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def check_in(column: str, values: type[StrEnum] | Iterable[str], name: str | None = None, *,
             nullable: bool = False) -> sa.CheckConstraint:
    """A CHECK constraint that ``column`` holds one of ``values`` (an enum of :mod:`notices.vocabulary`)."""
    listed = ", ".join(f"'{v}'" for v in values)
    sql = f"{column} IN ({listed})"
    if nullable:
        sql = f"{column} IS NULL OR {sql}"
    return sa.CheckConstraint(sql, name=name or column)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def iso(value: datetime | None) -> str | None:
    """RFC 3339 in UTC with a ``Z``, whatever offset the value was given with."""
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if value else None
