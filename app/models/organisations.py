"""Sender organisations and their API keys."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.types import UTCDateTime, utcnow


class Sender(Model):
    """An organisation that posts registered items (a court, a tax office, a company)."""

    __tablename__ = "senders"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    # Where Awizo writes to the organisation (deemed service, returns, complaints); set in the
    # portal or with PATCH /api/v1/sender.
    contact_email: Mapped[str | None] = mapped_column(sa.String(320))
    # Bumped whenever one of its webhook endpoints changes: every process keeps the endpoints
    # cached against it, and reads it for free with the item a scan or an event is about.
    webhooks_version: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    api_keys: Mapped[list[ApiKey]] = relationship(back_populates="sender")


class ApiKey(Model):
    """A sender's API key. Only a SHA-256 hash of the key is stored; ``prefix`` identifies it."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int] = mapped_column(sa.ForeignKey("senders.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100), default="default")
    prefix: Mapped[str] = mapped_column(sa.String(24))
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sender: Mapped[Sender] = relationship(back_populates="api_keys")
