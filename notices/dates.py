"""Dates and times as people read them, formatted by Babel (CLDR) in a time zone and a language.

One place decides how a moment reads on a page, in a PDF or in a message, so the portal, the
record page and the proof agree. The languages map to the CLDR locales of the people who read
them here: Polish (``pl_PL``), Ukrainian (``uk_UA``) and English as written in Europe
(``en_GB``: day before month, a 24-hour clock). Machine-readable values (ISO 8601 in JSON, logged
and signed statements) never go through this module.

Known answers (2026-03-29 01:30:05 UTC, Europe/Warsaw, CEST since 01:00 UTC that night):
``moment`` gives "29 mar 2026, 03:30" (pl), "29 Mar 2026, 03:30" (en), "29 бер. 2026 р., 03:30" (uk).
"""
from __future__ import annotations

import functools
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_datetime_format

from notices.i18n import language_or_default

LOCALES = {"pl": "pl_PL", "en": "en_GB", "uk": "uk_UA"}
NONE = "—"


def babel_locale(lang: str | None) -> str:
    """The CLDR locale for a language code ("pl", "en", "uk"; anything else reads as Polish)."""
    return LOCALES[language_or_default(lang)]


def parse(value: str | datetime | None) -> datetime | None:
    """An aware datetime from an ISO 8601 string (``Z`` allowed) or a datetime; naive means UTC."""
    if value is None or value == "":
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def moment(value: str | datetime | None, tz: str | None, lang: str | None, *, seconds: bool = False) -> str:
    """Date and time in ``tz``: "29 mar 2026, 03:30" (CLDR medium date, short or medium time).

    ``tz=None``: a datetime already in local time, written in its own zone."""
    when = parse(value)
    if when is None:
        return NONE
    local = when.astimezone(ZoneInfo(tz)) if tz else when
    locale = babel_locale(lang)
    time_text = format_time(local, "medium" if seconds else "short", tzinfo=local.tzinfo, locale=locale)
    pattern = str(get_datetime_format("medium", locale=locale))  # "{1}, {0}": date, then time
    return pattern.format(time_text, format_date(local, "medium", locale=locale))


def moment_with_utc(value: str | datetime | None, tz: str, lang: str | None) -> str:
    """A moment for evidence, to the second, with its zone and UTC:
    "2 mar 2026, 10:15:42 CET (09:15:42 UTC)". The zone's abbreviation is the same in every language."""
    when = parse(value)
    if when is None:
        return NONE
    local = when.astimezone(ZoneInfo(tz))
    utc = format_time(when.astimezone(timezone.utc), "HH:mm:ss", tzinfo=timezone.utc, locale=babel_locale(lang))
    return f"{moment(when, tz, lang, seconds=True)} {local.tzname()} ({utc} UTC)"


def day(value: str | date | datetime | None, lang: str | None, tz: str | None = None) -> str:
    """A calendar day: "7 gru 2026" / "7 Dec 2026" / "7 груд. 2026 р." (CLDR medium date).

    A datetime is first moved to ``tz`` when given; an ISO string of a date (``2026-12-07``) is a day."""
    if value is None or value == "":
        return NONE
    if isinstance(value, str):
        value = date.fromisoformat(value[:10]) if len(value) <= 10 else parse(value)
    if isinstance(value, datetime):
        return format_date(value.astimezone(ZoneInfo(tz)) if tz else value, "medium", locale=babel_locale(lang))
    return _day(value, babel_locale(lang))


@functools.lru_cache(maxsize=4096)
def _day(value: date, locale: str) -> str:
    """A day's medium date in a CLDR locale, formatted once per process (a sweep writes the same few
    days into thousands of messages)."""
    return format_date(value, "medium", locale=locale)


def clock(value: datetime, tz: str, lang: str | None) -> str:
    """A time of day in ``tz``: "08:00" (CLDR short time)."""
    local = value.astimezone(ZoneInfo(tz))
    return format_time(local, "short", tzinfo=local.tzinfo, locale=babel_locale(lang))
