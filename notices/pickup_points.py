"""Pickup points as data: opening hours per weekday, holidays closed, and the nearest open point.

Framework-free: the register's rows come in as plain values. Opening hours are kept per ISO
weekday key (``mon`` … ``sun``) as a list of ``("HH:MM", "HH:MM")`` ranges; a missing or empty
day is closed. A point marked ``holidays_closed`` is closed on the country's public holidays
(``notices.holidays``, i.e. the ``holidays`` package).
"""
from __future__ import annotations

import bisect
import heapq
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from notices.holidays import is_public_holiday
from notices.i18n import N_, translations

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = (N_("Pn"), N_("Wt"), N_("Śr"), N_("Cz"), N_("Pt"), N_("Sb"), N_("Nd"))
"""Short weekday names, Monday first (Polish msgids)."""
HOLIDAYS_CLOSED = N_("nieczynne w święta")
CLOSED = N_("nieczynne")
EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)
_ROUNDING_M = 0.001  # far more than the rounding of a computed distance, far less than any real one

_RANGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")

Hours = dict[str, list[tuple[str, str]]]


class HoursError(ValueError):
    """An opening-hours cell that cannot be read; the message says what is expected."""


def parse_day(text: str) -> list[tuple[str, str]]:
    """``"08:00-12:00 13:00-18:00"`` → ranges; ``""``, ``"-"`` or ``"closed"`` → closed (``[]``)."""
    text = (text or "").strip()
    if text.lower() in ("", "-", "closed", "nieczynne", "zamknięte"):
        return []
    ranges: list[tuple[str, str]] = []
    for part in text.replace(",", " ").split():
        match = _RANGE.match(part)
        if match is None:
            raise HoursError(f"{part!r} is not a range like 08:00-20:00")
        start, end = f"{match[1]}:{match[2]}", f"{match[3]}:{match[4]}"
        if end <= start or (end.startswith("24") and end != "24:00"):
            raise HoursError(f"{part!r} ends before it starts")
        if ranges and start < ranges[-1][1]:
            raise HoursError(f"{part!r} overlaps the range before it")
        ranges.append((start, end))
    return ranges


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


@dataclass(frozen=True)
class PointFacts:
    """One pickup point as the rules need it."""

    code: str
    name: str
    address: str
    latitude: float | None = None
    longitude: float | None = None
    hours: Mapping[str, Sequence[Sequence[str]]] = field(default_factory=dict)
    holidays_closed: bool = True
    active: bool = True
    country: str = "PL"
    free_hours: str | None = None
    """Hours as free text, for a point entered before the register kept them per weekday."""


def is_open(point: PointFacts, local: datetime) -> bool:
    """Whether the point is open at ``local`` (a time in the operator's zone)."""
    if not point.active:
        return False
    if point.holidays_closed and is_public_holiday(point.country, local.date()):
        return False
    minute = local.hour * 60 + local.minute
    return any(_minutes(start) <= minute < _minutes(end)
               for start, end in point.hours.get(WEEKDAYS[local.weekday()]) or ())  # a day of null: closed


def open_on(point: PointFacts, day: datetime) -> bool:
    """Whether the point opens at all on ``day``'s date."""
    if not point.active or (point.holidays_closed and is_public_holiday(point.country, day.date())):
        return False
    return bool(point.hours.get(WEEKDAYS[day.weekday()]))


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


