"""Proof of access to an address: one-time claim codes printed on a paper notice or sent by letter.

Codes are stored as keyed hashes with the normalised address they were issued for; a code
proves access only to that address, once, before it expires. Wrong codes are counted per
subscription and lock it for a while after ``MAX_CLAIM_FAILURES``.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.errors import FieldError, ValidationFailed
from app.models import Item
from app.models.subscriptions import ClaimCode, Subscriber
from app.recipients import catch_up
from app.recipients.contact_confirmation import LOCK_MINUTES, Locked, record
from notices import claim_codes

CLAIM_CODE_DAYS = 60
LETTER_CODE_DAYS = 30
MAX_CLAIM_FAILURES = 5


def _claim_hash(secret: str, code: str) -> str:
    return claim_codes.code_digest(secret, claim_codes.canonical_claim_code(code), "claim")


def item_address_key(item: Item) -> str:
    return claim_codes.address_key(item.address_line1, item.address_line2, item.postal_code, item.city, item.country)


def notice_claim_code(attempt_id: int, *, secret: str, device_id: int | None = None,
                      sequence: int | None = None) -> str:
    """The code printed on the notice left at ``attempt_id`` (the same at every reprint; ``secret``: ``SECRET_KEY``).

    For a signed scan (``device_id`` and its ``sequence``) it is the code the handheld derived
    itself, offline, with its notice key (:func:`notices.claim_codes.device_notice_key`).
    """
    if device_id is not None and sequence is not None:
        return claim_codes.scan_claim_code(claim_codes.device_notice_key(secret, device_id), sequence)
    return claim_codes.derived_claim_code(secret, f"attempt:{attempt_id}")


def notice_claim_code_issued(session: Session, attempt_id: int, *, secret: str, device_id: int | None = None,
                             sequence: int | None = None) -> str | None:
    """The notice's code if it was issued with the attempt (a read: nothing is written)."""
    code = notice_claim_code(attempt_id, secret=secret, device_id=device_id, sequence=sequence)
    digest = _claim_hash(secret, code)
    return code if session.scalar(sa.select(ClaimCode.id).where(ClaimCode.code_hash == digest)) else None


_INSERT_CLAIM_CODE = sa.insert(cast(sa.Table, ClaimCode.__table__))


def issue_claim_code(session: Session, item: Item, *, now: datetime, secret: str,
                     attempt_id: int | None = None, device_id: int | None = None,
                     sequence: int | None = None) -> str:
    """A one-time code for the paper notice of ``item``; returns it in clear, stores its hash.

    With ``attempt_id`` the code is the one derived for that notice (with ``device_id`` and
    ``sequence``: the one the handheld derived for its signed scan), issued in the attempt's
    transaction, so the printed code is valid from the moment the attempt is. The caller commits.
    """
    code = (notice_claim_code(attempt_id, secret=secret, device_id=device_id, sequence=sequence)
            if attempt_id is not None else claim_codes.new_claim_code())
    session.connection().execute(_INSERT_CLAIM_CODE, {
        "kind": "notice", "code_hash": _claim_hash(secret, code), "address_key": item_address_key(item),
        "item_id": item.id, "issued_at": now, "expires_at": now + timedelta(days=CLAIM_CODE_DAYS),
    })  # a plain INSERT: nothing else pending in the session is flushed for it
    return code


def issue_letter_code(session: Session, subscriber: Subscriber, *, now: datetime, secret: str,
                      actor: str = "staff") -> str:
    """A code to be sent by letter to the subscriber's address; records that a letter is due."""
    if subscriber.is_delegate or subscriber.status == "deleted" or not subscriber.address_key:
        raise ValidationFailed([FieldError("subscriber", "no_address")])
    code = claim_codes.new_claim_code()
    session.add(ClaimCode(
        kind="letter", code_hash=_claim_hash(secret, code), address_key=subscriber.address_key,
        subscriber_id=subscriber.id, issued_at=now, expires_at=now + timedelta(days=LETTER_CODE_DAYS),
        letter_due_at=now,
    ))
    record(session, subscriber, "letter_code_issued", now, actor=actor)
    session.commit()
    return code


def letters_due(session: Session) -> list[tuple[ClaimCode, Subscriber]]:
    rows = session.execute(
        sa.select(ClaimCode, Subscriber).join(Subscriber, ClaimCode.subscriber_id == Subscriber.id)
        .where(ClaimCode.kind == "letter", ClaimCode.letter_sent_at.is_(None), ClaimCode.used_at.is_(None))
        .order_by(ClaimCode.id)
    )
    return list(rows.tuples())


def _redeem(session: Session, secret: str, code: str, key: str, now: datetime) -> ClaimCode | None:
    claim = session.scalar(sa.select(ClaimCode).where(ClaimCode.code_hash == _claim_hash(secret, code)))
    if claim is None or claim.used_at is not None or claim.expires_at <= now or claim.address_key != key:
        return None
    return claim


def _verify_address(session, subscriber: Subscriber, claim: ClaimCode, now: datetime, base_url: str) -> None:
    claim.used_at, claim.used_by_id = now, subscriber.id
    if claim.kind == "letter" and claim.letter_sent_at is None:
        claim.letter_sent_at = claim.letter_sent_at or now
    subscriber.address_verified_at, subscriber.address_verified_by = now, claim.kind
    subscriber.status = "active"
    record(session, subscriber, "address_verified", now, {"by": claim.kind})
    catch_up.tell_waiting_items(session, subscriber, list(subscriber.contacts), now, base_url=base_url)


def verify_address(session: Session, subscriber: Subscriber, code: str, *, secret: str, base_url: str,
                   now: datetime) -> None:
    """Activate a pending subscription with a claim code (from a notice or a letter)."""
    if subscriber.status == "active":
        return
    if subscriber.claim_locked_until and subscriber.claim_locked_until > now:
        raise Locked("Too many wrong codes; try again later.")
    claim = _redeem(session, secret, code, subscriber.address_key or "", now)
    if claim is None:
        subscriber.claim_failures += 1
        record(session, subscriber, "claim_code_refused", now)
        if subscriber.claim_failures >= MAX_CLAIM_FAILURES:
            subscriber.claim_locked_until = now + timedelta(minutes=LOCK_MINUTES)
            subscriber.claim_failures = 0
        session.commit()
        raise ValidationFailed([FieldError("claim_code", "claim_code_mismatch")])
    _verify_address(session, subscriber, claim, now, base_url)
    session.commit()


def claim_code_proves_item(session: Session, item: Item, code: str, *, now: datetime,
                           secret: str) -> bool:
    """Whether ``code`` is a notice code printed for ``item`` and not expired (used or not: the
    same notice may have opted its holder in to alerts and still prove he holds it)."""
    canonical = claim_codes.canonical_claim_code(code or "")
    if not canonical:
        return False
    claim = session.scalar(sa.select(ClaimCode).where(ClaimCode.code_hash == _claim_hash(secret, canonical)))
    return claim is not None and claim.kind == "notice" and claim.item_id == item.id and claim.expires_at > now
