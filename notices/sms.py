"""SMS facts: how many segments a text costs, and when a recipient's quiet hours end.

An SMS is sent in GSM-7 when every character is in the GSM 03.38 alphabet (160 septets
alone, 153 per part of a multipart message; ``^{}[]~|€\\`` cost two), otherwise in UCS-2
(70 characters alone, 67 per part). One Polish letter with a diacritic (ą, ę, ł, ś…)
switches the whole message to UCS-2.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from notices.i18n import LANGUAGES, N_, translations

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")


@dataclass(frozen=True)
class SegmentCount:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int     # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text)


def count_segments(text: str) -> SegmentCount:
    """The encoding and number of segments an SMS with ``text`` is billed and sent as."""
    if is_gsm7(text):
        units = sum(2 if c in GSM7_EXTENDED else 1 for c in text)
        single, part, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part, encoding = 70, 67, "UCS-2"
    if units <= single:
        return SegmentCount(encoding, units, 1 if units else 0)
    return SegmentCount(encoding, units, -(-units // part))


def fit_segments(render: Callable[[str], str], variable: str, max_segments: int = 2) -> str:
    """``render(variable)``, shortening ``variable`` (with an ellipsis) until it fits.

    Used for the free-text part of an SMS (a pickup point's name) so the fixed facts — item
    number, deadline, link — always survive intact.
    """
    text = render(variable)
    value = variable
    while count_segments(text).segments > max_segments and value:
        value = value[:-1].rstrip()
        text = render(value + "…" if value else "")
    return text


# -- quiet hours ---------------------------------------------------------------------------

@dataclass(frozen=True)
class QuietHours:
    """A daily window (local time in ``tz``) in which no SMS is sent, e.g. 21:00–08:00."""

    start: time = time(21, 0)
    end: time = time(8, 0)
    tz: str = "Europe/Warsaw"

    @classmethod
    def parse(cls, spec: str, tz: str = "Europe/Warsaw") -> QuietHours | None:
        """``"21:00-08:00"``; an empty spec or ``"off"`` means no quiet hours."""
        if not spec or spec.strip().lower() in ("off", "none", "-"):
            return None
        start, end = (time.fromisoformat(part.strip()) for part in spec.split("-", 1))
        return cls(start, end, tz)


def _local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock ``at`` on ``day``; a time skipped by DST moves forward."""
    local = datetime.combine(day, at, tzinfo=zone)
    back = local.astimezone(timezone.utc).astimezone(zone)
    if back.replace(tzinfo=None) != local.replace(tzinfo=None):  # inside a spring-forward gap
        local = datetime.combine(day, at, tzinfo=zone) + timedelta(hours=1)
    return local.astimezone(timezone.utc)


def quiet_hours_end(now: datetime, quiet: QuietHours | None) -> datetime | None:
    """When ``now`` falls inside the quiet hours, the UTC instant they end; otherwise None.

    Computed in the recipient's wall-clock time, so a night that spans a DST change still
    ends at 08:00 local time (not after a fixed number of hours).
    """
    if quiet is None or quiet.start == quiet.end:
        return None
    zone = ZoneInfo(quiet.tz)
    local = now.astimezone(zone)
    at = local.time().replace(tzinfo=None)
    if quiet.start > quiet.end:  # overnight window
        if at >= quiet.start:
            return _local_instant(local.date() + timedelta(days=1), quiet.end, zone)
        if at < quiet.end:
            return _local_instant(local.date(), quiet.end, zone)
        return None
    if quiet.start <= at < quiet.end:
        return _local_instant(local.date(), quiet.end, zone)
    return None


HELD_BY_QUIET_HOURS = N_("wstrzymany do {time} (godziny ciszy)")


def held_text(until: datetime, tz: str) -> dict[str, str]:
    """What a person is told about an SMS that quiet hours hold: every language, local time.

    ``{"pl": "wstrzymany do 08:00 (godziny ciszy)", "en": "held until 08:00 (quiet hours)"}``;
    the time is ``until`` on the wall clock of ``tz`` (the operator's time zone on staff pages).
    """
    at = until.astimezone(ZoneInfo(tz)).strftime("%H:%M")
    return {lang: translations(lang).gettext(HELD_BY_QUIET_HOURS).format(time=at) for lang in LANGUAGES}
