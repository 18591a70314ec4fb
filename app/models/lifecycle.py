"""The lifecycle of an item after its first notice, and the carriers' tasks it creates."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.items import Item
from app.models.types import UTCDateTime, check_in, utcnow
from notices.vocabulary import EndAction, LifecycleStage, TaskStatus


class ItemLifecycle(Model):
    """One per item with a notice: its dates (fixed when the notice was left) and its stage.

    ``stage`` names the next step or how the lifecycle ended; ``next_action_at`` is when that
    step is due (``NULL`` once it ended). The sweep finds due items through the partial index
    on ``next_action_at`` and claims each step by a conditional UPDATE on ``stage``.
    """

    __tablename__ = "item_lifecycles"
    __table_args__ = (
        check_in("stage", LifecycleStage),
        check_in("end_action", EndAction),
        sa.Index("ix_item_lifecycles_due", "next_action_at",
                 postgresql_where=sa.text("next_action_at IS NOT NULL"),
                 sqlite_where=sa.text("next_action_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id"), unique=True)
    profile: Mapped[str] = mapped_column(sa.String(40))
    stage: Mapped[str] = mapped_column(sa.String(30))
    next_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notice_attempt_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attempts.id"))
    carrier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("carriers.id"))
    pickup_point_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pickup_points.id"))
    notice_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_notice_until: Mapped[date] = mapped_column(sa.Date)
    collect_by: Mapped[date] = mapped_column(sa.Date)
    collect_by_at: Mapped[datetime] = mapped_column(UTCDateTime)
    repeat_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_action: Mapped[str] = mapped_column(sa.String(20))
    deemed_served_on: Mapped[date | None] = mapped_column(sa.Date)
    repeat_notice_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    collected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[Item] = relationship()


class CarrierTask(Model):
    """Work for a carrier's handheld, e.g. leaving a repeat notice; one per item and kind."""

    __tablename__ = "carrier_tasks"
    __table_args__ = (
        sa.UniqueConstraint("item_id", "kind", name="uq_carrier_tasks_item_kind"),
        check_in("status", TaskStatus),
        sa.Index("ix_carrier_tasks_open", "carrier_id", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id"))
    carrier_id: Mapped[int] = mapped_column(sa.ForeignKey("carriers.id"))
    kind: Mapped[str] = mapped_column(sa.String(30))
    status: Mapped[str] = mapped_column(sa.String(20), default="open")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempt_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attempts.id"))

    item: Mapped[Item] = relationship()
