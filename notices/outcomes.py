"""Delivery-attempt outcomes and the UPU EMSEVT events they stand for.

``EMI`` is a delivery; ``EMH`` is an unsuccessful attempt that must carry a reason and the
action taken (e.g. a notice left and the item held at a pickup point until a date).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    DELIVERED = "delivered"
    NOTICE_LEFT = "notice_left"
    REFUSED = "refused"
    ADDRESS_UNKNOWN = "address_unknown"
    MOVED = "moved"
    NO_ACCESS = "no_access"


@dataclass(frozen=True)
class UpuEvent:
    code: str            # EMI / EMH
    reason: str | None   # why the attempt failed (EMH only)
    action: str | None   # what the carrier did about it (EMH only)
    leaves_notice: bool  # a paper notice is left and the item waits at a pickup point


UPU_EVENTS: dict[Outcome, UpuEvent] = {
    Outcome.DELIVERED: UpuEvent("EMI", None, None, False),
    Outcome.NOTICE_LEFT: UpuEvent("EMH", "addressee_absent", "notice_left_item_held", True),
    Outcome.REFUSED: UpuEvent("EMH", "refused", "return_to_sender", False),
    Outcome.ADDRESS_UNKNOWN: UpuEvent("EMH", "address_unknown", "return_to_sender", False),
    Outcome.MOVED: UpuEvent("EMH", "addressee_moved", "return_to_sender", False),
    Outcome.NO_ACCESS: UpuEvent("EMH", "no_access_to_premises", "notice_left_item_held", True),
}


def upu_event(outcome: Outcome | str) -> UpuEvent:
    return UPU_EVENTS[Outcome(outcome)]
