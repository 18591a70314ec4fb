"""The address-point register: loading it, and finding where an item's recipient lives.

Two file layouts load with ``flask addresses import FILE``:

* the CSV of the Polish national address register (PRG address points): TERYT, SIMC and
  ULIC ids, locality, street, number, postal code and the point in EPSG:2180 (PL-1992), whose
  ``x`` is the northing and ``y`` the easting, as Polish geodesy writes them. The point is
  converted to WGS84 with pyproj;
* a plain ``street,number,postal_code,city,lat,lon`` CSV (WGS84 degrees).

An item is located at registration: the sender's own point if given, otherwise a normalised
exact match (``notices.addresses``) with its quality stored on :class:`ItemLocation`.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

import sqlalchemy as sa
from pyproj import Transformer
from sqlalchemy.orm import Session

from app.errors import FieldError, ValidationFailed
from app.models import AddressPoint, ItemLocation
from app.models.bulk import among
from notices import addresses as keys

if TYPE_CHECKING:
    from _csv import Reader  # the type ``csv.reader(...)`` returns

# Column names accepted for each PRG field (the register's exports differ in case and naming).
PRG_COLUMNS = {
    "register_id": ("lokalnyid", "idiip", "id_iip", "identyfikator", "id"),
    "teryt": ("teryt", "kodteryt", "jednostkaadministracyjna_teryt"),
    "simc": ("simc", "simc_id", "identyfikatormiejscowosci"),
    "ulic": ("ulic", "ulic_id", "identyfikatorulicy"),
    "city": ("miejscowosc", "simc_nazwa", "miejscowość"),
    "street": ("ulica", "ulic_nazwa"),
    "number": ("numerporzadkowy", "numer", "nr"),
    "postal_code": ("kodpocztowy", "kod_pocztowy", "pna"),
    "x": ("x", "x_2180", "wspx"),
    "y": ("y", "y_2180", "wspy"),
}
PLAIN_COLUMNS = ("street", "number", "postal_code", "city", "lat", "lon")


@lru_cache(maxsize=1)
def _pl1992_to_wgs84() -> Transformer:
    return Transformer.from_crs("EPSG:2180", "EPSG:4326", always_xy=True)


def pl1992_to_wgs84(x_northing: float, y_easting: float) -> tuple[float, float]:
    """A PL-1992 point (x = northing, y = easting, metres) as WGS84 (lat, lon) degrees."""
    lon, lat = _pl1992_to_wgs84().transform(y_easting, x_northing)
    return lat, lon


@dataclass(frozen=True)
class ImportResult:
    layout: str      # "prg" or "plain"
    imported: int    # new points
    updated: int     # points already known (same address), moved to the file's position


class AddressFileError(ValidationFailed):
    title = "Invalid address file"


def _rows(data: bytes) -> tuple[list[str], Reader]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1250", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t", "|"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise AddressFileError([FieldError("file", "is empty")]) from None
    return header, reader


def _prg_index(header: list[str]) -> dict[str, int] | None:
    index = {}
    for name, aliases in PRG_COLUMNS.items():
        found = next((header.index(a) for a in aliases if a in header), None)
        if found is not None:
            index[name] = found
    return index if {"city", "number", "x", "y"} <= index.keys() else None


def _number(text: str, line: int, column: str) -> float:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise AddressFileError([FieldError(f"line {line}: {column}", f"is not a number: {text!r}")]) from None


def parse_file(data: bytes) -> tuple[str, list[dict]]:
    """The layout of the file and its points as ``AddressPoint`` column values."""
    header, reader = _rows(data)
    prg = _prg_index(header)
    if prg is None and not set(PLAIN_COLUMNS) <= set(header):
        raise AddressFileError([FieldError("header", "must be a PRG address-point header (miejscowosc, numer, "
                                           "kodPocztowy, x, y, …) or street,number,postal_code,city,lat,lon")])
    points = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        def cell(i: int | None, values: list[str] = values) -> str:
            return values[i].strip() if i is not None and i < len(values) else ""

        if prg is not None:
            get = lambda name, cell=cell: cell(prg.get(name))  # noqa: E731
            lat, lon = pl1992_to_wgs84(_number(get("x"), reader.line_num, "x"), _number(get("y"), reader.line_num, "y"))
            point = {"source": "prg", "register_id": get("register_id") or None, "teryt": get("teryt")[:7] or None,
                     "simc": get("simc") or None, "ulic": get("ulic") or None, "city": get("city"),
                     "street": get("street") or None, "number": get("number"),
                     "postal_code": get("postal_code") or None}
        else:
            get = lambda name, cell=cell: cell(header.index(name))  # noqa: E731
            lat, lon = _number(get("lat"), reader.line_num, "lat"), _number(get("lon"), reader.line_num, "lon")
            point = {"source": "csv", "city": get("city"), "street": get("street") or None,
                     "number": get("number"), "postal_code": get("postal_code") or None}
        if not point["city"] or not point["number"]:
            raise AddressFileError([FieldError(f"line {reader.line_num}", "needs a locality and a house number")])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise AddressFileError([FieldError(f"line {reader.line_num}", "has a position outside WGS84 bounds")])
        key = keys.key(point["city"], point["street"], point["number"], point["postal_code"])
        points.append({**point, "latitude": round(lat, 7), "longitude": round(lon, 7), "match_key": key,
                       "match_key_no_postal": keys.key_without_postal_code(key)})
    return ("prg" if prg is not None else "plain"), points


def import_points(session: Session, data: bytes, *, now: datetime) -> ImportResult:
    """Load a register file; an address already known takes the file's position. Commits."""
    layout, points = parse_file(data)
    by_key = {p["match_key"]: p for p in points}  # the last line for an address wins
    existing = {}
    wanted = list(by_key)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        existing.update({p.match_key: p for p in session.scalars(
            sa.select(AddressPoint).where(AddressPoint.match_key.in_(chunk)))})
    for key, values in by_key.items():
        point = existing.get(key)
        if point is None:
            session.add(AddressPoint(**values, imported_at=now))
        else:
            for name, value in values.items():
                setattr(point, name, value)
            point.imported_at = now
    session.commit()
    return ImportResult(layout, len(by_key) - len(existing), len(existing))


