"""Checks on a delivery attempt: where, when and how a scan was made, against plain rules.

Each rule looks at one attempt and the facts around it (the recipient's address point, the
carrier's depot, the carrier's previous scan, the carrier's other scans around the same time,
the device clock) and either raises a :class:`Check` with its figures or stays silent. The
callers gather the facts; nothing here reads a database or a clock.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

# IUGG mean Earth radius (R1), in metres.
EARTH_RADIUS_M = 6_371_008.8

CODES = ("far_from_address", "at_depot", "implausible_speed", "burst", "outside_hours",
         "poor_accuracy", "clock_skew", "no_notice_printed", "late_record")


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float, radius_m: float = EARTH_RADIUS_M) -> float:
    """Great-circle distance between two WGS84 points, in metres (spherical Earth)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * radius_m * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Rules:
    """Thresholds, as the operator configures them."""

    min_far_m: float = 150.0           # far_from_address: beyond max(this, 2 × accuracy)
    depot_radius_m: float = 200.0      # at_depot: a scan this close to the depot / pickup point
    max_speed_kmh: float = 150.0       # implausible_speed: no courier travels faster between scans
    burst_window_s: float = 60.0       # burst: this many seconds either side of the scan…
    burst_min_attempts: int = 3        # …holding at least this many attempts at 2+ addresses
    poor_accuracy_m: float = 100.0     # poor_accuracy: a reported accuracy worse than this
    clock_tolerance_s: float = 60.0    # clock_skew: device vs server clock
    late_record_tolerance_s: float = 3600.0  # late_record: claimed time vs arrival (offline handhelds)
    hours_start: time = time(8, 0)     # outside_hours: delivery hours in the operator's zone
    hours_end: time = time(20, 0)
    timezone: str = "Europe/Warsaw"

    @property
    def hours(self) -> str:
        return f"{self.hours_start:%H:%M}-{self.hours_end:%H:%M}"


def parse_hours(text: str) -> tuple[time, time]:
    """``"08:00-20:00"`` → (08:00, 20:00); raises ValueError on anything else."""
    start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    if start >= end:
        raise ValueError("delivery hours must start before they end")
    return start, end


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float


@dataclass(frozen=True)
class Depot:
    code: str
    lat: float
    lon: float


@dataclass(frozen=True)
class OtherScan:
    """Another scan by the same carrier: its attempt, time, place and address."""

    attempt_id: int
    occurred_at: datetime
    address_key: str
    lat: float | None = None
    lon: float | None = None
    accuracy_m: float | None = None


@dataclass(frozen=True)
class AttemptFacts:
    """One attempt and what is known around it when the checks run."""

    occurred_at: datetime
    leaves_notice: bool
    address_key: str
    location: Point | None = None
    accuracy_m: float | None = None
    address: Point | None = None              # the recipient's address point, if known
    depots: tuple[Depot, ...] = ()            # the carrier's depot and the notice's pickup point
    previous: OtherScan | None = None         # the carrier's previous located scan
    neighbours: tuple[OtherScan, ...] = ()    # the carrier's other scans around this one
    clock_skew_s: float | None = None         # device clock minus server clock at sending
    notice_printed: bool = False
    recorded_at: datetime | None = None       # when the system saw the attempt


@dataclass(frozen=True)
class Check:
    code: str
    figures: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, **self.figures}


def distance_to_address(facts: AttemptFacts) -> float | None:
    if facts.location is None or facts.address is None:
        return None
    return haversine_m(facts.location.lat, facts.location.lon, facts.address.lat, facts.address.lon)


def evaluate(facts: AttemptFacts, rules: Rules) -> list[Check]:
    """Every check the attempt raises, in the order of :data:`CODES`."""
    raised = [rule(facts, rules) for rule in (_far, _at_depot, _speed, _burst, _hours, _accuracy, _clock, _printed,
                                          _late)]
    return [check for check in raised if check is not None]


def _far(facts: AttemptFacts, rules: Rules) -> Check | None:
    distance = distance_to_address(facts)
    if distance is None:
        return None
    threshold = max(rules.min_far_m, 2 * (facts.accuracy_m or 0))
    if distance <= threshold:
        return None
    return Check("far_from_address", {"distance_m": round(distance), "threshold_m": round(threshold),
                                      "accuracy_m": facts.accuracy_m})


