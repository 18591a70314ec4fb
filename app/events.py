"""Facts about an item, recorded once and passed to the parts that react to them.

``record_event`` writes an item event and calls every listener registered on the app
(the transparency log, sender callbacks, …) inside the same transaction, so a fact and its
consequences are committed together or not at all.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import cast

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from app.models import Item, ItemEvent
from app.models.bulk import insert_rows


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """An item event a batch wrote: the same facts as its :class:`ItemEvent` row, without an ORM
    object per event (a bulk import or a sweep records thousands)."""

    id: int
    item_id: int
    kind: str
    occurred_at: datetime
    data: dict | None


Event = ItemEvent | RecordedEvent
Listener = Callable[[Session, Item, Event], None]
BatchListener = Callable[[Session, list[tuple[Item, Event]]], None]
_KEY = "awizo.item_event_listeners"


def add_listener(app, listener: Listener, batch: BatchListener | None = None) -> None:
    """Register ``listener(session, item, event)``; called for every event, in order.

    ``batch(session, [(item, event), ...])``, if given, takes the place of ``listener`` for the
    events :func:`record_events` writes at once (so it can write its own rows in bulk).
    """
    app.extensions.setdefault(_KEY, []).append((listener, batch))


_EVENTS = cast(sa.Table, ItemEvent.__table__)
_INSERT_EVENT = sa.insert(_EVENTS).returning(_EVENTS.c.id)


def record_event(session: Session, item: Item, kind: str, occurred_at: datetime, data: dict | None = None
                 ) -> RecordedEvent:
    """Write one event of ``item`` (already in the database) and call every listener on it.

    One ``INSERT … RETURNING``: the session's other pending changes are not flushed for it.
    """
    if item.id is None:
        raise ValueError("an item's event is recorded once the item is in the database (flush it first)")
    event_id = session.connection().execute(
        _INSERT_EVENT, {"item_id": item.id, "kind": kind, "occurred_at": occurred_at, "data": data}).scalar_one()
    event = RecordedEvent(event_id, item.id, kind, occurred_at, data)
    for listener, _batch in current_app.extensions.get(_KEY, []):
        listener(session, item, event)
    return event


def record_events(session: Session, facts: list[tuple[Item, str, datetime, dict | None]]) -> list[RecordedEvent]:
    """Many events at once (bulk registration, a sweep): one INSERT, then the listeners.

    A listener registered with a ``batch`` form gets the whole batch in one call; others are
    called per event.
    """
    items = {item.id: item for item, *_ in facts}
    return record_item_events(session, [(item.id, kind, at, data) for item, kind, at, data in facts],
                              lambda ids: items)


def record_item_events(session: Session, facts: list[tuple[int, str, datetime, dict | None]],
                       load_items: Callable[[list[int]], Mapping[int, Item]]) -> list[RecordedEvent]:
    """:func:`record_events` for facts naming their item by id: ``load_items(ids)`` gives the
    items by id and is called only when a listener is registered to read them (a sweep loads
    no ORM item at all where nothing listens)."""
    session.flush()
    rows = [{"item_id": item_id, "kind": kind, "occurred_at": at, "data": data} for item_id, kind, at, data in facts]
    ids = insert_rows(session.connection(), _EVENTS, rows, returning=["id"])
    events = [RecordedEvent(event_id, item_id, kind, at, data)
              for (event_id,), (item_id, kind, at, data) in zip(ids, facts, strict=True)]
    listeners = current_app.extensions.get(_KEY, [])
    if not listeners:
        return events
    items = load_items(list(dict.fromkeys(event.item_id for event in events)))
    pairs: list[tuple[Item, Event]] = [(items[event.item_id], event) for event in events]
    for listener, batch in listeners:
        if batch is not None:
            batch(session, pairs)
        else:
            for item, event in pairs:
                listener(session, item, event)
    return events
