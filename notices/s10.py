"""UPU S10 item identifiers (e.g. ``RR123456785PL``).

Two service letters, an 8-digit serial, a check digit and an ISO 3166 country code. The
check digit uses weights 8,6,4,2,3,5,9,7: C = 11 - (sum mod 11); 10 becomes 0, 11 becomes 5.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_PATTERN = re.compile(r"^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$")


class S10Error(ValueError):
    """The text is not a valid S10 identifier; ``reason`` says why in plain words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def check_digit(serial: str) -> int:
    """Return the check digit for an 8-digit serial number."""
    if len(serial) != 8 or not serial.isdigit():
        raise S10Error("the serial number must have exactly 8 digits")
    remainder = sum(int(d) * w for d, w in zip(serial, WEIGHTS, strict=True)) % 11
    c = 11 - remainder
    return {10: 0, 11: 5}.get(c, c)


@dataclass(frozen=True)
class S10:
    service: str
    serial: str
    check: int
    country: str

    def __str__(self) -> str:
        return f"{self.service}{self.serial}{self.check}{self.country}"

    @property
    def is_registered_letter(self) -> bool:
        return self.service.startswith("R")


def normalise(text: str) -> str:
    """Upper-case and drop the spaces scanners and people put in (``RR 123 456 785 PL``)."""
    return re.sub(r"[\s-]", "", text or "").upper()


def parse(text: str) -> S10:
    """Parse and verify an S10 identifier, raising :class:`S10Error` with the reason."""
    value = normalise(text)
    match = _PATTERN.match(value)
    if not match:
        raise S10Error("expected 2 letters, 9 digits and a 2-letter country code, e.g. RR123456785PL")
    service, serial, check, country = match.groups()
    expected = check_digit(serial)
    if int(check) != expected:
        raise S10Error(f"check digit is {check}, expected {expected}")
    return S10(service, serial, int(check), country)


def make(service: str, serial: int | str, country: str = "PL") -> str:
    """Build a valid identifier from its parts (used by demo data and tests)."""
    serial = f"{int(serial):08d}"
    return f"{service.upper()}{serial}{check_digit(serial)}{country.upper()}"
