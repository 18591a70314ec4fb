"""Long-term validation of stored proofs: ``flask evidence refresh`` adds archive time-stamps.

Each stored proof version gains the validation data of its certificates (DSS) and a document
time-stamp (PAdES B-LTA), as an incremental update that the proof check accepts as maintenance.
Run it before the signing or time-stamping certificates expire; holders' earlier copies stay
valid (the same signed revision is inside the refreshed file).
"""
from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.errors import ServiceError
from app.evidence.keyring import keys
from app.models.evidence import ProofVersion
from notices.signature import add_archive_timestamp


def refresh_proofs(session: Session) -> int:
    """Add an archive time-stamp to every stored proof version; returns how many (commits each)."""
    timestamper = keys().signer.timestamper
    if timestamper is None:
        raise ServiceError("No time-stamping authority is configured (TSA_URL): nothing can be refreshed.")
    count = 0
    for version_id in session.scalars(sa.select(ProofVersion.id).order_by(ProofVersion.id)).all():
        version = session.get_one(ProofVersion, version_id)
        refreshed = add_archive_timestamp(version.pdf, timestamper, keys().trusted_certificates)
        version.pdf, version.sha256 = refreshed, hashlib.sha256(refreshed).hexdigest()
        session.commit()
        count += 1
    return count
