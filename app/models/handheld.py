"""Handheld enrolment codes and the device evidence attached to each signed attempt."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import Model
from app.models.carriers import Carrier, Device
from app.models.items import Attempt
from app.models.types import UTCDateTime, utcnow


class DeviceEnrolment(Model):
    """A one-time code staff hand to a new handheld; only its hash is stored, and it expires."""

    __tablename__ = "device_enrolments"

    id: Mapped[int] = mapped_column(primary_key=True)
    carrier_id: Mapped[int] = mapped_column(sa.ForeignKey("carriers.id"), index=True)
    label: Mapped[str] = mapped_column(sa.String(100))
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by: Mapped[str | None] = mapped_column(sa.String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    device_id: Mapped[int | None] = mapped_column(sa.ForeignKey("devices.id"))

    carrier: Mapped[Carrier] = relationship()
    device: Mapped[Device | None] = relationship()


class AttemptDeviceEvidence(Model):
    """What the device proved about one attempt: its signed sequence number and what looked wrong.

    One row per attempt made by a signing handheld, or by any client that reported "no fix".
    Append-only like ``attempts`` (the database refuses UPDATE and DELETE). ``flags`` is a list
    of codes: ``sequence_gap``, ``sequence_reordered``, ``sequence_replayed``,
    ``device_clock_skew``, ``time_before_previous_scan``, ``no_fix``, ``unsigned``.
    """

    __tablename__ = "attempt_device_evidence"
    __table_args__ = (
        sa.CheckConstraint("sequence IS NULL OR sequence >= 1", name="sequence_positive"),
        # Replays, gaps and the previous scan of a signing device, however many scans it made.
        sa.Index("ix_attempt_device_evidence_device_sequence", "device_id", "sequence"),
    )

    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempts.id"), primary_key=True)
    device_id: Mapped[int] = mapped_column(sa.ForeignKey("devices.id"), index=True)
    signed: Mapped[bool] = mapped_column(sa.Boolean)
    sequence: Mapped[int | None] = mapped_column(sa.Integer)
    signature: Mapped[str | None] = mapped_column(sa.String(100))
    key_fingerprint: Mapped[str | None] = mapped_column(sa.String(64))
    canonical_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    device_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clock_skew_s: Mapped[float | None] = mapped_column(sa.Float)
    no_fix: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    flags: Mapped[list] = mapped_column(sa.JSON, default=list)
    details: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    attempt: Mapped[Attempt] = relationship(backref=backref("device_evidence", uselist=False))
    device: Mapped[Device] = relationship()
