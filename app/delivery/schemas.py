"""The request bodies of registering an item and of a scan, as pydantic models.

The same models document the API (``components.schemas`` of /api/v1/openapi.json) and
validate it: each is compiled once per process (``app.web.apidoc.adapter``) and its errors
become problem+json naming each bad field (``recipient.address.postal_code``). Rules beyond a
schema sit in validators: the S10 check digit, a phone number read in the address's country,
a device time that is not in the future.
"""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from app.delivery.attempts import ScanInput
from app.delivery.items import NewItem as NewItemInput
from app.web.api_types import Timestamp, fmt, lowercase_choice, one_of, text
from app.web.apidoc import RequestModel, validate
from notices import s10
from notices.content import content_sha256
from notices.messages import LANGUAGES
from notices.outcomes import Outcome
from notices.profiles import PROFILES

S10 = r"^[A-Za-z]{2}\s?[0-9]{3}\s?[0-9]{3}\s?[0-9]{3}\s?[A-Za-z]{2}$"


def _s10(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("missing", "is required")
    try:
        return str(s10.parse(value))
    except s10.S10Error as exc:
        raise PydanticCustomError("s10", "is not a valid S10 item number: {reason}", {"reason": exc.reason}) from None


TrackingNumber = Annotated[str, AfterValidator(_s10), Field(
    json_schema_extra={"pattern": S10}, description="UPU S10 number; the check digit is verified",
    examples=["RR123456785PL"])]


class AddressPoint(RequestModel):
    """The address point (WGS84); otherwise looked up in the operator's address-point register"""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


def _country(value: str) -> str:
    value = value.upper()
    if len(value) != 2 or not value.isalpha():
        raise PydanticCustomError("country", "must be an ISO 3166 two-letter code")
    return value


class Address(RequestModel):
    line1: text(200)
    line2: text(200, required=False) = None
    postal_code: text(20)
    city: text(100)
    country: Annotated[text(2, json_schema_extra={"pattern": "^[A-Za-z]{2}$"}, description="ISO 3166-1 alpha-2"),
                       AfterValidator(_country)]
    location: AddressPoint | None = None


class NewRecipient(RequestModel):
    name: text(200)
    address: Address
    phone: text(30, required=False, description="E.164 or national number; SMS alerts") = None
    email: Annotated[text(320, required=False, description="e-mail alerts"), fmt("email")] = None
    language: lowercase_choice(LANGUAGES, "alert language, default pl") | None = None

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        address = info.data.get("address")
        try:
            number = phonenumbers.parse(value, address.country if address else "PL")
        except phonenumbers.NumberParseException:
            raise PydanticCustomError("phone", "is not a phone number") from None
        if not phonenumbers.is_valid_number(number):
            raise PydanticCustomError("phone", "is not a valid phone number")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            raise PydanticCustomError("email", "is not a valid e-mail address: {reason}", {"reason": str(exc)}) from None


def _content_digest(value: Any) -> str | None:
    """The optional SHA-256 of the letter's content, normalised to lowercase hex."""
    if value is None or value == "":
        return None
    try:
        return content_sha256(value)
    except ValueError as exc:
        raise PydanticCustomError("content_sha256", str(exc)) from None


ContentDigest = Annotated[Any, BeforeValidator(_content_digest), WithJsonSchema({
    "type": ["string", "null"], "pattern": "^[0-9a-fA-F]{64}$",
    "description": "SHA-256 of the letter's content (hex): a commitment shown on the proof",
    "examples": ["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"]})]


class NewItem(RequestModel):
    tracking_number: TrackingNumber
    service: one_of(sorted(PROFILES))
    recipient: NewRecipient
    sender_reference: text(100, required=False) = None
    content_sha256: ContentDigest = None


def parse_new_item(data: Any) -> NewItemInput:
    """A registration (API body, CSV row, portal form) as the service's input; 422 naming each bad field."""
    new: NewItem = validate(NewItem, data)
    recipient, address = new.recipient, new.recipient.address
    return NewItemInput(
        tracking_number=new.tracking_number, service=new.service, sender_reference=new.sender_reference,
        content_sha256=new.content_sha256, recipient_name=recipient.name, address_line1=address.line1, address_line2=address.line2,
        postal_code=address.postal_code, city=address.city, country=address.country, phone=recipient.phone,
        email=recipient.email, language=recipient.language or "pl",
        location=(address.location.lat, address.location.lon) if address.location else None,
    )


class Fix(RequestModel):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    accuracy_m: float = Field(ge=0)


class Scan(RequestModel):
    """A delivery attempt as a handheld reports it."""

    tracking_number: TrackingNumber
    outcome: one_of(o.value for o in Outcome)
    occurred_at: Annotated[Timestamp, Field(description="device time, with a time zone")]
    no_fix: bool = Field(False, description="true (with location null) when the device had no position fix: "
                                            "recorded and flagged as such")
    location: Fix | None
    pickup_point: text(40, required=False) = None
    # Read by the device-proof check (app.delivery.device_scans.parse_device_proof), documented here.
    sequence: Annotated[Any, WithJsonSchema({"type": "integer", "minimum": 1, "description": (
        "enrolled handhelds: the device's scan counter, only ever increasing; gaps, reordering and repeats "
        "are flagged on the attempt")})] = None
    signature: Annotated[Any, WithJsonSchema({"type": "string", "description": (
        "enrolled handhelds: ECDSA P-256/SHA-256 signature (raw r||s, base64url) over the canonical scan "
        "encoding 'awizo-scan-v1' (notices/scan_signature.py); a scan that does not verify is refused with 422")})] = None
    sent_at: Annotated[Any, WithJsonSchema({"type": "string", "format": "date-time", "description": (
        "enrolled handhelds: device clock when sending; a disagreement with the server clock beyond a "
        "tolerance is flagged")})] = None

    @model_validator(mode="before")
    @classmethod
    def _no_fix_needs_no_location(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("no_fix") is True and "location" not in data:
            return {**data, "location": None}
        return data

    @field_validator("location")
    @classmethod
    def _stale_position(cls, value: Fix | None, info: ValidationInfo) -> Fix | None:
        no_fix = info.data.get("no_fix")
        if value is not None and no_fix is True:
            raise PydanticCustomError("no_fix", "must be null when no_fix is true")
        if value is None and no_fix is False:  # silence is not "no fix"
            raise PydanticCustomError("missing", "is required")
        return value


def _pickup_code(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > 40:
        raise PydanticCustomError("pickup_point", "must be a pickup point code (at most 40 characters)")
    return value.strip().upper()


class ScanCorrection(RequestModel):
    """The right outcome for this device's just-recorded scan."""

    outcome: Annotated[one_of(o.value for o in Outcome), Field(description="the right outcome")]
    pickup_point: Annotated[Any, BeforeValidator(_pickup_code), WithJsonSchema(
        {"type": ["string", "null"], "minLength": 1, "maxLength": 40})] = None


def parse_scan(data: Any, now: datetime, max_skew_s: int) -> ScanInput:
    """The scan as the service's input; 422 naming each bad field."""
    scan: Scan = validate(Scan, data, {"now": now, "max_skew_s": max_skew_s})
    fix = scan.location
    return ScanInput(
        tracking_number=scan.tracking_number, outcome=Outcome(scan.outcome), occurred_at=scan.occurred_at,
        latitude=fix.lat if fix else None, longitude=fix.lon if fix else None,
        accuracy_m=fix.accuracy_m if fix else None, pickup_point_code=scan.pickup_point, no_fix=scan.no_fix,
    )
