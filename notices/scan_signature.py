"""The canonical encoding of a handheld scan: the exact bytes a device signs.

The handheld (``app/static/handheld/canonical.js``) and the server build the same text, and
the device signs it with its enrolled, non-extractable ECDSA P-256 key (SHA-256). Any change
to a signed field after signing — the number, the outcome, the time, the position, the
accuracy, the pickup point or the sequence — makes the signature fail.

Encoding ``awizo-scan-v1`` (UTF-8, fields separated by a single ``\\n``, no trailing newline)::

    awizo-scan-v1
    tracking_number=<S10, upper case, no spaces>        e.g. RR123456785PL
    outcome=<outcome code>                              e.g. notice_left
    occurred_at=<UTC, milliseconds, Z>                  e.g. 2026-11-23T10:15:00.000Z
    lat=<degrees, exactly 7 decimals | "none">          e.g. 52.2297000
    lon=<degrees, exactly 7 decimals | "none">          e.g. 21.0122000
    accuracy_m=<metres, exactly 1 decimal | "none">     e.g. 8.5
    no_fix=<"1" when the device had no position fix, else "0">
    pickup_point=<pickup point code | "">
    sequence=<decimal integer ≥ 1, no leading zeros>

Numbers are written with a fixed number of decimals, so the device rounds a value *before*
sending it (``Number(x.toFixed(7))``) and both sides format the same double the same way.
``occurred_at`` is the device's clock at the moment of the scan, truncated to milliseconds
(what ``Date.prototype.toISOString`` gives). The signature is sent as the raw 64-byte
``r || s`` (IEEE P1363, what WebCrypto produces), base64url without padding.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

VERSION = "awizo-scan-v1"
LATLON_DECIMALS = 7
ACCURACY_DECIMALS = 1


@dataclass(frozen=True)
class SignedScan:
    tracking_number: str
    outcome: str
    occurred_at: datetime
    latitude: float | None
    longitude: float | None
    accuracy_m: float | None
    no_fix: bool
    pickup_point: str | None
    sequence: int


def format_time(value: datetime) -> str:
    """UTC with milliseconds and a ``Z``: ``2026-11-23T10:15:00.123Z``."""
    if value.tzinfo is None:
        raise ValueError("occurred_at needs a time zone")
    utc = value.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _fixed(value: float | None, decimals: int) -> str:
    if value is None:
        return "none"
    text = f"{value:.{decimals}f}"
    return "0." + "0" * decimals if text == "-0." + "0" * decimals else text


def canonical_text(scan: SignedScan) -> str:
    """The text a device signs for ``scan`` (see the module docstring for the format)."""
    if scan.sequence < 1:
        raise ValueError("sequence starts at 1")
    return "\n".join((
        VERSION,
        f"tracking_number={scan.tracking_number}",
        f"outcome={scan.outcome}",
        f"occurred_at={format_time(scan.occurred_at)}",
        f"lat={_fixed(scan.latitude, LATLON_DECIMALS)}",
        f"lon={_fixed(scan.longitude, LATLON_DECIMALS)}",
        f"accuracy_m={_fixed(scan.accuracy_m, ACCURACY_DECIMALS)}",
        f"no_fix={'1' if scan.no_fix else '0'}",
        f"pickup_point={scan.pickup_point or ''}",
        f"sequence={scan.sequence}",
    ))


def canonical_bytes(scan: SignedScan) -> bytes:
    return canonical_text(scan).encode("utf-8")
