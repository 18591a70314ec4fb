"""Case numbers people can read out on the phone: ``RK-2026-000123-7``.

``RK`` (reklamacja), the year the case was opened, a 6-digit serial counted per year and a
check character computed like the S10 check digit (weights 8,6,4,2,3,5,9,7,8,6 on the ten
digits of year and serial; C = 11 − (sum mod 11); 10 → 0, 11 → 5), so a mistyped digit or two
swapped neighbours is caught before anything is looked up.
"""
from __future__ import annotations

import re

PREFIX = "RK"
WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7, 8, 6)
_PATTERN = re.compile(r"^RK-?(\d{4})-?(\d{6})-?(\d)$")


def check_character(year: int, serial: int) -> str:
    digits = f"{year:04d}{serial:06d}"
    c = 11 - sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=True)) % 11
    return str({10: 0, 11: 5}.get(c, c))


def make(year: int, serial: int) -> str:
    """The case number for the ``serial``-th case of ``year``."""
    if not 1 <= serial <= 999_999 or not 2000 <= year <= 9999:
        raise ValueError("serial must be 1..999999 and year four digits")
    return f"{PREFIX}-{year:04d}-{serial:06d}-{check_character(year, serial)}"


def normalise(text: str) -> str | None:
    """The canonical form of a typed case number, or ``None`` when it is not one (bad check too)."""
    compact = re.sub(r"[\s_]", "", text or "").upper()
    match = _PATTERN.match(compact)
    if not match:
        return None
    year, serial, check = int(match[1]), int(match[2]), match[3]
    if serial == 0 or check_character(year, serial) != check:
        return None
    return make(year, serial)
