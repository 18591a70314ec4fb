"""Service profiles: how long an item waits after a notice, per kind of item.

A minimal model for now (a first-notice period in calendar days); deadlines fall at the end
of the day in the operator's time zone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class ServiceProfile:
    code: str
    name_pl: str
    name_en: str
    first_notice_days: int
    deemed_service: bool = False


PROFILES: dict[str, ServiceProfile] = {
    p.code: p
    for p in (
        ServiceProfile("pl_official_letter", "List polecony urzędowy (KPA)", "Official letter (Poland, KPA)", 7, True),
        ServiceProfile("pl_registered_letter", "List polecony", "Registered letter (Poland)", 7),
        ServiceProfile("uk_signed_for", "Royal Mail Signed For", "Royal Mail Signed For", 18),
    )
}


def get_profile(code: str) -> ServiceProfile:
    return PROFILES[code]


def collection_deadline(profile: ServiceProfile, notice_at: datetime, tz: str) -> datetime:
    """The last moment to collect: end of the N-th day after the notice, in local time."""
    zone = ZoneInfo(tz)
    local_day = notice_at.astimezone(zone).date() + timedelta(days=profile.first_notice_days)
    return datetime.combine(local_day, time(23, 59, 59), tzinfo=zone)
