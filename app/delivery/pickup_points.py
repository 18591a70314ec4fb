"""The pickup-point register: CSV import (idempotent upsert), staff edits, lookup and proposal.

``describe(code, lang)`` is the one place notices, alerts, the record and the proof take a
point's name, address and opening hours from (the wording itself is in
``notices.pickup_points``; code below ``delivery`` can call ``describe_point(point, lang)`` on a
``PickupPoint`` row it already holds).
"""
from __future__ import annotations

import copy
import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.errors import FieldError, ValidationFailed
from app.extensions import db
from app.models import Carrier, Item, PickupPoint, RegisterVersion
from app.models.bulk import attach_loaded
from app.models.carriers import point_facts
from app.models.checks import ItemLocation
from notices import pickup_points as rules

COLUMNS = ("code", "name", "address", "lat", "lon", *rules.WEEKDAYS, "holidays_closed")
REQUIRED = ("code", "name", "address", "lat", "lon")
YES = {"1", "yes", "true", "tak", "t", "y"}
NO = {"0", "no", "false", "nie", "n", "f"}


class PickupPointFileError(ValidationFailed):
    title = "Invalid pickup-point file"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    codes: list[str] = field(default_factory=list)


def describe_point(point: PickupPoint | None, language: str) -> dict[str, str] | None:
    return None if point is None else rules.describe(point.facts(), language)


def describe(code: str | None, language: str, session: Session | None = None) -> dict[str, str] | None:
    """``{"code", "name", "address", "hours", "text"}`` for the point ``code`` (None if unknown)."""
    if not code:
        return None
    session = session or db.session
    return describe_point(session.scalar(sa.select(PickupPoint).where(PickupPoint.code == code)), language)


def find(session: Session, code: str) -> PickupPoint:
    """The active point ``code``; a 422 naming ``pickup_point`` if it is unknown or out of service."""
    point = session.scalar(sa.select(PickupPoint).where(PickupPoint.code == code))
    if point is None:
        raise ValidationFailed([FieldError("pickup_point", f"unknown pickup point {code}: it is not in the register")])
    if not point.active:
        raise ValidationFailed([FieldError("pickup_point", f"pickup point {code} is no longer in service")])
    return point


# The register's placed points as plain rows: a national register holds thousands, and loading
# each as an ORM object cost a notice scanned without a code 160 ms of CPU at 3,000 points.
_REGISTER = cast(sa.Table, PickupPoint.__table__)
_PLACED = sa.select(_REGISTER).where(_REGISTER.c.active.is_(True), _REGISTER.c.latitude.is_not(None))
_VERSION = sa.select(RegisterVersion.version).where(RegisterVersion.name == "pickup_points")

# Per process: database -> (the register's version, the register ready to rank, its rows by
# code). Reading the register and decoding every point's hours cost a notice scanned without a
# code 124 ms of CPU at 3,000 points; the version costs one look-up by primary key. A trigger
# sets a new version with every change of the table (migration 0030), by hand too.
_REGISTERS: dict[str, tuple[int, rules.Register, dict[str, Any]]] = {}


def placed_register(session: Session) -> tuple[rules.Register, dict[str, Any]]:
    """The register's active placed points as this process holds them (read again only when the
    register's version has changed), and their rows by code."""
    connection = session.connection()
    version = connection.execute(_VERSION).scalar()  # first: the rows read after it are as new or newer
    key = connection.engine.url.render_as_string(hide_password=True)
    cached = _REGISTERS.get(key)
    if cached is not None and version is not None and cached[0] == version:
        return cached[1], cached[2]
    rows = {row.code: row for row in connection.execute(_PLACED)}
    register = rules.Register(point_facts(row) for row in rows.values())
    if version is not None:  # no version row (a database emptied by hand): read every time
        _REGISTERS[key] = (version, register, rows)
    return register, rows


def nearest_open(session: Session, lat: float, lon: float, at: datetime, tz: str,
                 ) -> tuple[PickupPoint, float] | None:
    """The nearest active point open at ``at`` (see ``notices.pickup_points.Register``)."""
    register, rows = placed_register(session)
    found = register.nearest_open(lat, lon, at.astimezone(ZoneInfo(tz)))
    return None if found is None else (_as_loaded(session, rows[found[0].code]), found[1])


def _as_loaded(session: Session, row) -> PickupPoint:
    """The register's row as the session's :class:`PickupPoint` (the one it holds already, if
    any), without reading it again. Its hours are a copy: the row is shared by the process."""
    return attach_loaded(session, PickupPoint(**{**row._mapping, "hours": copy.deepcopy(row.hours)}), merge=True)


