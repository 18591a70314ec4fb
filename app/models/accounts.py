"""People who sign in: operator staff and the people of sender organisations."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.organisations import Sender
from app.models.types import UTCDateTime, check_in, utcnow
from notices.vocabulary import SENDER_ROLES, Role

ROLES = tuple(r.value for r in Role)


class User(Model):
    """A person with a password. Staff belong to the operator; everyone else to one sender.

    ``password_hash`` is an Argon2id hash (argon2-cffi); it is empty only for an account that
    was never given a password.
    """

    __tablename__ = "users"
    __table_args__ = (
        check_in("role", Role),
        sa.CheckConstraint(
            "(role = 'staff' AND sender_id IS NULL) OR (role <> 'staff' AND sender_id IS NOT NULL)",
            name="role_sender",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    name: Mapped[str | None] = mapped_column(sa.String(200))
    password_hash: Mapped[str | None] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(20))
    sender_id: Mapped[int | None] = mapped_column(sa.ForeignKey("senders.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sender: Mapped[Sender | None] = relationship()

    @property
    def is_staff(self) -> bool:
        return self.role == "staff"

    @property
    def is_sender_admin(self) -> bool:
        return self.role == "sender_admin"


class Invitation(Model):
    """A link a sender admin sends to a new colleague; only the token's hash is stored."""

    __tablename__ = "invitations"
    __table_args__ = (
        check_in("role", SENDER_ROLES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int] = mapped_column(sa.ForeignKey("senders.id"), index=True)
    email: Mapped[str] = mapped_column(sa.String(320))
    role: Mapped[str] = mapped_column(sa.String(20), default="sender_clerk")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sender: Mapped[Sender] = relationship()
    invited_by: Mapped[User | None] = relationship()
