"""Complaints about a delivery ("I never got a notice"): kinds, statuses and due dates.

Framework-free: takes ``now`` and plain values. The operator's own target is counted in
working days of the operator's country (weekends and public holidays skipped); the statutory
limit for postal complaints in Poland is 30 days. A case is due at the end of its due day,
in the operator's time zone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from notices.holidays import add_days

KINDS = {
    "no_notice_found": ("Nie znalazłem(-am) awizo", "I found no notice"),
    "was_home": ("Byłem(-am) w domu, nikt nie pukał", "I was at home, nobody knocked"),
    "repeat_notice_missing": ("Nie było powtórnego awizo", "There was no repeat notice"),
    "wrong_pickup_point": ("Zła placówka odbioru", "Wrong pickup point"),
    "other": ("Inna sprawa", "Something else"),
}
# Kinds saying the notice never reached the recipient: an upheld one contests deemed service.
NOTICE_KINDS = ("no_notice_found", "was_home", "repeat_notice_missing")
STATUSES = {
    "open": ("przyjęta", "open"),
    "in_progress": ("w toku", "in progress"),
    "awaiting_carrier": ("czeka na wyjaśnienia listonosza", "awaiting the carrier's statement"),
    "escalated": ("przekazana wyżej, nowy termin", "escalated, new date"),
    "decided": ("rozpatrzona", "decided"),
}
OPEN_STATUSES = ("open", "in_progress", "awaiting_carrier", "escalated")
DECISIONS = {
    "upheld": ("uznana", "upheld"),
    "partly_upheld": ("uznana częściowo", "partly upheld"),
    "rejected": ("nieuznana", "rejected"),
}
STATUTORY_DAYS = 30
DEFAULT_TARGET_WORKING_DAYS = 5


@dataclass(frozen=True)
class DueDates:
    target_at: datetime       # the operator's own promise
    statutory_at: datetime    # the legal limit


def _end_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(23, 59, 59), zone)


def due_dates(opened_at: datetime, tz: str, *, target_working_days: int = DEFAULT_TARGET_WORKING_DAYS,
              country: str = "PL") -> DueDates:
    """When a case opened at ``opened_at`` must be decided: the operator's target and the law's."""
    zone = ZoneInfo(tz)
    start = opened_at.astimezone(zone).date()
    target = add_days(country, start, target_working_days, working=True)
    statutory = start + timedelta(days=STATUTORY_DAYS)
    target = min(target, statutory)
    return DueDates(_end_of(target, zone), _end_of(statutory, zone))


def escalated_due(previous_due: datetime, statutory_at: datetime, tz: str, *,
                  target_working_days: int = DEFAULT_TARGET_WORKING_DAYS, country: str = "PL") -> datetime:
    """The new date after a missed target: another target period, never past the statutory limit."""
    zone = ZoneInfo(tz)
    day = add_days(country, previous_due.astimezone(zone).date(), target_working_days, working=True)
    return min(_end_of(day, zone), statutory_at)


def label(table: dict[str, tuple[str, str]], code: str, language: str) -> str:
    pair = table.get(code)
    if pair is None:
        return code
    return pair[0] if language == "pl" else pair[1]
