"""Carriers, their devices and the pickup points where held items wait."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.types import UTCDateTime, utcnow
from notices.pickup_points import PointFacts


class PickupPoint(Model):
    """A post office or locker where an item waits after a notice was left."""

    __tablename__ = "pickup_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str] = mapped_column(sa.String(300))
    opening_hours: Mapped[str | None] = mapped_column(sa.String(200))
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    # The register (``flask pickup-points import``, /staff/pickup-points): opening hours per
    # ISO weekday key ("mon" … "sun") as [["08:00", "20:00"], …]; ``opening_hours`` above is
    # their Polish summary, kept for the places that show one line.
    hours: Mapped[dict | None] = mapped_column(sa.JSON)
    holidays_closed: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true())
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true())
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def facts(self) -> PointFacts:
        """The point as the framework-free rules in ``notices.pickup_points`` take it."""
        return point_facts(self)


class RegisterVersion(Model):
    """The version of a register a process keeps in memory (``name``: ``pickup_points``).

    Database triggers (migration ``0030``) give it a new random version in the same transaction
    as any change of the register's table, edits made by hand included, so a process that finds
    the version it holds knows its copy is current. Random rather than counted: a database
    emptied and filled again cannot bring back a version a process has seen."""

    __tablename__ = "register_versions"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger)


def point_facts(point: Any) -> PointFacts:
    """A point of the register, as a :class:`PickupPoint` or a plain row of its table, as the
    framework-free rules in ``notices.pickup_points`` take it."""
    return PointFacts(code=point.code, name=point.name, address=point.address, latitude=point.latitude,
                      longitude=point.longitude, hours=point.hours or {},
                      holidays_closed=point.holidays_closed is not False, active=point.active is not False,
                      free_hours=point.opening_hours)


class Carrier(Model):
    """A person who delivers items; scans come from one of the carrier's devices."""

    __tablename__ = "carriers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    default_pickup_point_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pickup_points.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    default_pickup_point: Mapped[PickupPoint | None] = relationship()
    devices: Mapped[list[Device]] = relationship(back_populates="carrier")


class Device(Model):
    """A handheld used by a carrier, authenticated by a bearer token stored hashed."""

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    carrier_id: Mapped[int] = mapped_column(sa.ForeignKey("carriers.id"), index=True)
    label: Mapped[str] = mapped_column(sa.String(100), default="handheld")
    token_prefix: Mapped[str] = mapped_column(sa.String(24))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Enrolled handhelds: the public half of a P-256 key generated on the device (DER SPKI,
    # base64), its SHA-256 fingerprint, and the highest scan sequence number seen so far.
    public_key: Mapped[str | None] = mapped_column(sa.Text)
    key_fingerprint: Mapped[str | None] = mapped_column(sa.String(64), unique=True, index=True)
    enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sequence: Mapped[int | None] = mapped_column(sa.Integer)

    carrier: Mapped[Carrier] = relationship(back_populates="devices")
