"""Carrier verification: per carrier and day, how the attempts compare with the depot's.

An operator looks for the carrier whose "not home" share is far above the depot's average,
whose scans raise checks (far from the address, at the depot, too fast, in bursts…), and
whose attempts are disputed. Case counts come from a function the cases area hands in
(:func:`set_case_counts`); without it the page shows none.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from app.models import Attempt, Carrier, Item
from notices.outcomes import Outcome
from notices.scan_plot import PlotDepot, PlotScan, scan_plot_svg

# (session, carrier ids, start, end) -> {carrier_id: {"open": n, "upheld": n}}
CaseCounts = Callable[[Session, list[int], datetime, datetime], dict[int, dict[str, int]]]
_KEY = "awizo.carrier_case_counts"


def set_case_counts(app, counts: CaseCounts) -> None:
    """Wire the cases area's counts of open and upheld cases per carrier into the page."""
    app.extensions[_KEY] = counts


def case_counts_of(app) -> CaseCounts | None:
    return app.extensions.get(_KEY)


@dataclass
class CarrierDay:
    carrier_id: int
    name: str
    depot: str | None
    attempts: int = 0
    not_home: int = 0
    flagged: int = 0
    by_check: Counter = field(default_factory=Counter)
    depot_share: float | None = None
    cases: dict[str, int] | None = None

    @property
    def not_home_share(self) -> float | None:
        return self.not_home / self.attempts if self.attempts else None


def day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    zone = ZoneInfo(tz)
    start = datetime.combine(day, time(0), zone)
    return start.astimezone(timezone.utc), (start + timedelta(days=1)).astimezone(timezone.utc)


def _attempts_of_day(session: Session, start: datetime, end: datetime, carrier_id: int | None = None):
    query = (sa.select(Attempt).options(joinedload(Attempt.item).joinedload(Item.location))
             .where(Attempt.occurred_at >= start, Attempt.occurred_at < end).order_by(Attempt.occurred_at, Attempt.id))
    if carrier_id is not None:
        query = query.where(Attempt.carrier_id == carrier_id)
    return session.scalars(query).unique().all()


def carrier_day_report(session: Session, day: date, tz: str, case_counts: CaseCounts | None = None) -> list[CarrierDay]:
    """One row per carrier with attempts that day, the most "not home" first."""
    start, end = day_bounds(day, tz)
    carriers = {c.id: c for c in session.scalars(sa.select(Carrier).options(joinedload(Carrier.default_pickup_point)))}
    rows: dict[int, CarrierDay] = {}
    for attempt in _attempts_of_day(session, start, end):
        carrier = carriers[attempt.carrier_id]
        row = rows.get(carrier.id)
        if row is None:
            depot = carrier.default_pickup_point.code if carrier.default_pickup_point else None
            row = rows[carrier.id] = CarrierDay(carrier.id, carrier.name, depot)
        row.attempts += 1
        row.not_home += attempt.outcome == Outcome.NOTICE_LEFT
        result = attempt.check_result
        codes = {r["code"] for r in result.results} if result is not None else set()
        row.flagged += bool(codes)
        row.by_check.update(codes)
    totals: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows.values():
        totals[row.depot][0] += row.not_home
        totals[row.depot][1] += row.attempts
    counts = case_counts(session, list(rows), start, end) if case_counts and rows else {}
    for row in rows.values():
        not_home, attempts = totals[row.depot]
        row.depot_share = not_home / attempts if attempts else None
        row.cases = counts.get(row.carrier_id, {"open": 0, "upheld": 0}) if case_counts else None
    return sorted(rows.values(), key=lambda r: (-(r.not_home_share or 0), r.name))


def carrier_day_plot(session: Session, carrier_id: int, day: date, tz: str, title: str) -> str:
    """The SVG of one carrier's scans that day against the address points they were for."""
    start, end = day_bounds(day, tz)
    zone = ZoneInfo(tz)
    scans, depots = [], {}
    for attempt in _attempts_of_day(session, start, end, carrier_id):
        for point in (attempt.pickup_point, attempt.carrier.default_pickup_point):
            if point is not None and point.latitude is not None:
                depots[point.code] = PlotDepot(point.code, point.latitude, point.longitude)
        if attempt.latitude is None:
            continue
        location = attempt.item.location
        address = (location.latitude, location.longitude) if location and location.latitude is not None else None
        result = attempt.check_result
        codes = tuple(r["code"] for r in result.results) if result is not None else ()
        scans.append(PlotScan(f"{attempt.item.tracking_number} {attempt.occurred_at.astimezone(zone):%H:%M:%S}",
                              attempt.latitude, attempt.longitude, codes, address))
    return scan_plot_svg(scans, list(depots.values()), title)

