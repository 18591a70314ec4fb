"""Addresses we must not send to: STOP replies, unsubscribes, permanent provider errors."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.types import UTCDateTime, check_in, utcnow
from notices.vocabulary import ContactChannel, SuppressionReason

SUPPRESSION_CHANNELS = ("sms", "email")
SUPPRESSION_REASONS = ("stop", "unsubscribe", "permanent_error", "bounce", "request")


class Suppression(Model):
    """One opt-out or block of a channel + address (E.164 phone or lower-cased e-mail).

    Lifting keeps the row (``lifted_at``) so the history of opt-outs and opt-ins stays; at
    most one active (not lifted) row exists per channel and address.
    """

    __tablename__ = "suppressions"
    __table_args__ = (
        check_in("channel", ContactChannel),
        check_in("reason", SuppressionReason),
        sa.Index(
            "uq_suppressions_active", "channel", "address", unique=True,
            sqlite_where=sa.text("lifted_at IS NULL"), postgresql_where=sa.text("lifted_at IS NULL"),
        ),
        sa.Index("ix_suppressions_address", "address"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(10))
    address: Mapped[str] = mapped_column(sa.String(320))
    reason: Mapped[str] = mapped_column(sa.String(20))
    detail: Mapped[str | None] = mapped_column(sa.Text)
    source: Mapped[str | None] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by: Mapped[str | None] = mapped_column(sa.String(40))
