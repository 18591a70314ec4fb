"""Proof records of items as PDF documents."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from notices.proof import render_proof_pdf
from app.models import Item
from app.services.records import item_record


def render_proof(session: Session, item: Item, *, base_url: str, now: datetime, tz: str, public: bool = False) -> bytes:
    """The item's proof record as PDF; ``public=True`` masks personal data."""
    record = item_record(session, item, base_url, public=public)
    return render_proof_pdf(record, now=now, tz=tz)
