"""Proofs in bulk: a zip of the proof PDFs of a selection of a sender's items."""
from __future__ import annotations

import io
import zipfile
from datetime import datetime

from sqlalchemy.orm import Session

from app.models import Item
from app.services import proofs
from app.services.errors import FieldError, ValidationFailed
from app.services.item_queries import ItemFilters, items_query
from notices import s10

MAX_PROOFS_PER_ZIP = 200


def select_items(session: Session, sender_id: int, filters: ItemFilters, numbers: list[str], now: datetime) -> list[Item]:
    """The sender's items named in ``numbers`` (if any), within ``filters``; never another sender's."""
    query = items_query(sender_id, filters, now)
    if numbers:
        clean = []
        for number in numbers:
            try:
                clean.append(str(s10.parse(number)))
            except s10.S10Error as exc:
                raise ValidationFailed([FieldError("tracking_number", f"{number!r} is not a valid S10 number: {exc.reason}")])
        query = query.where(Item.tracking_number.in_(clean))
    items = session.scalars(query.order_by(Item.created_at, Item.id).limit(MAX_PROOFS_PER_ZIP + 1)).all()
    if not items:
        raise ValidationFailed([FieldError("tracking_number", "no items match this selection")])
    if len(items) > MAX_PROOFS_PER_ZIP:
        raise ValidationFailed([FieldError("registered_from", f"more than {MAX_PROOFS_PER_ZIP} items match; "
                                           "narrow the date range or the filters")])
    return list(items)


def build_zip(session: Session, sender_id: int, filters: ItemFilters, numbers: list[str], *, now: datetime,
              base_url: str, tz: str) -> bytes:
    items = select_items(session, sender_id, filters, numbers, now)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in items:
            pdf = proofs.render_proof(session, item, base_url=base_url, now=now, tz=tz)
            archive.writestr(f"proof-{item.tracking_number}.pdf", pdf)
    return buffer.getvalue()
