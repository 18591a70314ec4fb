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
from notices.i18n import N_, translations

KINDS = {
    "no_notice_found": N_("Nie znalazłem(-am) awizo"),
    "was_home": N_("Byłem(-am) w domu, nikt nie pukał"),
    "repeat_notice_missing": N_("Nie było powtórnego awizo"),
    "wrong_pickup_point": N_("Zła placówka odbioru"),
    "other": N_("Inna sprawa"),
}
# Kinds saying the notice never reached the recipient: an upheld one contests deemed service.
NOTICE_KINDS = ("no_notice_found", "was_home", "repeat_notice_missing")
STATUSES = {
    "open": N_("przyjęta"),
    "in_progress": N_("w toku"),
    "awaiting_carrier": N_("czeka na wyjaśnienia listonosza"),
    "escalated": N_("przekazana wyżej, nowy termin"),
    "decided": N_("rozpatrzona"),
}
OPEN_STATUSES = ("open", "in_progress", "awaiting_carrier", "escalated")
DECISIONS = {
    "upheld": N_("uznana"),
    "partly_upheld": N_("uznana częściowo"),
    "rejected": N_("nieuznana"),
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


def label(table: dict[str, str], code: str, language: str) -> str:
    """The name of ``code`` from one of the tables above, in ``language``."""
    name = table.get(code)
    return translations(language).gettext(name) if name is not None else code
