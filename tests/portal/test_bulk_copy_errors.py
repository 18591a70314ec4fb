"""A bulk write that fails in the database (a COPY on PostgreSQL, an executemany on SQLite)
keeps nothing, and an import that meets a number registered meanwhile says so in its report."""
from __future__ import annotations

from datetime import timezone

import psycopg
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Item, ItemEvent, Sender, bulk
from app.models.types import utcnow
from app.senders import imports
from app.senders.imports import CHUNK, csv_row_to_payload
from tests.portal.test_bulk_reference import cells
from tests.support import required

_EVENTS = ItemEvent.__table__


@pytest.fixture
def postgresql(app):
    required.postgresql_only(app.config["SQLALCHEMY_DATABASE_URI"],
                             "a second transaction registering a number while the import's is open needs a second writer")


def _events(item_id: int, n: int) -> list[dict]:
    return [{"item_id": item_id, "kind": "note", "occurred_at": utcnow(), "data": {"n": i}} for i in range(n)]


def test_a_bulk_write_that_fails_in_the_database_keeps_nothing(app, api):
    api.register()
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(ItemEvent))
        connection = db.session.connection()
        failed = (psycopg.errors.ForeignKeyViolation, sa.exc.IntegrityError)  # PostgreSQL, SQLite
        with pytest.raises(failed):
            bulk.insert_rows(connection, _EVENTS, _events(10**9, 300))  # no such item: fails at the COPY's end
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ItemEvent)) == before


def test_a_number_registered_by_another_request_meanwhile_is_reported_not_raised(app, api, postgresql, monkeypatch):
    """The items' COPY meets a number that another transaction registered after this one looked."""
    rows = [cells(200_000 + i) for i in range(CHUNK + 3)]
    taken = rows[CHUNK + 1]["tracking_number"]
    write = imports._Intake._write

    def write_after_a_rival(self, chunk):
        if any(new.tracking_number == taken for _, new in chunk):
            with db.engine.begin() as rival:  # another request, committed before this COPY
                rival.execute(sa.insert(Item).values(
                    tracking_number=taken, service="pl_official_letter", sender_id=api.sender_id,
                    recipient_name="X", address_line1="ul. Polna 1", postal_code="00-950", city="Warszawa",
                    country="PL", language="pl", verify_token="rival-token", status="registered",
                    created_at=utcnow().astimezone(timezone.utc)))
            self.session.execute(sa.text("SET LOCAL lock_timeout = '5s'"))
        return write(self, chunk)

    monkeypatch.setattr(imports._Intake, "_write", write_after_a_rival)
    monkeypatch.setattr(imports, "among", lambda session, column, values, type_: sa.false()
                        if column is Item.tracking_number else bulk.among(session, column, values, type_))
    with app.app_context():
        sender = db.session.get_one(Sender, api.sender_id)
        done = imports.run(imports.bulk_register(db.session, sender, [(n + 2, csv_row_to_payload(r))
                                                                      for n, r in enumerate(rows)], now=utcnow()))
        assert done.report.status == "rejected"
        assert [e["field"] for e in done.report.errors] == ["batch"]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Item)) == 1  # the rival's alone
