"""Parsing and validating API payloads into service inputs, naming each bad field."""
from __future__ import annotations

from datetime import datetime, timedelta

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from app.delivery.attempts import ScanInput
from app.delivery.items import NewItem
from app.errors import Problem
from notices import s10
from notices.messages import LANGUAGES
from notices.outcomes import Outcome
from notices.profiles import PROFILES


def _text(data: dict, key: str, path: str, problem: Problem, *, required=True, max_len=200) -> str | None:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problem.add(path, "is required")
        return None
    if not isinstance(value, str):
        problem.add(path, "must be a string")
        return None
    value = value.strip()
    if len(value) > max_len:
        problem.add(path, f"must be at most {max_len} characters")
        return None
    return value


def _object(data: dict, key: str, path: str, problem: Problem, *, required=True) -> dict | None:
    value = data.get(key)
    if value is None:
        if required:
            problem.add(path, "is required")
        return None
    if not isinstance(value, dict):
        problem.add(path, "must be an object")
        return None
    return value


def tracking_number(value, path: str, problem: Problem) -> str | None:
    if not isinstance(value, str) or not value.strip():
        problem.add(path, "is required")
        return None
    try:
        return str(s10.parse(value))
    except s10.S10Error as exc:
        problem.add(path, f"is not a valid S10 item number: {exc.reason}")
        return None


def phone_number(value: str | None, path: str, problem: Problem, default_region: str) -> str | None:
    if value is None:
        return None
    try:
        number = phonenumbers.parse(value, default_region)
    except phonenumbers.NumberParseException:
        problem.add(path, "is not a phone number")
        return None
    if not phonenumbers.is_valid_number(number):
        problem.add(path, "is not a valid phone number")
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def email_address(value: str | None, path: str, problem: Problem) -> str | None:
    if value is None:
        return None
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        problem.add(path, f"is not a valid e-mail address: {exc}")
        return None


def parse_new_item(data) -> NewItem:
    problem = Problem()
    if not isinstance(data, dict):
        problem.add("body", "must be a JSON object")
        problem.raise_if_any()
    number = tracking_number(data.get("tracking_number"), "tracking_number", problem)
    service = _text(data, "service", "service", problem, max_len=40)
    if service and service not in PROFILES:
        problem.add("service", f"must be one of: {', '.join(PROFILES)}")
    reference = _text(data, "sender_reference", "sender_reference", problem, required=False, max_len=100)
    # An absent recipient (or address) is one problem, not one per field; an empty one names each field.
    found_recipient = _object(data, "recipient", "recipient", problem)
    recipient = found_recipient or {}
    name = _text(recipient, "name", "recipient.name", problem) if found_recipient is not None else None
    found_address = _object(recipient, "address", "recipient.address", problem) if found_recipient is not None else None
    address = found_address or {}
    given = found_address is not None
    line1 = _text(address, "line1", "recipient.address.line1", problem) if given else None
    line2 = _text(address, "line2", "recipient.address.line2", problem, required=False) if given else None
    postal = _text(address, "postal_code", "recipient.address.postal_code", problem, max_len=20) if given else None
    city = _text(address, "city", "recipient.address.city", problem, max_len=100) if given else None
    country = _text(address, "country", "recipient.address.country", problem, max_len=2) if given else None
    location = _location(address.get("location"), "recipient.address.location", problem) if address else None
    if country is not None:
        country = country.upper()
        if len(country) != 2 or not country.isalpha():
            problem.add("recipient.address.country", "must be an ISO 3166 two-letter code")
    phone = _text(recipient, "phone", "recipient.phone", problem, required=False, max_len=30)
    phone = phone_number(phone, "recipient.phone", problem, country or "PL")
    email = _text(recipient, "email", "recipient.email", problem, required=False, max_len=320)
    email = email_address(email, "recipient.email", problem)
    language = _text(recipient, "language", "recipient.language", problem, required=False, max_len=5) or "pl"
    if language.lower() not in LANGUAGES:
        problem.add("recipient.language", f"must be one of: {', '.join(LANGUAGES)}")
    problem.raise_if_any()
    # Each required value that is None added a problem, raised above.
    assert number is not None and service is not None and name is not None and line1 is not None
    assert postal is not None and city is not None and country is not None
    return NewItem(
        tracking_number=number, service=service, sender_reference=reference,
        recipient_name=name, address_line1=line1, address_line2=line2, postal_code=postal,
        city=city, country=country, phone=phone, email=email, language=language.lower(), location=location,
    )


