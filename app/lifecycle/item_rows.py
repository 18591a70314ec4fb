"""Items as the item-event listeners of a sweep read them: their columns and their sender.

A sweep batch hands a thousand items to the listeners (the transparency log, the sender
callbacks), which read an item's columns and its sender and change nothing. Loading them as
ORM objects costs an identity-map entry and instrumented state per item, kept until the
commit expires them all; :func:`load_item_rows` reads the same columns in one query instead
(on PostgreSQL into plain tuples through the driver, :func:`app.models.bulk.rows_by_id`), and
gives each batch's few senders as the session's own objects.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Item, Sender, bulk

_ATTRIBUTES = tuple((attr.key, attr.columns[0]) for attr in sa.inspect(Item).column_attrs)
_NAMES = tuple(name for name, _column in _ATTRIBUTES)
_ITEMS = cast(sa.Table, Item.__table__)
if tuple(column.key for column in _ITEMS.c) != _NAMES:  # rows are read in the table's column order
    raise RuntimeError("Item's attributes no longer follow its table's columns one to one")
_ID, _SENDER_ID = _NAMES.index("id"), _NAMES.index("sender_id")


class ItemRow:
    """One item's column values under the names :class:`~app.models.Item` gives them, its
    ``sender`` and :meth:`verify_url`: what a listener reads of an item, read-only."""

    __slots__ = (*_NAMES, "sender")

    def __init__(self, values: Sequence, sender: Sender | None) -> None:
        for name, value in zip(_NAMES, values, strict=True):
            setattr(self, name, value)
        self.sender = sender

    def verify_url(self, base_url: str) -> str:
        return Item.verify_url(cast(Item, self), base_url)


def load_item_rows(session: Session, ids: list[int]) -> dict[int, Item]:
    """The items of ``ids`` by id, as :class:`ItemRow` (typed as the listeners expect them)."""
    if not ids:
        return {}
    rows = bulk.rows_by_id(session.connection(), _ITEMS, ids)  # the table's columns, in _NAMES' order
    sender_ids = {row[_SENDER_ID] for row in rows}
    senders = {s.id: s for s in session.scalars(sa.select(Sender).where(Sender.id.in_(sender_ids)))}
    return {row[_ID]: cast(Item, ItemRow(row, senders.get(row[_SENDER_ID]))) for row in rows}
