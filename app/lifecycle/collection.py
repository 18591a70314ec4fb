"""Who may record a collection at the counter, who collected, and when it may be dated.

Collection is the one event that cancels deemed service, so it is bounded: only a device of the
item's pickup point (or of the carrier that left the notice there) or staff may record it, the
person who collected is named with the identity document they showed, and the moment cannot be
earlier than the notice that sent the item to the pickup point, earlier than the item's
registration, or later than now.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.errors import FieldError, Forbidden, Problem
from app.models import Device, Item
from app.models.lifecycle import ItemLifecycle
from app.models.types import iso
from notices.vocabulary import CollectionScope, IdDocument

LAST_DIGITS = re.compile(r"[0-9A-Z]{3,4}")
NAME_MAX = 200


@dataclass(frozen=True)
class Collector:
    """The person who took the item: their name and the document they showed (last characters only)."""

    name: str
    id_type: IdDocument
    id_last_digits: str

    def as_data(self) -> dict:
        return {"name": self.name, "id_type": self.id_type.value, "id_last_digits": self.id_last_digits}


def parse_collector(name: object, id_type: object, last_digits: object, problem: Problem,
                    fields: tuple[str, str, str] = ("collected_by", "id_type", "id_last_digits")) -> Collector | None:
    """Check the three facts about the collector; each mistake is added to ``problem`` under its field."""
    name_field, type_field, digits_field = fields
    ok = True
    if not isinstance(name, str) or not name.strip() or len(name) > NAME_MAX or "\x00" in name:
        problem.add(name_field, f"is required: the name of the person who collected (at most {NAME_MAX} characters)")
        ok = False
    if id_type not in {d.value for d in IdDocument}:
        problem.add(type_field, "must be one of " + ", ".join(d.value for d in IdDocument))
        ok = False
    digits = last_digits.strip().upper() if isinstance(last_digits, str) else None
    if digits is None or not LAST_DIGITS.fullmatch(digits):
        problem.add(digits_field, "must be the last 3 or 4 letters or digits of the document number")
        ok = False
    if not ok or not isinstance(name, str) or not isinstance(id_type, str) or digits is None:
        return None  # ``ok`` already implies the three; the checks narrow the types
    return Collector(name.strip(), IdDocument(id_type), digits)


def check_collection_time(when: datetime, item: Item, lifecycle: ItemLifecycle, now: datetime,
                          max_skew_s: float = 0, field: str = "collected_at") -> None:
    """A collection is dated after the notice and the registration, and not after now (plus clock skew)."""
    problem = Problem()
    if when > now + timedelta(seconds=max_skew_s):
        problem.add(field, "is in the future")
    elif when < lifecycle.notice_at:
        problem.add(field, f"is before the notice that sent the item to the pickup point ({iso(lifecycle.notice_at)})")
    elif when < item.created_at:
        problem.add(field, f"is before the item was registered ({iso(item.created_at)})")
    problem.raise_if_any()


def check_device_may_collect(device: Device, lifecycle: ItemLifecycle, scope: str) -> None:
    """Refuse (403) a device that is not of the item's pickup point nor the carrier that left the notice."""
    if scope == CollectionScope.STAFF_ONLY:
        raise Forbidden("Collections are recorded by staff at the pickup point, not from a device.",
                        [FieldError("Authorization", "devices may not record collections here")])
    carrier = device.carrier
    if carrier.id == lifecycle.carrier_id or (
            lifecycle.pickup_point_id is not None and carrier.default_pickup_point_id == lifecycle.pickup_point_id):
        return
    raise Forbidden("This device belongs neither to the item's pickup point nor to the carrier who left its notice.",
                    [FieldError("Authorization", "device is outside the item's pickup point")])
