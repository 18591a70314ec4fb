"""Sender callbacks: the endpoints senders register and one delivery per event and endpoint."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.organisations import Sender
from app.models.outbox import OutboxMessage
from app.models.types import UTCDateTime, utcnow


class WebhookEndpoint(Model):
    """A URL of a sender's system that receives signed item events.

    ``secret`` is kept readable because every call is signed with it (HMAC-SHA256); it is
    shown to the sender's admins only.
    ``event_types`` is a list of event kinds, or ``["*"]`` for all of them.
    """

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int] = mapped_column(sa.ForeignKey("senders.id"), index=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    secret: Mapped[str] = mapped_column(sa.String(200))
    event_types: Mapped[list] = mapped_column(sa.JSON, default=lambda: ["*"])
    description: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sender: Mapped[Sender] = relationship()

    def wants(self, kind: str) -> bool:
        return self.disabled_at is None and ("*" in self.event_types or kind in self.event_types)


class WebhookDelivery(Model):
    """One event for one endpoint. The outbox message carries it and keeps its send status,
    tries, last error (the HTTP status in ``error_code``) and next retry: the delivery log."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (sa.UniqueConstraint("endpoint_id", "event_id", name="uq_webhook_deliveries_endpoint_event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(sa.ForeignKey("webhook_endpoints.id"), index=True)
    outbox_message_id: Mapped[int] = mapped_column(sa.ForeignKey("outbox_messages.id"), unique=True)
    event_id: Mapped[str] = mapped_column(sa.String(60))
    event_type: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    endpoint: Mapped[WebhookEndpoint] = relationship()
    message: Mapped[OutboxMessage] = relationship()

