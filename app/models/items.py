"""Registered items, the delivery attempts made for them, and their other events."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.carriers import Carrier, Device, PickupPoint
from app.models.organisations import Sender
from app.models.types import UTCDateTime, check_in, utcnow

if TYPE_CHECKING:
    from app.models.checks import ItemLocation
from notices.vocabulary import ItemStatus, Outcome, UpuEventCode


class Item(Model):
    """A registered item with its recipient, as the sender supplied it."""

    __tablename__ = "items"
    __table_args__ = (check_in("status", ItemStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_number: Mapped[str] = mapped_column(sa.String(13), unique=True)
    service: Mapped[str] = mapped_column(sa.String(40))
    sender_id: Mapped[int] = mapped_column(sa.ForeignKey("senders.id"), index=True)
    sender_reference: Mapped[str | None] = mapped_column(sa.String(100))
    # The sender's commitment to the letter's content: SHA-256, 64 lowercase hex characters.
    content_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    recipient_name: Mapped[str] = mapped_column(sa.String(200))
    address_line1: Mapped[str] = mapped_column(sa.String(200))
    address_line2: Mapped[str | None] = mapped_column(sa.String(200))
    postal_code: Mapped[str] = mapped_column(sa.String(20))
    city: Mapped[str] = mapped_column(sa.String(100))
    country: Mapped[str] = mapped_column(sa.String(2))
    recipient_phone: Mapped[str | None] = mapped_column(sa.String(20))
    recipient_email: Mapped[str | None] = mapped_column(sa.String(320))
    language: Mapped[str] = mapped_column(sa.String(2), default="pl")
    verify_token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    status: Mapped[str] = mapped_column(sa.String(30), default="registered")
    collect_by_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    sender: Mapped[Sender] = relationship()
    attempts: Mapped[list[Attempt]] = relationship(
        back_populates="item", order_by="Attempt.id", viewonly=True
    )

    location: Mapped[ItemLocation | None] = relationship(back_populates="item", uselist=False)

    def verify_url(self, base_url: str) -> str:
        """The public record behind the QR code on the paper notice and the proof."""
        return f"{base_url}/v/{self.verify_token}"


class Attempt(Model):
    """One delivery attempt: append-only evidence, never updated or deleted.

    A scan recorded by mistake is corrected by a new attempt whose ``corrects_attempt_id``
    names it (at most one correction each); the mistaken attempt stays in the record.

    Keeps the time the device says it happened (``occurred_at``) and the time the server
    received it (``recorded_at``). The database refuses UPDATE and DELETE on this table.
    """

    __tablename__ = "attempts"
    __table_args__ = (
        sa.CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="latitude"),
        sa.CheckConstraint("longitude IS NULL OR (longitude >= -180 AND longitude <= 180)", name="longitude"),
        sa.CheckConstraint("accuracy_m IS NULL OR accuracy_m >= 0", name="accuracy"),
        check_in("upu_event", UpuEventCode),
        check_in("outcome", Outcome),
        # A carrier's scans by time: the checks' previous scan and burst window, the carriers' page.
        sa.Index("ix_attempts_carrier_occurred", "carrier_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id"), index=True)
    carrier_id: Mapped[int] = mapped_column(sa.ForeignKey("carriers.id"), index=True)
    device_id: Mapped[int | None] = mapped_column(sa.ForeignKey("devices.id"))
    outcome: Mapped[str] = mapped_column(sa.String(30))
    upu_event: Mapped[str] = mapped_column(sa.String(3))
    reason: Mapped[str | None] = mapped_column(sa.String(40))
    action: Mapped[str | None] = mapped_column(sa.String(40))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    accuracy_m: Mapped[float | None] = mapped_column(sa.Float)
    pickup_point_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pickup_points.id"))
    collect_by_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    corrects_attempt_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attempts.id"), index=True, unique=True)
    """Set on a correction: the just-recorded attempt it corrects (which stays as it was)."""

    item: Mapped[Item] = relationship(back_populates="attempts")
    carrier: Mapped[Carrier] = relationship()
    device: Mapped[Device | None] = relationship()
    pickup_point: Mapped[PickupPoint | None] = relationship()


class ItemEvent(Model):
    """A fact about an item other than an attempt (registered, collected, deemed served…)."""

    __tablename__ = "item_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    data: Mapped[dict | None] = mapped_column(sa.JSON)


class IdempotencyRecord(Model):
    """The first answer given to a device for an ``Idempotency-Key``, replayed on retries."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        sa.UniqueConstraint("device_id", "key", name="uq_idempotency_device_key"),
        # A token-only device resending the same scan (looked up with the key, in one statement).
        sa.Index("ix_idempotency_device_request", "device_id", "request_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(sa.ForeignKey("devices.id"))
    key: Mapped[str] = mapped_column(sa.String(200))
    request_hash: Mapped[str] = mapped_column(sa.String(64))
    status_code: Mapped[int] = mapped_column(sa.Integer)
    response: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
