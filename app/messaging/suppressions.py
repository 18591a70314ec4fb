"""Who must not be contacted on which channel: opt-outs, unsubscribes, dead addresses.

Checked by the outbox before every send. Functions here never commit: they run in the
caller's transaction (a webhook, an unsubscribe page, the worker).
"""
from __future__ import annotations

import functools
import hmac
import re
import zlib
from datetime import datetime

import phonenumbers
import sqlalchemy as sa
from itsdangerous import BadSignature, URLSafeSerializer
from itsdangerous.encoding import base64_encode
from sqlalchemy.orm import Session

from app.models.suppressions import Suppression

_TOKEN_SALT = "awizo.unsubscribe"


def normalise_address(channel: str, address: str, region: str = "PL") -> str:
    """E.164 for phone numbers (``+48601234567``), lower case for e-mail addresses."""
    address = (address or "").strip()
    if channel == "sms":
        try:
            number = phonenumbers.parse(address, region)
        except phonenumbers.NumberParseException:
            return address
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return address.lower()


def active_suppression(session: Session, channel: str, address: str) -> Suppression | None:
    return session.scalar(sa.select(Suppression).where(
        Suppression.channel == channel,
        Suppression.address == normalise_address(channel, address),
        Suppression.lifted_at.is_(None),
    ))


def suppressed_among(session: Session, addresses: set[tuple[str, str]]) -> frozenset[tuple[str, str]]:
    """Which of these (channel, address) pairs are suppressed now, normalised, in one query."""
    pairs = {(channel, normalise_address(channel, address)) for channel, address in addresses}
    if not pairs:
        return frozenset()
    rows = session.execute(sa.select(Suppression.channel, Suppression.address).where(
        Suppression.address.in_(sorted({address for _, address in pairs})), Suppression.lifted_at.is_(None)))
    return frozenset((channel, address) for channel, address in rows if (channel, address) in pairs)


def is_suppressed(session: Session, channel: str, address: str) -> bool:
    """True when nothing may be sent to ``address`` on ``channel`` (``sms`` or ``email``)."""
    return active_suppression(session, channel, address) is not None


def suppress(session: Session, channel: str, address: str, reason: str, *, now: datetime,
             source: str | None = None, detail: str | None = None) -> tuple[Suppression, bool]:
    """Stop ``channel`` to ``address``; returns the active suppression and whether it is new.

    Idempotent: an address already suppressed keeps its first suppression.
    """
    existing = active_suppression(session, channel, address)
    if existing is not None:
        return existing, False
    row = Suppression(channel=channel, address=normalise_address(channel, address), reason=reason,
                      source=source, detail=detail, created_at=now)
    session.add(row)
    session.flush()  # the partial unique index refuses a second active row
    return row, True


def lift(session: Session, channel: str, address: str, *, now: datetime, by: str | None = None) -> Suppression | None:
    """Allow ``channel`` to ``address`` again (START, a new confirmed opt-in); None if it was not stopped."""
    row = active_suppression(session, channel, address)
    if row is not None:
        row.lifted_at = now
        row.lifted_by = by
    return row


def history(session: Session, channel: str, address: str) -> list[Suppression]:
    """Every opt-out of the address on the channel, lifted or not, oldest first."""
    return list(session.scalars(sa.select(Suppression).where(
        Suppression.channel == channel, Suppression.address == normalise_address(channel, address),
    ).order_by(Suppression.created_at, Suppression.id)))


@functools.lru_cache(maxsize=8)
def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=_TOKEN_SALT)  # made once: a sweep signs thousands


@functools.lru_cache(maxsize=8)
def _token_mac(secret_key: str) -> tuple[URLSafeSerializer, hmac.HMAC, bytes]:
    """The serializer, an HMAC already keyed with its signer's derived key, and the separator.

    ``URLSafeSerializer.dumps`` derives the key and keys a new HMAC for every token; a copy of
    this one gives the same signature (a test compares the tokens) without either."""
    serializer = _serializer(secret_key)
    signer = serializer.make_signer()
    return serializer, hmac.new(signer.derive_key(), digestmod=signer.digest_method), signer.sep


# Text that compact JSON (``ensure_ascii=False``) writes as it is: no quote, backslash or control character.
_JSON_PLAIN = re.compile(r'[^"\\\x00-\x1f]*')


def _payload(json: bytes) -> bytes:
    """``URLSafeSerializer.dump_payload`` of the value whose compact JSON is ``json``: compressed
    when that makes it shorter by more than one byte, then URL-safe base64."""
    compressed = zlib.compress(json)
    if len(compressed) < len(json) - 1:
        return b"." + base64_encode(compressed)
    return base64_encode(json)


def unsubscribe_token(secret_key: str, channel: str, address: str) -> str:
    """A signed, unguessable token naming one address; it does not expire (old e-mails keep working).

    Exactly ``URLSafeSerializer(secret_key, salt=...).dumps([channel, address])``; the JSON of a
    pair of plain strings is written directly (a test compares both for many addresses)."""
    serializer, keyed, sep = _token_mac(secret_key)
    address = normalise_address(channel, address)
    if _JSON_PLAIN.fullmatch(channel) and _JSON_PLAIN.fullmatch(address):
        payload = _payload(f'["{channel}","{address}"]'.encode())
    else:
        payload = serializer.dump_payload([channel, address])
    mac = keyed.copy()
    mac.update(payload)
    return (payload + sep + base64_encode(mac.digest())).decode("ascii")


def read_unsubscribe_token(secret_key: str, token: str) -> tuple[str, str] | None:
    """``(channel, address)`` from a token, or None when it was not signed by us."""
    try:
        channel, address = _serializer(secret_key).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    return channel, address
