"""How alerts name a pickup point: its register name and address, in the alert's language.

The one place the alerts read a pickup point, so the register of pickup points can supply the
wording (name, address, opening hours per language) without touching every message.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.models import PickupPoint


@dataclass(frozen=True)
class PickupWords:
    name: str
    address: str


def describe_pickup(pickup: PickupPoint | None, lang: str) -> PickupWords:
    """The pickup point's name (as in the register) and address for an alert in ``lang``."""
    del lang  # the register's names are not translated yet
    if pickup is None:
        return PickupWords("", "")
    return PickupWords(pickup.name, pickup.address)
