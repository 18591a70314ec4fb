"""Helpers for evidence tests: an attacker with database rights, and proofs fetched as senders do."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db


@pytest.fixture
def attacker(app):
    """Runs SQL the way a database administrator would: append-only triggers bypassed first."""

    def run(sql: str, **params) -> None:
        with app.app_context(), db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Superuser-only: triggers (append-only guards, foreign keys) off for this
                # transaction alone, so the shared test database keeps its guards.
                conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            else:  # each SQLite test has its own copy of the database
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                for table in ("attempts", "attempt_device_evidence", "log_entries", "log_nodes", "log_tree_heads"):
                    for action in ("update", "delete"):
                        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
            conn.execute(sa.text(sql), params)

    return run


@pytest.fixture
def proofs(api, client):
    """Register an item with one attempt and fetch proofs like a sender."""

    class Proofs:
        def item_with_attempt(self, **scan):
            number = api.register().get_json()["tracking_number"]
            assert api.scan(number, **scan).status_code == 201
            return number

        def pdf(self, number: str) -> bytes:
            response = client.get(f"/api/v1/items/{number}/proof.pdf", headers=api.auth(api.sender_key))
            assert response.status_code == 200, response.get_data(as_text=True)
            return response.data

        def verify(self, pdf: bytes) -> dict:
            response = client.post("/api/v1/proofs/verify", data=pdf, content_type="application/pdf")
            assert response.status_code == 200, response.get_data(as_text=True)
            return response.get_json()

    return Proofs()
