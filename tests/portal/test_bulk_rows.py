"""``rows_by_id`` gives the rows a Core SELECT gives: the same values, of the same types, in id order."""
from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Item, Sender
from app.models.bulk import rows_by_id
from app.models.types import utcnow
from app.senders import imports
from app.senders.imports import csv_row_to_payload
from tests.portal.test_bulk_reference import cells

_ITEMS = Item.__table__


def test_rows_by_id_reads_what_a_core_select_reads(app, api):
    rows = [cells(500 + i) for i in range(5)]
    rows[1].update(content_sha256="cd" * 32, address_line2="m. 4")
    with app.app_context():
        sender = db.session.get_one(Sender, api.sender_id)
        done = imports.run(imports.bulk_register(db.session, sender, [(n + 2, csv_row_to_payload(r)) for n, r in enumerate(rows)],
                                                 now=utcnow(), source="csv"))
        assert done.report.status == "imported", done.report.errors
        ids = list(db.session.scalars(sa.select(Item.id).where(Item.tracking_number.in_(done.tracking_numbers))))
        db.session.execute(sa.update(Item).where(Item.id == ids[2]).values(collect_by_at=utcnow()))
        wanted = [ids[3], ids[0], ids[2], 2_000_000_000]  # any order, and an id that is not there
        expected = [tuple(row) for row in db.session.execute(
            sa.select(_ITEMS).where(_ITEMS.c.id.in_(wanted)).order_by(_ITEMS.c.id))]
        found = rows_by_id(db.session.connection(), _ITEMS, wanted)
        assert found == expected and len(found) == 3
        for got, want in zip(found, expected, strict=True):
            assert [type(v) for v in got] == [type(v) for v in want]
            assert [getattr(v, "tzinfo", None) for v in got] == [getattr(v, "tzinfo", None) for v in want]