def _location(value, path: str, problem: Problem) -> tuple[float, float] | None:
    """Optional ``{"lat", "lon"}`` in WGS84 degrees."""
    if value is None:
        return None
    if not isinstance(value, dict):
        problem.add(path, "must be an object with lat and lon")
        return None
    lat = _number(value, "lat", f"{path}.lat", problem, -90, 90)
    lon = _number(value, "lon", f"{path}.lon", problem, -180, 180)
    return None if lat is None or lon is None else (lat, lon)


def _number(data: dict, key: str, path: str, problem: Problem, low: float, high: float | None) -> float | None:
    value = data.get(key)
    if value is None:
        problem.add(path, "is required")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        problem.add(path, "must be a number")
        return None
    if value < low or (high is not None and value > high):
        problem.add(path, f"must be between {low} and {high}" if high is not None else f"must be at least {low}")
        return None
    return float(value)


def parse_timestamp(value, path: str, problem: Problem, now: datetime, max_skew_s: int) -> datetime | None:
    if not isinstance(value, str) or not value:
        problem.add(path, "is required (RFC 3339 date-time with a time zone)")
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        problem.add(path, "is not an RFC 3339 date-time")
        return None
    if parsed.tzinfo is None:
        problem.add(path, "must include a time zone offset (e.g. 2026-11-23T10:15:00+01:00)")
        return None
    if parsed > now + timedelta(seconds=max_skew_s):
        problem.add(path, "is in the future")
        return None
    return parsed


def parse_scan(data, now: datetime, max_skew_s: int) -> ScanInput:
    problem = Problem()
    if not isinstance(data, dict):
        problem.add("body", "must be a JSON object")
        problem.raise_if_any()
    number = tracking_number(data.get("tracking_number"), "tracking_number", problem)
    outcome = data.get("outcome")
    if not isinstance(outcome, str) or outcome not in {o.value for o in Outcome}:
        problem.add("outcome", f"must be one of: {', '.join(o.value for o in Outcome)}")
        outcome = None
    occurred_at = parse_timestamp(data.get("occurred_at"), "occurred_at", problem, now, max_skew_s)
    no_fix = data.get("no_fix", False)
    if not isinstance(no_fix, bool):
        problem.add("no_fix", "must be true or false")
        no_fix = False
    if no_fix:  # explicitly no position fix: recorded as such, never with a stale position
        if data.get("location") is not None:
            problem.add("location", "must be null when no_fix is true")
        location = None
    else:
        location = _object(data, "location", "location", problem)
    lat = lon = accuracy = None
    if location is not None:
        lat = _number(location, "lat", "location.lat", problem, -90, 90)
        lon = _number(location, "lon", "location.lon", problem, -180, 180)
        accuracy = _number(location, "accuracy_m", "location.accuracy_m", problem, 0, None)
    pickup = _text(data, "pickup_point", "pickup_point", problem, required=False, max_len=40)
    problem.raise_if_any()
    # Each required value that is None added a problem, raised above.
    assert number is not None and outcome is not None and occurred_at is not None
    return ScanInput(
        tracking_number=number, outcome=Outcome(outcome), occurred_at=occurred_at,
        latitude=lat, longitude=lon, accuracy_m=accuracy, pickup_point_code=pickup, no_fix=no_fix,
    )
