"""Helpers for lifecycle tests: sweep at the (travelled) current time, read what it produced."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.lifecycle import sweep as lifecycle_sweep
from app.models import Item, ItemEvent, OutboxMessage
from app.models.lifecycle import CarrierTask
from app.models.types import utcnow


class Lifecycle:
    def __init__(self, app):
        self.app = app

    def sweep(self, **kwargs):
        with self.app.app_context():
            return lifecycle_sweep.sweep(db.session, now=utcnow(), tz=self.app.config["OPERATOR_TIMEZONE"],
                                   base_url=self.app.config["PUBLIC_BASE_URL"],
                                   secret=self.app.config["SECRET_KEY"], **kwargs)

    def _item_id(self, number: str) -> int:
        return db.session.scalar(sa.select(Item.id).where(Item.tracking_number == number))

    def events(self, number: str) -> list[str]:
        with self.app.app_context():
            return list(db.session.scalars(sa.select(ItemEvent.kind).where(ItemEvent.item_id == self._item_id(number))
                                           .order_by(ItemEvent.id)))

    def messages(self, number: str, purpose: str | None = None) -> list[OutboxMessage]:
        with self.app.app_context():
            query = sa.select(OutboxMessage).where(OutboxMessage.item_id == self._item_id(number))
            if purpose:
                query = query.where(OutboxMessage.purpose == purpose)
            rows = db.session.scalars(query.order_by(OutboxMessage.id)).all()
            db.session.expunge_all()
            return rows

    def tasks(self, number: str) -> list[tuple[str, str]]:
        with self.app.app_context():
            return [(t.kind, t.status) for t in db.session.scalars(
                sa.select(CarrierTask).where(CarrierTask.item_id == self._item_id(number)).order_by(CarrierTask.id))]

    def status(self, number: str) -> str:
        with self.app.app_context():
            return db.session.scalar(sa.select(Item.status).where(Item.tracking_number == number))


@pytest.fixture
def lc(app):
    return Lifecycle(app)
