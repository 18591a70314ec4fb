"""Address points (where recipients live), the checks made on each attempt, and printed notices."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import Model
from app.models.items import Attempt, Item
from app.models.types import UTCDateTime, utcnow


class AddressPoint(Model):
    """One address of the operator's address-point register (PRG or a plain CSV), in WGS84.

    ``match_key`` is the normalised ``city|street|number|postal code`` (``notices.addresses``);
    ``match_key_no_postal`` the same without the postal code, for a weaker unique match.
    """

    __tablename__ = "address_points"
    __table_args__ = (
        sa.CheckConstraint("latitude >= -90 AND latitude <= 90", name="latitude"),
        sa.CheckConstraint("longitude >= -180 AND longitude <= 180", name="longitude"),
        sa.CheckConstraint("source IN ('prg', 'csv')", name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    match_key: Mapped[str] = mapped_column(sa.String(400), unique=True)
    match_key_no_postal: Mapped[str] = mapped_column(sa.String(400), index=True)
    source: Mapped[str] = mapped_column(sa.String(10))
    register_id: Mapped[str | None] = mapped_column(sa.String(100))   # PRG: the point's own identifier
    teryt: Mapped[str | None] = mapped_column(sa.String(7))           # PRG: TERYT of the municipality
    simc: Mapped[str | None] = mapped_column(sa.String(7))            # PRG: locality id
    ulic: Mapped[str | None] = mapped_column(sa.String(5))            # PRG: street id
    city: Mapped[str] = mapped_column(sa.String(100))
    street: Mapped[str | None] = mapped_column(sa.String(200))
    number: Mapped[str] = mapped_column(sa.String(20))
    postal_code: Mapped[str | None] = mapped_column(sa.String(10))
    latitude: Mapped[float] = mapped_column(sa.Float)
    longitude: Mapped[float] = mapped_column(sa.Float)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ItemLocation(Model):
    """Where an item's recipient lives: given by the sender or looked up in the register.

    ``quality``: "given" (the sender supplied the point), "exact" (street, number, postal code
    and locality all matched the register), "no_postal_code" (all but the postal code matched,
    and only one point), "unmatched" (looked up, not found: no position).
    """

    __tablename__ = "item_locations"
    __table_args__ = (
        sa.CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="latitude"),
        sa.CheckConstraint("longitude IS NULL OR (longitude >= -180 AND longitude <= 180)", name="longitude"),
        sa.CheckConstraint("quality IN ('given', 'exact', 'no_postal_code', 'unmatched')", name="quality"),
    )

    item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id"), primary_key=True)
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    quality: Mapped[str] = mapped_column(sa.String(20))
    address_point_id: Mapped[int | None] = mapped_column(sa.ForeignKey("address_points.id"))
    located_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[Item] = relationship(back_populates="location")


class AttemptCheck(Model):
    """The checks last computed for one attempt: each raised check with its figures.

    ``results`` is a list of ``{"code", ...figures}``; ``distance_m`` the distance from the
    address point (None when the attempt or the address has no position). Recomputed by
    ``flask checks rerun``, so unlike the attempt itself this row may be replaced.
    """

    __tablename__ = "attempt_checks"

    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempts.id"), primary_key=True)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    distance_m: Mapped[float | None] = mapped_column(sa.Float)
    results: Mapped[list] = mapped_column(sa.JSON, default=list)

    attempt: Mapped[Attempt] = relationship(backref=backref("check_result", uselist=False))


class PaperNoticePrint(Model):
    """The handheld produced the printable paper notice for an attempt (once per fetch)."""

    __tablename__ = "paper_notice_prints"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempts.id"), index=True)
    device_id: Mapped[int | None] = mapped_column(sa.ForeignKey("devices.id"))
    printed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