def for_notice(session: Session, carrier: Carrier, item: Item, lat: float | None, lon: float | None,
               at: datetime, tz: str) -> PickupPoint | None:
    """Where a notice sends the recipient when the carrier named no point: the nearest open point
    to the scan (or, without a fix, to the addressee's address point); the carrier's own point
    only when neither position is known or no point in the register has a position."""
    if lat is None or lon is None:
        location = session.get(ItemLocation, item.id)
        if location is not None and location.latitude is not None:
            lat, lon = location.latitude, location.longitude
    if lat is not None and lon is not None:
        found = nearest_open(session, lat, lon, at, tz)
        if found is not None:
            return found[0]
    point = carrier.default_pickup_point
    return point if point is not None and point.active else None


def _flag(text: str, line: int) -> tuple[bool | None, FieldError | None]:
    value = text.strip().lower()
    if value == "":
        return True, None
    if value in YES:
        return True, None
    if value in NO:
        return False, None
    return None, FieldError(f"row {line}: holidays_closed", f"must be yes or no, not {text!r}")


def _coordinate(text: str, line: int, column: str, limit: float) -> tuple[float | None, FieldError | None]:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None, FieldError(f"row {line}: {column}", f"is not a number: {text!r}")
    if not -limit <= value <= limit:
        return None, FieldError(f"row {line}: {column}", f"is outside ±{limit:g}: {text!r}")
    return value, None


def parse_file(data: bytes) -> list[dict]:
    """Rows of a register CSV as ``PickupPoint`` values; every bad cell is reported (row and column)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PickupPointFileError([FieldError("file", "is not UTF-8 text")]) from None
    first = text.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=";" if first.count(";") > first.count(",") else ",")
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if not header or missing:
        raise PickupPointFileError([FieldError("header", "needs the columns " + ",".join(COLUMNS)
                                               + (f" (missing: {', '.join(missing)})" if header else ""))])
    reader.fieldnames = header
    rows: list[dict] = []
    errors: list[FieldError] = []
    seen: dict[str, int] = {}
    for values in reader:
        line = reader.line_num
        cell = {k: (v or "").strip() for k, v in values.items() if k}
        if not any(cell.values()):
            continue
        row_errors = [FieldError(f"row {line}: {c}", "is empty") for c in ("code", "name", "address") if not cell[c]]
        code = cell["code"].upper()
        if code and len(code) > 40:
            row_errors.append(FieldError(f"row {line}: code", "is longer than 40 characters"))
        if code in seen:
            row_errors.append(FieldError(f"row {line}: code", f"{code} is already on row {seen[code]}"))
        seen.setdefault(code, line)
        lat, error_lat = _coordinate(cell["lat"], line, "lat", 90)
        lon, error_lon = _coordinate(cell["lon"], line, "lon", 180)
        holidays_closed, error_flag = _flag(cell.get("holidays_closed", ""), line)
        hours = {}
        for day in rules.WEEKDAYS:
            try:
                ranges = rules.parse_day(cell.get(day, ""))
            except rules.HoursError as exc:
                row_errors.append(FieldError(f"row {line}: {day}", str(exc)))
                continue
            if ranges:
                hours[day] = [list(r) for r in ranges]
        row_errors += [e for e in (error_lat, error_lon, error_flag) if e is not None]
        errors += row_errors
        if not row_errors:
            rows.append({"code": code, "name": cell["name"][:200], "address": cell["address"][:300],
                         "latitude": lat, "longitude": lon, "hours": hours, "holidays_closed": holidays_closed})
    if errors:
        raise PickupPointFileError(errors)
    if not rows:
        raise PickupPointFileError([FieldError("file", "has no pickup points")])
    return rows


def save(point: PickupPoint, values: dict, now: datetime) -> bool:
    """Apply register values to a point; whether anything changed."""
    values = {**values, "opening_hours": rules.hours_text(values["hours"], values["holidays_closed"], "pl")[:200]}
    changed = any(getattr(point, k) != v for k, v in values.items())
    if changed:
        for key, value in values.items():
            setattr(point, key, value)
        point.updated_at = now
    return changed


def import_file(session: Session, data: bytes, *, now: datetime) -> ImportResult:
    """Create or update every point in the file (by code); nothing is written if a row is bad.

    Points missing from the file are left as they are (deactivate them on the staff page);
    a point in the file is active again."""
    rows = parse_file(data)
    existing = {p.code: p for p in session.scalars(
        sa.select(PickupPoint).where(PickupPoint.code.in_([r["code"] for r in rows])))}
    result = ImportResult()
    for row in rows:
        point = existing.get(row["code"])
        if point is None:
            point = PickupPoint(code=row["code"], active=True)
            save(point, row, now)
            session.add(point)
            result.created += 1
        elif save(point, {**row, "active": True}, now):
            result.updated += 1
        else:
            result.unchanged += 1
        result.codes.append(row["code"])
    session.commit()
    return result
