"""What a recipient asked about an item waiting for him: redelivery, another pickup point, a collector."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.types import UTCDateTime, utcnow


class RecipientAction(Model):
    """One accepted action (``kind`` from ``notices.recipient_actions.ACTIONS``); never edited.

    ``data``: ``{"day"}`` for a redelivery, ``{"from", "to"}`` (pickup-point codes) for a move,
    ``{"name", "id_type", "id_last_digits"}`` for an authorised collector. ``via``: where the
    recipient proved it is his item (``claim_code`` on the record page, ``manage`` from his
    alerts page). A redelivery names its carrier task; ``attempt_id`` is the attempt that did it.
    """

    __tablename__ = "recipient_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    data: Mapped[dict] = mapped_column(sa.JSON)
    via: Mapped[str] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("carrier_tasks.id"))
    attempt_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attempts.id"))
