"""The outbox: every message leaving the system is a row first, sent by the worker later."""
from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.items import Attempt, Item
from app.models.types import UTCDateTime, check_in, utcnow
from notices.vocabulary import MessageChannel, MessageStatus

CHANNELS = ("sms", "email", "webhook")
STATUSES = tuple(s.value for s in MessageStatus)


def new_send_key() -> str:
    """A random key naming one message for all its tries (e-mail Message-ID, SMS idempotency marker)."""
    return secrets.token_hex(16)  # 128 random bits, 32 characters (as a UUID's hex, without its fixed bits)


class OutboxMessage(Model):
    """An SMS, e-mail or webhook call, written in the transaction of the fact that caused it.

    ``dedupe_key`` is unique, so the same fact can never enqueue the same message twice.
    A worker leases one claimed row at a time (``lease_owner``, ``locked_until``, extended while
    the send is in flight); ``in_flight_since`` is set while a provider call is under way, so a
    worker that takes over an expired lease knows the first try's outcome is unknown and sets
    ``possibly_duplicate``.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        check_in("channel", MessageChannel),
        check_in("status", MessageStatus),
        sa.Index("ix_outbox_due", "status", "next_attempt_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("items.id"), index=True)
    attempt_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attempts.id"))
    channel: Mapped[str] = mapped_column(sa.String(10))
    purpose: Mapped[str] = mapped_column(sa.String(40))
    recipient: Mapped[str] = mapped_column(sa.String(2000))
    language: Mapped[str] = mapped_column(sa.String(2), default="pl")
    subject: Mapped[str | None] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    headers: Mapped[dict | None] = mapped_column(sa.JSON)
    # The recipient's own SMS quiet hours ("21:00-08:00", "off") and time zone; NULL: the default.
    quiet_hours: Mapped[str | None] = mapped_column(sa.String(20))
    time_zone: Mapped[str | None] = mapped_column(sa.String(50))
    dedupe_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="queued")
    provider: Mapped[str | None] = mapped_column(sa.String(20))
    provider_message_id: Mapped[str | None] = mapped_column(sa.String(100), index=True)
    tries: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_owner: Mapped[str | None] = mapped_column(sa.String(64))
    in_flight_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    send_key: Mapped[str] = mapped_column(sa.String(32), default=new_send_key)
    possibly_duplicate: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    error_code: Mapped[str | None] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    item: Mapped[Item | None] = relationship()
    attempt: Mapped[Attempt | None] = relationship()


class SmsSendSlot(Model):
    """The next moment one sender number may send an SMS, shared by every worker process.

    ``next_at_us`` is in microseconds since the Unix epoch (plain integer arithmetic works the
    same on PostgreSQL and SQLite); a worker reserves a slot with one atomic UPDATE.
    """

    __tablename__ = "sms_send_slots"

    sender_number: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    next_at_us: Mapped[int] = mapped_column(sa.BigInteger, nullable=False, default=0)
