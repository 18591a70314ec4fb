"""Working days and public holidays, per country.

Public holidays come from the ``holidays`` package (kept up to date with statutes: e.g. Christmas
Eve is a public holiday in Poland from 2025, and Easter, Pentecost and Corpus Christi move
each year). A working day is a weekday that is not a public holiday; Saturday counts as a day
off, as the Polish Code of Administrative Procedure (art. 57 § 4) treats it for deadlines.
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays as _holidays

# ISO country code -> (country, subdivision) in the ``holidays`` package.
_CALENDARS = {"PL": ("PL", None), "GB": ("GB", "ENG"), "DE": ("DE", None)}


@lru_cache(maxsize=64)
def _year(country: str, year: int) -> frozenset[date]:
    code, subdiv = _CALENDARS.get(country, (country, None))
    return frozenset(_holidays.country_holidays(code, subdiv=subdiv, years=year).keys())


def public_holiday_name(country: str, day: date) -> str | None:
    """The holiday's name (English), or ``None`` on an ordinary day."""
    code, subdiv = _CALENDARS.get(country, (country, None))
    return _holidays.country_holidays(code, subdiv=subdiv, years=day.year).get(day)


def is_public_holiday(country: str, day: date) -> bool:
    return day in _year(country, day.year)


def is_working_day(country: str, day: date) -> bool:
    """Monday to Friday, and not a public holiday."""
    return day.weekday() < 5 and not is_public_holiday(country, day)


def next_working_day(country: str, day: date) -> date:
    """``day`` itself if it is a working day, otherwise the first working day after it."""
    while not is_working_day(country, day):
        day += timedelta(days=1)
    return day


def add_days(country: str, start: date, days: int, *, working: bool) -> date:
    """The day ``days`` days after ``start`` (which is not counted), calendar or working days."""
    if not working:
        return start + timedelta(days=days)
    day = start
    for _ in range(days):
        day = next_working_day(country, day + timedelta(days=1))
    return day
