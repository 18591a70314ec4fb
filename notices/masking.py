"""Masking personal data for public pages (the verification page behind a QR code)."""
from __future__ import annotations


def initials(name: str) -> str:
    parts = [p for p in (name or "").replace("-", " ").split() if p]
    return " ".join(f"{p[0].upper()}." for p in parts) or "—"


def phone(number: str | None) -> str | None:
    """Keep the country prefix and the last three digits: ``+48 *** *** 789``."""
    if not number:
        return None
    digits = [c for c in number if c.isdigit()]
    if len(digits) <= 5:
        return "*" * len(digits)
    prefix = "+" + "".join(digits[:2]) if number.startswith("+") else ""
    return f"{prefix} *** *** {''.join(digits[-3:])}".strip()


def email(address: str | None) -> str | None:
    if not address or "@" not in address:
        return None
    local, domain = address.rsplit("@", 1)
    return f"{local[0]}***@{domain}"


def street(line: str | None) -> str | None:
    """Keep the street name, hide the house and flat number."""
    if not line:
        return None
    words = line.split()
    kept = [w for w in words if not any(c.isdigit() for c in w)]
    return (" ".join(kept) + " ***").strip()


def postal_code(code: str | None) -> str | None:
    if not code:
        return None
    return code[:2] + "*" * (len(code) - 2)


def door_name(name: str | None) -> str:
    """Enough of the addressee's name to check a door or a mailbox, not the whole of it.

    ``"Jan Kowalski"`` → ``"J. Kow*****"``: the first name's initial, the surname's first three letters.
    """
    parts = [p for p in (name or "").split() if p]
    if not parts:
        return "—"
    surname = parts[-1]
    shown = surname[:3] + "*" * max(0, len(surname) - 3)
    return shown if len(parts) == 1 else f"{parts[0][0].upper()}. {shown}"