class Register:
    """The register's active points that have a position, ready to be ranked by distance from
    any place, as often as needed: a process keeps one per version of the register.

    The points are kept in order of latitude. No point is nearer than its difference in latitude
    (a great circle is never shorter than the meridian arc between the two parallels), so a
    ranking reads outwards from the place's latitude and stops as soon as the next point is
    known: in a national register of thousands it reads the few dozen nearest. Whether a point
    is open depends only on its timetable (hours, holidays, country), which most points share:
    each timetable is asked once per look-up, so when none is open the ranking is not read
    through to prove it."""

    def __init__(self, points: Iterable[PointFacts]):
        placed = sorted((p for p in points if p.active and p.latitude is not None and p.longitude is not None),
                        key=lambda p: (p.latitude, p.code))
        self.points = tuple(placed)
        self._latitudes = [math.radians(p.latitude) for p in placed]  # type: ignore[arg-type]
        self._cosines = [math.cos(latitude) for latitude in self._latitudes]
        self._timetables = [_timetable(p) for p in placed]
        self._timetable_points = dict(zip(self._timetables, placed, strict=True))  # one point per timetable

    def __len__(self) -> int:
        return len(self.points)

    def by_distance(self, lat: float, lon: float) -> Iterator[tuple[float, PointFacts]]:
        """``(metres, point)`` nearest first (equal distances by code), ranked only as far as read."""
        return ((distance, self.points[i]) for distance, i in self._ranked(lat, lon))

    def _ranked(self, lat: float, lon: float) -> Iterator[tuple[float, int]]:
        p1 = math.radians(lat)
        c1 = math.cos(p1)
        latitudes, points = self._latitudes, self.points
        above = bisect.bisect_left(latitudes, p1)
        below = above - 1
        heap: list[tuple[float, str, int]] = []
        while True:
            # Every point not read yet is at least this far: the nearer of the next parallels.
            south = EARTH_RADIUS_M * (p1 - latitudes[below]) if below >= 0 else math.inf
            north = EARTH_RADIUS_M * (latitudes[above] - p1) if above < len(points) else math.inf
            bound = min(south, north)
            while heap and heap[0][0] + _ROUNDING_M < bound:
                distance, _code, i = heapq.heappop(heap)
                yield distance, i
            if bound == math.inf:
                return
            if south <= north:
                i, below = below, below - 1
            else:
                i, above = above, above + 1
            point = points[i]
            # distance_m's haversine, with the point's half of it made once
            a = math.sin((latitudes[i] - p1) / 2) ** 2 + c1 * self._cosines[i] * math.sin(
                math.radians(point.longitude - lon) / 2) ** 2  # type: ignore[operator]
            heapq.heappush(heap, (2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a))), point.code, i))

    def nearest_open(self, lat: float, lon: float, local: datetime) -> tuple[PointFacts, float] | None:
        """The nearest point open at ``local``; if none is open then, the nearest one that opens
        that day; then the nearest one. ``None`` when the register has no placed active point."""
        for test in (is_open, open_on):
            wanted = {timetable for timetable, point in self._timetable_points.items() if test(point, local)}
            if wanted:
                return next((self.points[i], distance) for distance, i in self._ranked(lat, lon)
                            if self._timetables[i] in wanted)
        return next(((self.points[i], distance) for distance, i in self._ranked(lat, lon)), None)


Timetable = tuple[bool, bool, str, str]


def _timetable(point: PointFacts) -> Timetable:
    """What :func:`is_open` and :func:`open_on` read of a point, as one value (the hours written
    out, so that hours edited by hand into an odd shape cannot make the register fail to load)."""
    return point.active, point.holidays_closed, point.country, repr(sorted(point.hours.items()))


def nearest_open(points: Iterable[PointFacts], lat: float, lon: float, local: datetime,
                 ) -> tuple[PointFacts, float] | None:
    """The nearest active point open at ``local``; if none is open then, the nearest one that
    opens that day; then the nearest active one. ``None`` when no active point has a position."""
    return Register(points).nearest_open(lat, lon, local)


def hours_text(hours: Mapping[str, Sequence[Sequence[str]]], holidays_closed: bool, language: str) -> str:
    """Opening hours in words: consecutive days with the same hours are joined ("Pn–Pt 08:00–20:00")."""
    _ = translations(language).gettext
    names = [_(name) for name in DAY_NAMES]
    groups: list[tuple[int, int, str]] = []
    for index, day in enumerate(WEEKDAYS):
        ranges = hours.get(day) or []
        if not ranges:
            continue
        spec = ", ".join(f"{start}–{end}" for start, end in ranges)
        if groups and groups[-1][1] == index - 1 and groups[-1][2] == spec:
            groups[-1] = (groups[-1][0], index, spec)
        else:
            groups.append((index, index, spec))
    if not groups:
        return _(CLOSED)
    parts = [f"{names[a]}{'–' + names[b] if b != a else ''} {spec}" for a, b, spec in groups]
    if holidays_closed:
        parts.append(_(HOLIDAYS_CLOSED))
    return "; ".join(parts)



def describe(point: PointFacts, language: str) -> dict[str, str]:
    """What a notice, an alert or a record says about a point, in ``language``."""
    hours = hours_text(point.hours, point.holidays_closed, language) if point.hours else (point.free_hours or "")
    line = f"{point.name}, {point.address}" + (f" ({hours})" if hours else "")
    return {"code": point.code, "name": point.name, "address": point.address, "hours": hours, "text": line}
