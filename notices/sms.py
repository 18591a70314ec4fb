"""SMS facts: how many segments a text costs, and when a recipient's quiet hours end.

An SMS is sent in GSM-7 when every character is in the GSM 03.38 alphabet (160 septets
alone, 153 per part of a multipart message; the extension table's ``^{}[]~|€\\`` and form
feed cost two), otherwise in UCS-2 (70 UTF-16 code units alone, 67 per part). One Polish
letter with a diacritic (ą, ę, ł, ś…) or one Cyrillic letter switches the whole message to
UCS-2. Free-text parts of an SMS are shortened at word boundaries, never mid-word.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
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


GSM7_SINGLE, GSM7_PART = 160, 153  # septets: alone, and per part after the 6-octet UDH
UCS2_SINGLE, UCS2_PART = 70, 67    # UTF-16 code units: alone, and per part


GSM7_ALL = GSM7_BASIC | GSM7_EXTENDED


def is_gsm7(text: str) -> bool:
    return GSM7_ALL.issuperset(text)


def _units(text: str, gsm7: bool) -> list[int]:
    """The cost of each character: septets (an extension character is ESC + itself) or UTF-16 units."""
    if gsm7:
        return [2 if c in GSM7_EXTENDED else 1 for c in text]
    return [2 if ord(c) > 0xFFFF else 1 for c in text]


def count_segments(text: str) -> SegmentCount:
    """The encoding and number of segments an SMS with ``text`` is billed and sent as.

    A multipart message is packed part by part the way handsets and gateways split it: an
    escape sequence (GSM-7) or a surrogate pair (UCS-2) never straddles two parts, so such a
    character at a boundary moves whole to the next part.
    """
    gsm7 = is_gsm7(text)
    single, part = (GSM7_SINGLE, GSM7_PART) if gsm7 else (UCS2_SINGLE, UCS2_PART)
    encoding = "GSM-7" if gsm7 else "UCS-2"
    if GSM7_EXTENDED.isdisjoint(text) if gsm7 else text.isascii() or max(text) <= "\uffff":
        total = len(text)  # every character costs one unit: whole parts, nothing moves
        return SegmentCount(encoding, total, 1 if 0 < total <= single else -(-total // part))
    costs = _units(text, gsm7)
    total = sum(costs)
    if total <= single:
        return SegmentCount(encoding, total, 1 if total else 0)
    segments, used = 1, 0
    for cost in costs:
        if used + cost > part:
            segments, used = segments + 1, 0
        used += cost
    return SegmentCount(encoding, total, segments)


ELLIPSIS = "…"


def shorten_words(value: str, words: int) -> str:
    """The first ``words`` words of ``value`` and an ellipsis; the whole value when nothing is cut.

    Never cuts inside a word; punctuation left dangling before the ellipsis is dropped.
    """
    parts = value.split()
    if words >= len(parts):
        return value
    return " ".join(parts[:words]).rstrip(" ,;:.-–—/") + ELLIPSIS


def fit_fields(render: Callable[..., str], fields: Mapping[str, str], max_segments: int) -> str:
    """``render(**fields)``, shortening the free-text fields word by word until it fits.

    The fields are the parts that may be shortened (a pickup point's name, a sender's name);
    everything else the template holds (item number, deadline, link) is never touched. The
    longest field loses its last word first, so a long name pays before a short one; a field
    shortened to nothing shows as a lone ellipsis. If the text still does not fit with every
    field at its shortest, that is returned: the facts are never cut.
    """
    kept = {name: len(value.split()) for name, value in fields.items()}

    def current() -> dict[str, str]:
        return {name: shorten_words(value, kept[name]) for name, value in fields.items()}

    text = render(**current())
    while count_segments(text).segments > max_segments:
        shown = current()
        candidates = [name for name in fields if kept[name] > 0]
        if not candidates:
            break
        longest = max(candidates, key=lambda name: len(shown[name]))
        kept[longest] -= 1
        text = render(**current())
    return text


def fit_segments(render: Callable[[str], str], variable: str, max_segments: int = 2) -> str:
    """``render(variable)``, shortening ``variable`` at word boundaries (with an ellipsis) until it fits."""
    return fit_fields(lambda value: render(value), {"value": variable}, max_segments)  # noqa: PLW0108


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
