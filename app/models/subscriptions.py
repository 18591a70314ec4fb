"""Recipients who opted in to alerts for their address, their contacts, delegates and history.

A :class:`Subscriber` is one person. A principal holds an address and becomes active only
after proving access to it (a claim code from a paper notice or a letter). A delegate
(``principal_id`` set) receives the alerts of the principal's address. Every contact is
confirmed separately before anything but the confirmation itself is sent to it.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.types import UTCDateTime, check_in, utcnow
from notices.vocabulary import ClaimCodeKind, ContactChannel, DelegateRole, Language, SubscriberStatus

SUBSCRIBER_STATUSES = tuple(s.value for s in SubscriberStatus)
DELEGATE_ROLES = tuple(r.value for r in DelegateRole)


class Subscriber(Model):
    """A person who wants alerts: the holder of an address, or a delegate of one."""

    __tablename__ = "subscribers"
    __table_args__ = (
        check_in("status", SubscriberStatus),
        check_in("language", Language),
        check_in("delegate_role", DelegateRole, nullable=True),
        sa.CheckConstraint("principal_id IS NULL OR principal_id <> id", name="not_own_delegate"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    principal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("subscribers.id"), index=True)
    delegate_role: Mapped[str | None] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    name: Mapped[str | None] = mapped_column(sa.String(200))
    address_line1: Mapped[str | None] = mapped_column(sa.String(200))
    address_line2: Mapped[str | None] = mapped_column(sa.String(200))
    postal_code: Mapped[str | None] = mapped_column(sa.String(20))
    city: Mapped[str | None] = mapped_column(sa.String(100))
    country: Mapped[str | None] = mapped_column(sa.String(2))
    address_key: Mapped[str | None] = mapped_column(sa.String(400), index=True)
    address_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    address_verified_by: Mapped[str | None] = mapped_column(sa.String(20))  # notice | letter
    letter_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_failures: Mapped[int] = mapped_column(sa.Integer, default=0)
    claim_locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    language: Mapped[str] = mapped_column(sa.String(2), default="pl")
    quiet_start: Mapped[str] = mapped_column(sa.String(5), default="21:00")
    quiet_end: Mapped[str] = mapped_column(sa.String(5), default="08:00")
    timezone: Mapped[str] = mapped_column(sa.String(50), default="Europe/Warsaw")
    # Part of every signed management link; changed to revoke all links at once.
    link_nonce: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    principal: Mapped[Subscriber | None] = relationship(remote_side=[id], back_populates="delegates")
    delegates: Mapped[list[Subscriber]] = relationship(back_populates="principal", order_by="Subscriber.id")
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="subscriber", order_by="Contact.id", cascade="all, delete-orphan"
    )

    @property
    def is_delegate(self) -> bool:
        return self.principal_id is not None


class Contact(Model):
    """A phone number or e-mail address of a subscriber, with its confirmation state.

    The SMS code and the e-mail link token are stored only as keyed hashes. After
    ``MAX_CODE_FAILURES`` wrong codes the contact is locked until ``locked_until``.
    """

    __tablename__ = "subscriber_contacts"
    __table_args__ = (
        check_in("channel", ContactChannel),
        sa.UniqueConstraint("subscriber_id", "channel", "address", name="uq_subscriber_contacts_address"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(sa.ForeignKey("subscribers.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(sa.String(10))
    address: Mapped[str] = mapped_column(sa.String(320), index=True)
    enabled: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    secret_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    secret_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    secrets_sent: Mapped[int] = mapped_column(sa.Integer, default=0)
    failures: Mapped[int] = mapped_column(sa.Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    subscriber: Mapped[Subscriber] = relationship(back_populates="contacts")


class ClaimCode(Model):
    """A one-time code proving access to an address: printed on a notice or sent by letter."""

    __tablename__ = "claim_codes"
    __table_args__ = (check_in("kind", ClaimCodeKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    address_key: Mapped[str] = mapped_column(sa.String(400), index=True)
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("items.id"), index=True)
    subscriber_id: Mapped[int | None] = mapped_column(sa.ForeignKey("subscribers.id", ondelete="SET NULL"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    letter_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    letter_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("subscribers.id", ondelete="SET NULL"))


class RecipientEvent(Model):
    """One entry of a person's history: opt-in steps, changes, opt-outs, export, deletion."""

    __tablename__ = "recipient_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(sa.ForeignKey("subscribers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(sa.String(20), default="recipient")  # recipient | staff | system
    data: Mapped[dict | None] = mapped_column(sa.JSON)
