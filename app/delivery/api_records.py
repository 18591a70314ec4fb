"""What the API answers about an item: its record, attempts, alerts and events (pydantic models).

They describe :func:`app.delivery.records.item_record` and ``attempt_data`` for the OpenAPI
document; the contract tests check every real answer against them.
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.web.api_types import DateTime, Omit, Uri, one_of
from notices.outcomes import Outcome
from notices.vocabulary import ContactChannel, ItemStatus, UpuEventCode


class Closed(BaseModel):
    """An answer that carries exactly these fields."""

    model_config = ConfigDict(extra="forbid")


class Location(BaseModel):
    lat: float
    lon: float
    accuracy_m: float | None = None


class PickupPoint(BaseModel):
    code: str
    name: str
    address: str | None = None
    opening_hours: str | None = Field(None, description="in Polish, as the register describes them now")
    opening_hours_en: str | None = Field(None, description="the same in English")


class UpuEvent(BaseModel):
    code: one_of(c.value for c in UpuEventCode)
    reason: str | None = None
    action: str | None = None


class AttemptCarrier(BaseModel):
    id: int | Omit = None
    name: str | Omit = None


class AttemptDevice(BaseModel):
    id: int | None = None
    label: str | None = None


class Check(BaseModel):
    code: str
    text: str


class Distance(BaseModel):
    """how far from the address point the scan was, in words too"""

    m: float
    text: str


class Words(BaseModel):
    """the same in Polish and English"""

    pl: str
    en: str


class Attempt(BaseModel):
    id: int
    outcome: one_of(o.value for o in Outcome)
    upu_event: UpuEvent
    occurred_at: DateTime
    recorded_at: DateTime
    location: Location | None = None
    carrier: AttemptCarrier | Omit = None
    device: AttemptDevice | Omit = None
    pickup_point: PickupPoint | None = None
    collect_by: DateTime | None = None
    device_evidence: dict[str, Any] | None = None
    checks: list[Check] | Omit = Field(None, description="checks raised on the attempt: code, a sentence, and "
                                                          "figures such as distance_m or speed_kmh")
    distance_from_address: Distance | None = None
    corrects_attempt_id: int | None = Field(None, description="on a correction: the just-recorded attempt it "
                                                              "corrects (which stays in the record)")
    corrected_by: int | None = Field(None, description="the attempt that corrected this one, if any")
    correction_text: Words | None = Field(None, description="the correction in words, attempts numbered from 1")
    repeat_notice: bool | Omit = Field(None, description="this attempt left the repeat notice (its own time and place)")
    repeat_notice_late: bool | Omit = Field(None, description="the repeat notice was left after its day")


class Notification(BaseModel):
    id: int
    channel: one_of(c.value for c in ContactChannel)
    purpose: str | Omit = None
    to: str | None = None
    status: str
    attempt_id: int | None = None
    created_at: DateTime | None = None
    sent_at: DateTime | None = None
    updated_at: DateTime | None = None
    provider: str | None = None
    provider_message_id: str | None = None
    tries: int | None = None
    last_error: str | None = None
    error_code: str | None = None
    possibly_sent_twice: bool | Omit = Field(None, description="sent again after a worker stopped mid-send")
    held_until: DateTime | None = Field(None, description="a queued SMS that the recipient's quiet hours hold: when "
                                                          "it goes out (null when nothing holds it)")
    held_text: Words | None = Field(None, description="the same in words, operator's time: \"held until 08:00 "
                                                      "(quiet hours)\"")


class ItemEvent(BaseModel):
    kind: str
    occurred_at: DateTime
    data: dict[str, Any] | None = None


class ItemSender(BaseModel):
    name: str


class ItemRecipient(BaseModel):
    name: str
    address: dict[str, Any]
    phone: str | None = None
    email: str | None = None
    language: str | None = None


class ItemCase(BaseModel):
    case_number: str
    status: str
    kind: str | Omit = None
    decision: str | None = None
    due_at: DateTime | Omit = None


class NoticeFinding(BaseModel):
    """an upheld complaint found the notice was not left: the deemed-service date is contested"""

    case_number: str
    decision: str | Omit = None
    decided_at: DateTime | Omit = None
    text: Words | Omit = None


class ServiceName(BaseModel):
    pl: str | Omit = None
    en: str | Omit = None


class Item(BaseModel):
    """The whole record of an item: attempts, alerts and their statuses, events."""

    tracking_number: str
    service: str
    service_name: ServiceName | None = None
    status: one_of(s.value for s in ItemStatus)
    sender: ItemSender | Omit = None
    sender_reference: str | None = None
    content_sha256: str | None = Field(None, description="the sender's commitment to the letter's content")
    recipient: ItemRecipient
    registered_at: DateTime
    collect_by: DateTime | None = None
    verify_url: Uri
    cases: list[ItemCase] | Omit = Field(None, description="complaints about this item (see case.* webhook events)")
    notice_finding: NoticeFinding | None = None
    deadlines: dict[str, Any] | None = Field(None, description="collection and deemed-service dates once a notice "
                                                               "was left")
    attempts: list[Attempt]
    notifications: list[Notification]
    events: list[ItemEvent]


class ScanResult(Attempt):
    tracking_number: str
    item_status: str
    verify_url: str