def locate(session: Session, line1: str, postal_code: str, city: str) -> tuple[AddressPoint | None, str]:
    """The register's point for an address and the match quality ("exact", "no_postal_code", "unmatched")."""
    key = keys.item_key(line1, postal_code, city)
    if key is None:
        return None, "unmatched"
    point = session.scalar(sa.select(AddressPoint).where(AddressPoint.match_key == key))
    if point is not None:
        return point, "exact"
    candidates = session.scalars(sa.select(AddressPoint).where(
        AddressPoint.match_key_no_postal == keys.key_without_postal_code(key)).limit(2)).all()
    if len(candidates) == 1:
        return candidates[0], "no_postal_code"
    return None, "unmatched"


def item_location(session: Session, item_id: int, given: tuple[float, float] | None,
                  line1: str, postal_code: str, city: str, now: datetime) -> ItemLocation:
    """The location row for a newly registered item (not added to the session)."""
    if given is not None:
        return ItemLocation(item_id=item_id, latitude=given[0], longitude=given[1], quality="given", located_at=now)
    point, quality = locate(session, line1, postal_code, city)
    return ItemLocation(item_id=item_id, latitude=point.latitude if point else None,
                        longitude=point.longitude if point else None, quality=quality,
                        address_point_id=point.id if point else None, located_at=now)


def item_locations(session: Session, entries: list[tuple[int, tuple[float, float] | None, str, str, str]],
                   now: datetime) -> list[dict]:
    """:func:`item_location` for many items ``(item_id, given, line1, postal_code, city)`` at once, as
    ``item_locations`` rows to insert in one statement: the register is read with two queries per
    500 addresses instead of one or two per item."""
    keyed = {i: keys.item_key(line1, postal_code, city)
             for i, (_, given, line1, postal_code, city) in enumerate(entries) if given is None}
    wanted = sorted({key for key in keyed.values() if key is not None})
    exact: dict[str, AddressPoint] = {}
    for start in range(0, len(wanted), 500):
        exact.update({p.match_key: p for p in session.scalars(
            sa.select(AddressPoint).where(among(session, AddressPoint.match_key, wanted[start:start + 500], sa.String)))})
    loose = sorted({keys.key_without_postal_code(key) for key in wanted if key not in exact})
    by_loose: dict[str, list[AddressPoint]] = {}
    for start in range(0, len(loose), 500):
        for candidate in session.scalars(sa.select(AddressPoint).where(
                among(session, AddressPoint.match_key_no_postal, loose[start:start + 500], sa.String))):
            by_loose.setdefault(candidate.match_key_no_postal, []).append(candidate)
    locations = []
    for i, (item_id, given, *_address) in enumerate(entries):
        if given is not None:
            locations.append(dict(item_id=item_id, latitude=given[0], longitude=given[1], quality="given",
                                  address_point_id=None, located_at=now))
            continue
        key = keyed[i]
        point: AddressPoint | None = None
        quality = "unmatched"
        if key is not None and key in exact:
            point, quality = exact[key], "exact"
        elif key is not None and len(by_loose.get(keys.key_without_postal_code(key), ())) == 1:
            point, quality = by_loose[keys.key_without_postal_code(key)][0], "no_postal_code"
        locations.append(dict(item_id=item_id, latitude=point.latitude if point else None,
                              longitude=point.longitude if point else None, quality=quality,
                              address_point_id=point.id if point else None, located_at=now))
    return locations


def location_data(location: ItemLocation | None) -> dict | None:
    """For the sender and staff only: the public record never shows where the recipient lives."""
    if location is None:
        return None
    return {"lat": location.latitude, "lon": location.longitude, "match": location.quality}
