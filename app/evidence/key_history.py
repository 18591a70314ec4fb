"""The operator's keys with their validity periods, for anyone comparing a proof's fingerprints.

Each log key is listed with the first and last tree head it signed (the log itself says when a
key was in use; the current key has no end), each certificate (signing, its CA, the
time-stamping authority) with the period it states. Fingerprints are SHA-256 in groups of four,
as the proof prints them.
"""
from __future__ import annotations

import base64

import sqlalchemy as sa
from asn1crypto import pem as asn1_pem
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy.orm import Session

from app.evidence.keyring import EvidenceKeys
from app.models.evidence import SignedTreeHead
from notices import checkpoint
from notices.checkpoint import CheckpointError
from notices.signature import load_certificates


def grouped(digest: str) -> str:
    """A hex digest in groups of four characters, for a person to compare aloud."""
    return " ".join(digest[i:i + 4] for i in range(0, len(digest), 4))


def _head_signed_by(session: Session, origin: str, key, *, last: bool) -> SignedTreeHead | None:
    """The first (or last) tree head whose signature is by ``key``."""
    # A note names its key by a 4-byte id; its first three bytes are the first four base64
    # characters of the signature line, and each candidate is confirmed with the key itself.
    prefix = f"\n\u2014 {origin} {base64.b64encode(checkpoint.key_id(origin, key)).decode()[:4]}"
    order = SignedTreeHead.id.desc() if last else SignedTreeHead.id.asc()
    for head in session.scalars(sa.select(SignedTreeHead).where(SignedTreeHead.note.contains(prefix))
                                .order_by(order).limit(20)):
        try:
            checkpoint.verify(head.note, key)
        except CheckpointError:
            continue
        return head
    return None


def key_history(session: Session, keys: EvidenceKeys) -> dict:
    """Every published key: what it signs, its fingerprint, from when until when it is valid."""
    log_keys = []
    for position, key in enumerate(keys.log_public_keys):
        first = _head_signed_by(session, keys.origin, key, last=False)
        last = _head_signed_by(session, keys.origin, key, last=True) if position else None
        log_keys.append({
            "use": "log", "current": position == 0, "fingerprint": checkpoint.fingerprint(key),
            "pem": key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode(),
            "valid_from": first.created_at.isoformat() if first else None,
            "valid_until": last.created_at.isoformat() if last else None,
        })
    signing = load_certificates(keys.signer.cert_pem)[0]
    certificates = []
    for cert in keys.trusted_certificates:
        usage = ("signing" if cert.sha256 == signing.sha256 else "ca" if cert.ca
                 else "timestamping" if "time_stamping" in (cert.extended_key_usage_value.native
                                                             if cert.extended_key_usage_value else [])
                 else "signing")
        certificates.append({
            "use": usage, "current": usage != "signing" or cert.sha256 == signing.sha256,
            "subject": cert.subject.human_friendly, "issuer": cert.issuer.human_friendly,
            "fingerprint": grouped(cert.sha256.hex()),
            "valid_from": cert.not_valid_before.isoformat(), "valid_until": cert.not_valid_after.isoformat(),
            "pem": asn1_pem.armor("CERTIFICATE", cert.dump()).decode(),
        })
    return {"origin": keys.origin, "log_keys": log_keys, "certificates": certificates}
