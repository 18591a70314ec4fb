"""Enrolling handhelds: a one-time code from staff, a key pair made on the device, revocation.

The code is shown once (as text and QR), stored only as a hash, expires, and works once.
The device sends the public half of an ECDSA P-256 key pair it generated with WebCrypto
(the private key never leaves it) and gets a device token; from then on every scan from
that device must be signed with the key (see ``app.delivery.device_scans``).
"""
from __future__ import annotations

import base64
import binascii
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.delivery.device_scans import key_fingerprint, load_public_key
from app.errors import Conflict, FieldError, NotFound, ServiceError, ValidationFailed
from app.models import Carrier, Device
from app.models.handheld import DeviceEnrolment
from app.security import hash_token, new_token

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed with gloves
ENROLMENT_TTL = timedelta(minutes=30)


class EnrolmentRefused(ServiceError):
    status = 403
    slug = "enrolment-refused"
    title = "Enrolment refused"


def normalise_code(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


def create_enrolment(session: Session, carrier_id: int, label: str, *, created_by: str | None,
                     now: datetime) -> tuple[DeviceEnrolment, str]:
    """A one-time enrolment code for a new device of ``carrier_id``; the code is returned once."""
    carrier = session.get(Carrier, carrier_id)
    if carrier is None:
        raise NotFound(f"No carrier #{carrier_id}.")
    label = (label or "").strip()[:100] or "handheld"
    code = _new_code()
    enrolment = DeviceEnrolment(carrier_id=carrier.id, label=label, code_hash=hash_token(normalise_code(code)),
                                created_by=created_by, created_at=now, expires_at=now + ENROLMENT_TTL)
    session.add(enrolment)
    session.commit()
    return enrolment, code


def enrol_device(session: Session, code: str, public_key_b64: object, *, now: datetime) -> tuple[Device, str]:
    """Use an enrolment code once: create the device with its public key; returns its token."""
    try:
        if not isinstance(public_key_b64, str):
            raise TypeError("the public key is not a string")
        spki = base64.b64decode(public_key_b64, validate=True)
        load_public_key(public_key_b64)
    except (ValueError, binascii.Error, TypeError):
        raise ValidationFailed([FieldError("public_key", "must be a base64 DER SPKI ECDSA P-256 public key")]) from None
    # Claim the code with one conditional UPDATE: of two devices racing with it, only one wins.
    claimed = session.execute(
        sa.update(DeviceEnrolment)
        .where(DeviceEnrolment.code_hash == hash_token(normalise_code(code)), DeviceEnrolment.used_at.is_(None),
               DeviceEnrolment.expires_at > now)
        .values(used_at=now).returning(DeviceEnrolment.id)
    ).scalar_one_or_none()
    if claimed is None:
        session.rollback()
        raise EnrolmentRefused("This enrolment code is unknown, already used or expired. Ask for a new one.",
                               [FieldError("code", "is unknown, already used or expired")])
    enrolment = session.get_one(DeviceEnrolment, claimed)
    fingerprint = key_fingerprint(spki)
    if session.scalar(sa.select(Device.id).where(Device.key_fingerprint == fingerprint)):
        session.rollback()  # the code stays unused
        raise Conflict("This key is already enrolled.", [FieldError("public_key", "is already enrolled")])
    token = new_token("dt")
    device = Device(carrier_id=enrolment.carrier_id, label=enrolment.label, token_prefix=token.prefix,
                    token_hash=token.digest, created_at=now, public_key=base64.b64encode(spki).decode(),
                    key_fingerprint=fingerprint, enrolled_at=now, last_sequence=0)
    session.add(device)
    session.flush()
    enrolment.device_id = device.id
    session.commit()
    return device, token.token


def revoke_device(session: Session, device_id: int, *, now: datetime) -> Device:
    """Revoke at once: the device's token stops working on its next request."""
    device = session.get(Device, device_id)
    if device is None:
        raise NotFound(f"No device #{device_id}.")
    if device.revoked_at is None:
        device.revoked_at = now
        session.commit()
    return device


def devices_by_carrier(session: Session) -> list[tuple[Carrier, list[Device]]]:
    carriers = session.scalars(sa.select(Carrier).order_by(Carrier.name, Carrier.id)).all()
    devices = session.scalars(sa.select(Device).order_by(Device.id)).all()
    grouped: dict[int, list[Device]] = {}
    for device in devices:
        grouped.setdefault(device.carrier_id, []).append(device)
    return [(carrier, grouped.get(carrier.id, [])) for carrier in carriers]