def _at_depot(facts: AttemptFacts, rules: Rules) -> Check | None:
    if facts.location is None:
        return None
    to_address = distance_to_address(facts)
    for depot in facts.depots:
        distance = haversine_m(facts.location.lat, facts.location.lon, depot.lat, depot.lon)
        if distance > rules.depot_radius_m:
            continue
        if to_address is not None and to_address <= max(rules.min_far_m, 2 * (facts.accuracy_m or 0)):
            return None  # the recipient lives next to the depot: the scan is at the address too
        return Check("at_depot", {"pickup_point": depot.code, "depot_distance_m": round(distance),
                                  "depot_radius_m": round(rules.depot_radius_m),
                                  "distance_m": None if to_address is None else round(to_address)})
    return None


def _speed(facts: AttemptFacts, rules: Rules) -> Check | None:
    previous = facts.previous
    if facts.location is None or previous is None or previous.lat is None or previous.lon is None:
        return None
    distance = haversine_m(previous.lat, previous.lon, facts.location.lat, facts.location.lon)
    # Only the distance the two fixes' accuracies cannot explain counts.
    travelled = max(0.0, distance - (facts.accuracy_m or 0) - (previous.accuracy_m or 0))
    seconds = (facts.occurred_at - previous.occurred_at).total_seconds()
    if travelled <= 0 or seconds < 0:
        return None
    speed = travelled / max(seconds, 1.0) * 3.6
    if speed <= rules.max_speed_kmh:
        return None
    return Check("implausible_speed", {"speed_kmh": round(speed, 1), "distance_m": round(distance),
                                       "seconds": round(seconds, 1), "previous_attempt_id": previous.attempt_id,
                                       "max_speed_kmh": rules.max_speed_kmh})


def _burst(facts: AttemptFacts, rules: Rules) -> Check | None:
    near = [n for n in facts.neighbours
            if abs((n.occurred_at - facts.occurred_at).total_seconds()) <= rules.burst_window_s]
    addresses = {facts.address_key, *(n.address_key for n in near)}
    if len(near) + 1 < rules.burst_min_attempts or len(addresses) < 2:
        return None
    return Check("burst", {"attempts": len(near) + 1, "addresses": len(addresses),
                           "window_s": round(rules.burst_window_s)})


def _hours(facts: AttemptFacts, rules: Rules) -> Check | None:
    local = facts.occurred_at.astimezone(ZoneInfo(rules.timezone))
    if rules.hours_start <= local.time() < rules.hours_end:
        return None
    return Check("outside_hours", {"local_time": f"{local:%H:%M}", "hours": rules.hours})


def _accuracy(facts: AttemptFacts, rules: Rules) -> Check | None:
    if facts.accuracy_m is None or facts.accuracy_m <= rules.poor_accuracy_m:
        return None
    return Check("poor_accuracy", {"accuracy_m": facts.accuracy_m, "limit_m": rules.poor_accuracy_m})


def _clock(facts: AttemptFacts, rules: Rules) -> Check | None:
    if facts.clock_skew_s is None or abs(facts.clock_skew_s) <= rules.clock_tolerance_s:
        return None
    return Check("clock_skew", {"skew_s": round(facts.clock_skew_s, 1), "tolerance_s": rules.clock_tolerance_s})


def _printed(facts: AttemptFacts, rules: Rules) -> Check | None:
    if not facts.leaves_notice or facts.notice_printed:
        return None
    return Check("no_notice_printed", {"printed": False})


def _late(facts: AttemptFacts, rules: Rules) -> Check | None:
    """The attempt reached the system long after the time the carrier claims for it.

    An offline handheld legitimately sends late, within the tolerance; beyond it, the recipient's
    days may already be running out before anyone could tell him.
    """
    if facts.recorded_at is None:
        return None
    delay = (facts.recorded_at - facts.occurred_at).total_seconds()
    if delay <= rules.late_record_tolerance_s:
        return None
    return Check("late_record", {"delay_s": round(delay), "tolerance_s": round(rules.late_record_tolerance_s),
                                 "occurred_at": facts.occurred_at.isoformat(),
                                 "recorded_at": facts.recorded_at.isoformat()})
