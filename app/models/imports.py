"""The report of each bulk import (CSV upload or API bulk call), kept for the sender."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.types import UTCDateTime, check_in, utcnow
from notices.vocabulary import ImportStatus


class ImportReport(Model):
    """What a bulk import did: all rows registered (``imported``) or none (``rejected``).

    ``errors`` lists ``{"row", "field", "message"}`` for every rejected row (rows numbered
    as a spreadsheet shows them: the header is row 1).
    """

    __tablename__ = "import_reports"
    __table_args__ = (check_in("status", ImportStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int] = mapped_column(sa.ForeignKey("senders.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    source: Mapped[str] = mapped_column(sa.String(10), default="csv")
    filename: Mapped[str | None] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(10))
    total_rows: Mapped[int] = mapped_column(sa.Integer, default=0)
    rejected_rows: Mapped[int] = mapped_column(sa.Integer, default=0)
    errors: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
