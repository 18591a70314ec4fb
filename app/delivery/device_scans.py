"""Scans from enrolled handhelds: verify the device's signature, then flag what looks wrong.

An enrolled device (one with a public key) must sign every scan over its canonical encoding
(``notices.scan_signature``) with a sequence number that only goes up. A scan whose signature
does not verify is refused. A scan that verifies is recorded, and its evidence row carries
flags for a gap in the sequence, a sequence that goes backwards or repeats, a device clock
that disagrees with the server's, and a scan time earlier than the previous scan's.

Replays: a signed scan whose sequence this device already used returns the first answer when
it is the same scan (whatever its Idempotency-Key), and is refused (409) and flagged on the
first scan's item when it is a different one. A token-only device (no key: a development
convenience) sending the same payload again within ``replay_window_s`` gets the first answer.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from sqlalchemy.orm import Session

from app.delivery.attempts import ScanInput, ScanResult, record_attempt
from app.errors import Conflict, FieldError, Forbidden, Problem, ServiceError, ValidationFailed
from app.events import record_event
from app.models import Attempt, Device, IdempotencyRecord, Item, PickupPoint
from app.models.handheld import AttemptDeviceEvidence
from app.models.lifecycle import ItemLifecycle
from notices.scan_signature import SignedScan, canonical_bytes
from notices.vocabulary import DeviceScope

# A signed scan keeps the device's own time even when the device clock runs ahead of the
# server's (it is flagged "device_clock_skew"), up to this far; token-only clients are held to
# MAX_CLOCK_SKEW_SECONDS as before.
SIGNED_CLOCK_AHEAD_LIMIT_S = 24 * 3600


class SignatureRejected(ServiceError):
    status = 422
    slug = "invalid-signature"
    title = "Scan signature rejected"


@dataclass(frozen=True)
class DeviceProof:
    """What a handheld adds to a scan: its sequence number, signature and clock at sending."""

    sequence: int | None = None
    signature: str | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True)
class VerifiedProof:
    """A device proof whose signature verified: every part present, and the canonical bytes signed."""

    sequence: int
    signature: str
    sent_at: datetime
    data: bytes


def parse_device_proof(data: dict, parse_time) -> DeviceProof:
    """Read ``sequence``, ``signature`` and ``sent_at`` (all optional for token-only clients)."""
    problem = Problem()
    sequence = data.get("sequence")
    if sequence is not None and (isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 1):
        problem.add("sequence", "must be an integer of at least 1")
        sequence = None
    signature = data.get("signature")
    if signature is not None and (not isinstance(signature, str) or len(signature) > 100):
        problem.add("signature", "must be a base64url string")
        signature = None
    sent_at = None
    if data.get("sent_at") is not None:
        sent_at = parse_time(data.get("sent_at"), "sent_at", problem)
    problem.raise_if_any()
    return DeviceProof(sequence, signature, sent_at)


def key_fingerprint(spki_der: bytes) -> str:
    return hashlib.sha256(spki_der).hexdigest()


def load_public_key(spki_b64: str) -> ec.EllipticCurvePublicKey:
    """A P-256 public key from base64 DER SubjectPublicKeyInfo (WebCrypto's ``spki`` export)."""
    key = serialization.load_der_public_key(base64.b64decode(spki_b64, validate=True))
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise ValueError("not an ECDSA P-256 public key")
    return key


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signed_scan(scan: ScanInput, sequence: int) -> SignedScan:
    return SignedScan(
        tracking_number=scan.tracking_number, outcome=scan.outcome.value, occurred_at=scan.occurred_at,
        latitude=scan.latitude, longitude=scan.longitude, accuracy_m=scan.accuracy_m,
        no_fix=scan.no_fix, pickup_point=scan.pickup_point_code, sequence=sequence,
    )


def verify(public_key: str, scan: ScanInput, proof: DeviceProof) -> VerifiedProof:
    """Check the signature of an enrolled device's scan (``public_key``: the device's enrolled key)."""
    sequence, signature, sent_at = proof.sequence, proof.signature, proof.sent_at
    if sequence is None or signature is None or sent_at is None:
        missing = [name for name in ("sequence", "signature", "sent_at") if getattr(proof, name) is None]
        raise SignatureRejected(
            "This device is enrolled with a key: every scan must carry its sequence, signature and sent_at.",
            [FieldError(name, "is required for an enrolled device") for name in missing])
    if scan.occurred_at > sent_at + timedelta(seconds=5):
        raise ValidationFailed([FieldError("occurred_at", "is later than sent_at: a scan cannot be sent before it was made")])
    data = canonical_bytes(signed_scan(scan, sequence))
    try:
        raw = _b64url(signature)
        if len(raw) != 64:
            raise ValueError("expected 64 bytes (r || s)")
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        load_public_key(public_key).verify(der, data, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError, binascii.Error):
        raise SignatureRejected(
            "The scan's signature does not verify against this device's enrolled key: it was altered "
            "after signing or signed by another device.",
            [FieldError("signature", "does not verify against the device's enrolled key")]) from None
    return VerifiedProof(sequence, signature, sent_at, data)


def _sequence_flags(session: Session, device: Device, sequence: int) -> tuple[list[str], dict]:
    last = device.last_sequence or 0
    used = session.scalar(sa.select(sa.func.count()).select_from(AttemptDeviceEvidence).where(
        AttemptDeviceEvidence.device_id == device.id, AttemptDeviceEvidence.sequence == sequence))
    if used:
        return ["sequence_replayed"], {"last_sequence": last}
    if sequence <= last:
        return ["sequence_reordered"], {"last_sequence": last}
    if sequence > last + 1:
        return ["sequence_gap"], {"missing_sequences": [last + 1, sequence - 1]}
    return [], {}


def _previous_scan_time(session: Session, device: Device, sequence: int) -> datetime | None:
    return session.scalar(
        sa.select(Attempt.occurred_at)
        .join(AttemptDeviceEvidence, AttemptDeviceEvidence.attempt_id == Attempt.id)
        .where(AttemptDeviceEvidence.device_id == device.id, AttemptDeviceEvidence.sequence < sequence)
        .order_by(AttemptDeviceEvidence.sequence.desc()).limit(1))


def outside_scope(session: Session, device: Device, tracking_number: str) -> dict | None:
    """Where the item waits, when that is not the pickup point of the device's carrier; else ``None``.

    A carrier's scope is its pickup point: an item whose notice sent it to another pickup point
    belongs to that point's carriers. An item with no notice yet is in every carrier's scope.
    """
    row = session.execute(
        sa.select(ItemLifecycle.pickup_point_id, PickupPoint.code)
        .join(Item, Item.id == ItemLifecycle.item_id)
        .join(PickupPoint, PickupPoint.id == ItemLifecycle.pickup_point_id)
        .where(Item.tracking_number == tracking_number)).first()
    if row is None or row.pickup_point_id == device.carrier.default_pickup_point_id:
        return None
    return {"item_pickup_point": row.code}


def _evidence_writer(scan: ScanInput, proof: DeviceProof, signed: VerifiedProof | None, fingerprint: str | None,
                     now: datetime, tolerance_s: float, scope: dict | None = None):
    def write(session: Session, device: Device, attempt: Attempt) -> None:
        flags: list[str] = []
        details: dict = {}
        if scope is not None:
            flags.append("outside_carrier_scope")
            details.update(scope)
        skew = None
        if signed is not None:
            seq_flags, details = _sequence_flags(session, device, signed.sequence)
            flags += seq_flags
            previous = _previous_scan_time(session, device, signed.sequence)
            if previous is not None and previous > scan.occurred_at:
                flags.append("time_before_previous_scan")
                details["previous_scan_occurred_at"] = previous.isoformat()
            device.last_sequence = max(device.last_sequence or 0, signed.sequence)
        else:
            flags.append("unsigned")
        if proof.sent_at is not None:
            skew = round((proof.sent_at - now).total_seconds(), 3)
            if abs(skew) > tolerance_s:
                flags.append("device_clock_skew")
                details["clock_tolerance_s"] = tolerance_s
        if scan.no_fix:
            flags.append("no_fix")
        session.add(AttemptDeviceEvidence(
            attempt=attempt, device_id=device.id, signed=signed is not None,
            sequence=signed.sequence if signed is not None else None,
            signature=signed.signature if signed is not None else None,
            key_fingerprint=fingerprint,
            canonical_sha256=hashlib.sha256(signed.data).hexdigest() if signed is not None else None,
            device_sent_at=proof.sent_at, clock_skew_s=skew, no_fix=scan.no_fix,
            flags=flags, details=details or None, created_at=now,
        ))
        session.flush()
    return write


def _first_answer(session: Session, device_id: int, attempt_id: int, at: datetime) -> ScanResult | None:
    """The answer stored for the request that recorded ``attempt_id`` (written in its transaction)."""
    for record in session.scalars(sa.select(IdempotencyRecord).where(
            IdempotencyRecord.device_id == device_id, IdempotencyRecord.created_at == at)):
        if (record.response or {}).get("id") == attempt_id:
            return ScanResult(record.status_code, record.response, replayed=True)
    return None


def _signed_replay(session: Session, device: Device, signed: VerifiedProof, now: datetime) -> ScanResult | None:
    """The first answer for a sequence already used by the same scan; a different scan is refused."""
    first = session.scalar(sa.select(AttemptDeviceEvidence).where(
        AttemptDeviceEvidence.device_id == device.id, AttemptDeviceEvidence.sequence == signed.sequence)
        .order_by(AttemptDeviceEvidence.created_at).limit(1))
    if first is None:
        return None
    if first.canonical_sha256 == hashlib.sha256(signed.data).hexdigest():
        answer = _first_answer(session, device.id, first.attempt_id, first.created_at)
        if answer is not None:
            session.rollback()
            return answer
    attempt = session.get_one(Attempt, first.attempt_id)
    record_event(session, session.get_one(Item, attempt.item_id), "device_sequence_reused", now, {
        "device_id": device.id, "sequence": signed.sequence, "attempt_id": attempt.id})
    session.commit()
    raise Conflict(
        f"Sequence {signed.sequence} of this device was already used for a different scan; "
        "the attempt it recorded stands and this conflict is on its record.",
        [FieldError("sequence", "was already used by this device for a different scan")])


def _token_replay(session: Session, device: Device, scan: ScanInput, now: datetime,
                  window_s: float) -> ScanResult | None:
    record = session.scalar(sa.select(IdempotencyRecord).where(
        IdempotencyRecord.device_id == device.id, IdempotencyRecord.request_hash == scan.fingerprint(),
        IdempotencyRecord.created_at >= now - timedelta(seconds=window_s)).order_by(IdempotencyRecord.id).limit(1))
    if record is None:
        return None
    session.rollback()
    return ScanResult(record.status_code, record.response, replayed=True)


def record_device_scan(session: Session, device: Device, scan: ScanInput, proof: DeviceProof, key: str, *,
                       now: datetime, base_url: str, tz: str, secret: str, clock_tolerance_s: float,
                       check_config: Mapping[str, Any],
                       replay_window_s: float = 600, device_scope: str = DeviceScope.FLAG) -> ScanResult:
    """Verify (for enrolled devices), then record the attempt with its device evidence.

    A validly signed scan that is refused for another reason (unknown item, item already
    delivered…) still moves the device's sequence on, so it does not show up as a gap later.
    A scan of an item waiting at another carrier's pickup point is flagged
    ``outside_carrier_scope``, or refused (403) when ``device_scope`` is "refuse".
    """
    signed = None
    fingerprint = None
    if device.public_key:
        signed = verify(device.public_key, scan, proof)
        fingerprint = device.key_fingerprint
        replay = _signed_replay(session, device, signed, now)
        if replay is not None:
            return replay
    elif proof.signature is not None:
        raise SignatureRejected("This device has no enrolled key, so its scans cannot be signed.",
                                [FieldError("signature", "this device has no enrolled key")])
    else:
        replay = _token_replay(session, device, scan, now, replay_window_s)
        if replay is not None:
            return replay
    scope = outside_scope(session, device, scan.tracking_number)
    if scope is not None and device_scope == DeviceScope.REFUSE:
        session.rollback()
        raise Forbidden(f"Item {scan.tracking_number} waits at pickup point {scope['item_pickup_point']}, "
                        "outside this carrier's scope.",
                        [FieldError("tracking_number", "is outside this carrier's scope")])
    writer = None
    if signed is not None or scan.no_fix or scope is not None:
        writer = _evidence_writer(scan, proof, signed, fingerprint, now, clock_tolerance_s, scope)
    device_id = device.id
    try:
        return record_attempt(session, device, scan, key, now=now, base_url=base_url, tz=tz, secret=secret,
                              check_config=check_config, on_attempt=writer)
    except ServiceError:
        if signed is not None:
            session.rollback()
            fresh = session.get_one(Device, device_id)
            if (fresh.last_sequence or 0) < signed.sequence:
                fresh.last_sequence = signed.sequence
                session.commit()
        raise
