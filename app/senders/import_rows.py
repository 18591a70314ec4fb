"""A quicker reading of the common bulk-import row, with the verdicts of the API's model.

:func:`quick_new_item` reads a registration payload (an API item or a CSV row made into one)
the way :func:`app.delivery.schemas.parse_new_item` does, but only when every value has the
ordinary shape: plain strings without surrounding whitespace, a Polish phone number written
as nine digits (with or without +48), an e-mail address with a simple part before the @-sign,
no address point. It returns the same :class:`NewItem` the model gives, or ``None`` when it
cannot tell, and then the row goes through the model (whose messages name what is wrong). So
this path never rejects a row; it only skips the model's slower checks for rows that pass.

The phone check is the phone library's own (its metadata's number types for Poland), without
the parsing a free-form number needs; an e-mail domain is checked once by the e-mail library
and remembered (a file names a few domains many times).
"""
from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES

from app.delivery.items import NewItem
from notices import s10
from notices.content import content_sha256
from notices.messages import LANGUAGES
from notices.profiles import PROFILES

_SERVICES = frozenset(PROFILES)
_LANGUAGES = frozenset(LANGUAGES)
_COUNTRY = re.compile(r"[A-Za-z]{2}")
_PLAIN_S10 = re.compile(r"[A-Z]{2}[0-9]{9}[A-Z]{2}")
_PL_NUMBER = re.compile(r"(?:\+48)?([1-9][0-9]{8})")
# A dot-atom of the plainest characters; anything else (quotes, Unicode, comments) goes the long way.
_LOCAL_PART = re.compile(r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*")
_DOMAIN = re.compile(r"[A-Za-z0-9.-]+")
_MAX_LOCAL = 64
_MAX_EMAIL = 250  # the library allows 254; nearer the limit, it decides


class _Unsure(Exception):
    """The value is not of the ordinary shape: let the model decide."""


def _text(value: object, max_length: int, required: bool = True) -> str | None:
    """``text(max_length)`` of :mod:`app.web.api_types` for values it surely accepts."""
    if value is None and not required:
        return None
    if type(value) is not str or len(value) > max_length or value != value.strip():
        raise _Unsure
    if not value:
        if required:
            raise _Unsure
        return None
    return value


def _language(value: object) -> str | None:
    if value is None:
        return None
    if type(value) is not str:
        raise _Unsure
    choice = value.strip().lower()
    if choice not in _LANGUAGES:
        raise _Unsure
    return choice


def _known_types(region: str, length: int) -> tuple[re.Pattern, re.Pattern] | None:
    """What the phone library's ``is_valid_number`` asks of a national number of ``length`` digits
    in ``region``: its general pattern, and one of the number types' patterns (in one expression)."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    general = metadata.general_desc if metadata is not None else None
    if metadata is None or general is None:
        return None

    def fits(desc) -> bool:
        return (desc is not None and bool(desc.national_number_pattern)
                and (not desc.possible_length or length in desc.possible_length))

    types = [desc for desc in (metadata.premium_rate, metadata.toll_free, metadata.shared_cost, metadata.voip,
                               metadata.personal_number, metadata.pager, metadata.uan, metadata.voicemail,
                               metadata.fixed_line, metadata.mobile) if desc is not None and fits(desc)]
    if not fits(general) or not types:
        return None
    return (re.compile(f"(?:{general.national_number_pattern})"),
            re.compile("|".join(f"(?:{desc.national_number_pattern})" for desc in types)))


_PL_NINE_DIGITS = _known_types("PL", 9)


def polish_phone(value: str) -> str | None:
    """The E.164 form of a Polish number written ``601234567`` or ``+48601234567`` that the
    phone library finds valid; ``None`` when it would not, or when the form is another one."""
    match = _PL_NUMBER.fullmatch(value)
    if match is None or _PL_NINE_DIGITS is None:
        return None
    national = match.group(1)
    general, known_type = _PL_NINE_DIGITS
    if not general.fullmatch(national) or not known_type.fullmatch(national):
        return None
    return "+48" + national


@lru_cache(maxsize=4096)
def _domain(domain: str) -> str | None:
    """The e-mail library's normalised form of an address's domain, or None if it refuses it."""
    try:
        return validate_email("a@" + domain, check_deliverability=False).domain
    except EmailNotValidError:
        return None


def plain_email(value: str) -> str | None:
    """The normalised address the e-mail library gives for a plain ``local@domain``; ``None``
    when the address is of another form or the library would refuse it."""
    local, at, domain = value.partition("@")
    if (not at or len(local) > _MAX_LOCAL or not _LOCAL_PART.fullmatch(local) or not _DOMAIN.fullmatch(domain)
            or local.lower() in CASE_INSENSITIVE_MAILBOX_NAMES):
        return None
    normalised = _domain(domain)
    if normalised is None or len(local) + 1 + len(normalised) > _MAX_EMAIL:
        return None
    return local + "@" + normalised


def quick_new_item(payload: object) -> NewItem | None:
    """The row as ``parse_new_item`` reads it, or ``None``: then ask ``parse_new_item``."""
    try:
        return _read(payload)
    except _Unsure:
        return None


def _read(payload: object) -> NewItem:
    if type(payload) is not dict:
        raise _Unsure
    recipient, address = payload.get("recipient"), None
    if type(recipient) is not dict:
        raise _Unsure
    address = recipient.get("address")
    if type(address) is not dict or address.get("location") is not None:
        raise _Unsure
    number = payload.get("tracking_number")
    if type(number) is not str or not number.strip():
        raise _Unsure
    tracking_number = _tracking_number(number)
    service = payload.get("service")
    if type(service) is not str or service not in _SERVICES:
        raise _Unsure
    country = _text(address.get("country"), 2)
    if country is None or not _COUNTRY.fullmatch(country):
        raise _Unsure
    country = country.upper()
    phone = _text(recipient.get("phone"), 30, required=False)
    if phone is not None:
        phone = polish_phone(phone) if country == "PL" else None
        if phone is None:
            raise _Unsure
    email = _text(recipient.get("email"), 320, required=False)
    if email is not None:
        email = plain_email(email)
        if email is None:
            raise _Unsure
    digest = payload.get("content_sha256")
    if digest is not None and digest != "":
        try:
            digest = content_sha256(digest)
        except ValueError:
            raise _Unsure from None
    else:
        digest = None
    return NewItem(
        tracking_number=tracking_number, service=service,
        sender_reference=_text(payload.get("sender_reference"), 100, required=False),
        content_sha256=digest, recipient_name=_required(recipient.get("name"), 200),
        address_line1=_required(address.get("line1"), 200),
        address_line2=_text(address.get("line2"), 200, required=False),
        postal_code=_required(address.get("postal_code"), 20), city=_required(address.get("city"), 100),
        country=country, phone=phone, email=email, language=_language(recipient.get("language")) or "pl",
        location=None,
    )


def _tracking_number(number: str) -> str:
    """``str(s10.parse(number))``: a number written as it is stored (upper case, ASCII digits, no
    spaces) is its own normal form, and only its check digit is verified."""
    if _PLAIN_S10.fullmatch(number):
        if s10.check_digit(number[2:10]) != int(number[10]):
            raise _Unsure
        return number
    try:
        return str(s10.parse(number))
    except s10.S10Error:
        raise _Unsure from None


def _required(value: object, max_length: int) -> str:
    text = _text(value, max_length)
    if text is None:
        raise _Unsure
    return text
