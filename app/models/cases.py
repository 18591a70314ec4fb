"""Complaints about a delivery: the case, its one history, carriers' statements, the number counter."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.accounts import User
from app.models.carriers import Carrier
from app.models.items import Attempt, Item
from app.models.types import UTCDateTime, utcnow
from notices.cases import DECISIONS, KINDS, STATUSES

_KINDS = ", ".join(f"'{k}'" for k in KINDS)
_STATUSES = ", ".join(f"'{s}'" for s in STATUSES)
_DECISIONS = ", ".join(f"'{d}'" for d in DECISIONS)


class CaseNumberCounter(Model):
    """The last serial given out in a year; one atomic UPDATE per case makes numbers unique
    across every web process and worker (the row lock serialises concurrent filings)."""

    __tablename__ = "case_number_counters"

    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    last_serial: Mapped[int] = mapped_column(sa.Integer, default=0)


class Case(Model):
    """A complaint about an item (or one of its attempts), with its contact and its clock.

    The case link is a capability like the record link: only its hash is stored, the token
    itself is derived from ``link_nonce`` with the application secret, so messages can repeat it.
    """

    __tablename__ = "cases"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN ({_KINDS})", name="kind"),
        sa.CheckConstraint(f"status IN ({_STATUSES})", name="status"),
        sa.CheckConstraint(f"decision IS NULL OR decision IN ({_DECISIONS})", name="decision"),
        sa.CheckConstraint("contact_channel IN ('sms', 'email')", name="contact_channel"),
        sa.CheckConstraint("language IN ('pl', 'en', 'uk')", name="language"),
        sa.Index("ix_cases_queue", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id"), index=True)
    attempt_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attempts.id"))
    kind: Mapped[str] = mapped_column(sa.String(30))
    status: Mapped[str] = mapped_column(sa.String(20), default="open")
    message: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(2), default="pl")
    link_nonce: Mapped[str] = mapped_column(sa.String(32))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    contact_channel: Mapped[str] = mapped_column(sa.String(10))
    contact_address: Mapped[str] = mapped_column(sa.String(320))
    contact_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    contact_secret_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    contact_secret_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    contact_failures: Mapped[int] = mapped_column(sa.Integer, default=0)
    filed_from: Mapped[str | None] = mapped_column(sa.String(20))  # record | alert | alerts_page | api
    assigned_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    statutory_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision: Mapped[str | None] = mapped_column(sa.String(20))
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)
    letter_pdf: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[Item] = relationship()
    attempt: Mapped[Attempt | None] = relationship()
    assigned_to: Mapped[User | None] = relationship()
    entries: Mapped[list[CaseEntry]] = relationship(back_populates="case", order_by="CaseEntry.id")


class CaseEntry(Model):
    """One line of a case's history: a status change, a message, a note, a statement, a decision.

    ``visible`` entries are shown to the recipient (and the sender); internal notes are not.
    """

    __tablename__ = "case_entries"
    __table_args__ = (
        sa.CheckConstraint("actor IN ('recipient', 'staff', 'carrier', 'system')", name="actor"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    actor: Mapped[str] = mapped_column(sa.String(20))
    visible: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    body: Mapped[str | None] = mapped_column(sa.Text)
    data: Mapped[dict | None] = mapped_column(sa.JSON)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="entries")


class CarrierStatement(Model):
    """A question to the carrier who made the disputed attempt, shown as a task on the handheld."""

    __tablename__ = "carrier_statements"
    __table_args__ = (sa.Index("ix_carrier_statements_open", "carrier_id", "answered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    carrier_id: Mapped[int] = mapped_column(sa.ForeignKey("carriers.id"))
    attempt_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attempts.id"))
    question: Mapped[str] = mapped_column(sa.Text)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    answer: Mapped[str | None] = mapped_column(sa.Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    device_id: Mapped[int | None] = mapped_column(sa.ForeignKey("devices.id"))

    case: Mapped[Case] = relationship()
    carrier: Mapped[Carrier] = relationship()
