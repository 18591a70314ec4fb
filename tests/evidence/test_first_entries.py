"""The log's very first entries, numbered by two writers at once: neither fails, none is lost.

The log's size lives in one row, made by the first writer. Two transactions that both found
the log empty used to both create that row; the second one's INSERT waited for the first to
commit and then failed on the duplicate key (its scan or registration answered with an error).
"""
from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.evidence import log as evidence_log
from app.extensions import db
from app.models.evidence import LogState
from tests.support import required


@pytest.fixture
def postgresql(app):
    required.postgresql_only(app.config["SQLALCHEMY_DATABASE_URI"],
                             "two writers numbering at once need a database with concurrent writers")


def test_two_first_writers_on_an_empty_log_both_get_their_numbers(app, postgresql):
    with app.app_context():
        db.session.execute(sa.delete(LogState))
        db.session.commit()
        engine = db.engine
        first = Session(bind=engine)
        assert evidence_log._reserve(first, 2) == 0  # the first writer made the row and holds it
        outcome: list = []

        def second_writer():
            with app.app_context(), Session(bind=engine) as second:
                try:
                    outcome.append(evidence_log._reserve(second, 3))
                    second.commit()
                except Exception as exc:  # the failure is the finding
                    outcome.append(exc)

        thread = threading.Thread(target=second_writer)
        thread.start()
        time.sleep(0.5)  # the second writer is waiting for the first one's row
        assert thread.is_alive(), "the second writer did not wait for the first one"
        first.commit()
        first.close()
        thread.join(timeout=20)
        assert outcome == [2], outcome  # numbered after the first writer's two leaves
        assert db.session.scalar(sa.select(LogState.tree_size).where(LogState.id == 1)) == 5


def test_the_first_entry_on_an_empty_log_makes_its_size_row(app):
    with app.app_context():
        db.session.execute(sa.delete(LogState))
        db.session.commit()
        assert evidence_log._reserve(db.session, 1) == 0
        assert evidence_log._reserve(db.session, 4) == 1
        db.session.commit()
        assert db.session.scalar(sa.select(LogState.tree_size).where(LogState.id == 1)) == 5
