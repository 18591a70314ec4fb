"""How alerts name a pickup point: its register name, address and opening hours, in the alert's
language.

The one place the alerts read a pickup point: the register (notices/pickup_points.py) supplies
the wording, so every message says what the notice and the record page say.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.models import PickupPoint
from notices import pickup_points as point_rules


@dataclass(frozen=True)
class PickupWords:
    name: str
    address: str
    """The address, followed by the opening hours in brackets when the register has them."""


def describe_pickup(pickup: PickupPoint | None, lang: str) -> PickupWords:
    """The pickup point's name (as in the register), address and hours for an alert in ``lang``."""
    if pickup is None:
        return PickupWords("", "")
    about = point_rules.describe(pickup.facts(), lang)
    hours = about["hours"]
    return PickupWords(about["name"], about["address"] + (f" ({hours})" if hours else ""))
