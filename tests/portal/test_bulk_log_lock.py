"""A scan made while a bulk import is saving is not held up by it, and the log stays whole.

The transparency log is numbered under one row lock. An import numbers its entries at its commit,
so a carrier's scan committing meanwhile gets its entry first and returns at once.
"""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from app.evidence import log as evidence_log
from app.evidence.audit import audit_log
from app.extensions import db
from app.models import Item, Sender
from app.models.evidence import LogEntry
from app.models.types import utcnow
from app.senders import imports, webhooks
from app.senders.imports import CHUNK, csv_row_to_payload
from tests.portal.test_bulk_reference import cells
from tests.support import required


@pytest.fixture
def postgresql(app):
    required.postgresql_only(app.config["SQLALCHEMY_DATABASE_URI"],
                             "a scan committing while an import's transaction is open needs a second writer")


def test_a_scan_during_an_import_returns_at_once_and_the_log_holds_both_in_commit_order(app, api, postgresql,
                                                                                          monkeypatch):
    monkeypatch.setattr(evidence_log, "_NODES_AT_ONCE", 500)  # the commit makes the tree's nodes in five parts
    number = api.register().get_json()["tracking_number"]  # registered before: its entry is in the log
    rows = [cells(400_000 + i) for i in range(2 * CHUNK + 7)]  # three chunks
    with app.app_context():
        webhooks.create_endpoint(db.session, api.sender_id, "https://hooks.example.com/a")  # callbacks sign a head
        sender = db.session.get_one(Sender, api.sender_id)
        steps = imports.bulk_register(db.session, sender, [(n + 2, csv_row_to_payload(r)) for n, r in enumerate(rows)],
                                      now=utcnow())
        saved = 0
        for step in steps:  # until two of three chunks are saved: their events and entries are written
            if step.phase == "saving":
                saved = step.done
                if saved >= 2 * CHUNK:
                    break
        assert saved == 2 * CHUNK

        answer: list = []
        scan = threading.Thread(target=lambda: answer.append(api.scan(number)))
        scan.start()
        scan.join(timeout=20)
        waited = scan.is_alive()
        done = imports.run(steps)  # finishes and commits the import (and frees the scan if it waited)
        scan.join()
        assert not waited, "the scan waited for the import's transaction"
        assert answer[0].status_code == 201, answer[0].get_data(as_text=True)
        assert done.report.status == "imported", done.report.errors

        scanned = db.session.scalar(sa.select(Item.id).where(Item.tracking_number == number))
        last_of_scan = db.session.scalar(sa.select(sa.func.max(LogEntry.index)).where(LogEntry.item_id == scanned))
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LogEntry)
                                 .where(LogEntry.item_id == scanned, LogEntry.kind == "attempt_recorded")) == 1
        imported = db.session.execute(sa.select(sa.func.min(LogEntry.index), sa.func.max(LogEntry.index),
                                                sa.func.count()).where(LogEntry.item_id != scanned)
                                      .where(LogEntry.index > last_of_scan)).one()
        # The scan committed first, so its entries come before every entry of the import, which follow
        # them without a gap, in the order of the file.
        assert tuple(imported) == (last_of_scan + 1, last_of_scan + len(rows), len(rows))
        numbers = db.session.scalars(sa.select(LogEntry.canonical).where(LogEntry.index > last_of_scan)
                                     .order_by(LogEntry.index)).all()
        assert [f'"item":"{r["tracking_number"]}"' in text for r, text in zip(rows, numbers, strict=True)] \
            == [True] * len(rows)
        report = audit_log(db.session, [])  # every entry, node and signed head recomputed from the entries
        assert report.problems == []


def test_an_import_that_fails_after_saving_chunks_leaves_the_log_as_it_was(app, api):
    api.register()
    rows = [cells(500_000 + i) for i in range(CHUNK + 3)]
    with app.app_context():
        before = db.session.execute(sa.select(sa.func.count(), sa.func.max(LogEntry.index))).one()
        sender = db.session.get_one(Sender, api.sender_id)
        steps = imports.bulk_register(db.session, sender, [(n + 2, csv_row_to_payload(r)) for n, r in enumerate(rows)],
                                      now=utcnow())
        for step in steps:
            if step.phase == "saving":
                break
        steps.close()  # the import stops (a closed connection, a killed process) before its commit
        db.session.rollback()
        assert db.session.execute(sa.select(sa.func.count(), sa.func.max(LogEntry.index))).one() == before
        after = api.register()  # the next entry takes the next number: nothing was reserved
        assert after.status_code == 201
        assert db.session.scalar(sa.select(sa.func.max(LogEntry.index))) == before[1] + 1
        assert audit_log(db.session, []).problems == []


def test_imports_one_after_another_on_one_connection_each_number_their_own_entries(app, api):
    """The temporary table goes with each transaction; the next import makes its own (statements
    the driver prepared after a few runs must follow it)."""
    with app.app_context():
        sender = db.session.get_one(Sender, api.sender_id)
        for n in range(7):
            rows = [cells(600_000 + 10 * n + i) for i in range(3)]
            done = imports.run(imports.bulk_register(db.session, sender, [(i + 2, csv_row_to_payload(r))
                                                                          for i, r in enumerate(rows)], now=utcnow()))
            assert done.report.status == "imported", done.report.errors
            sender = db.session.get_one(Sender, api.sender_id)
        indices = db.session.scalars(sa.select(LogEntry.index).order_by(LogEntry.index)).all()
        assert indices == list(range(21))
        assert audit_log(db.session, []).problems == []
