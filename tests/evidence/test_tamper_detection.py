"""Issue 5: history rewritten directly in the database is detected; forged tree heads rejected."""
from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.evidence.audit import audit_log
from app.evidence.log import publish_tree_head
from app.evidence.witnesses import configured
from app.extensions import db
from notices import checkpoint, merkle


def _verify_page_json(client, api, number):
    url = api.item(number).get_json()["verify_url"].removeprefix("http://awizo.test")
    return client.get(url, headers={"Accept": "application/json"}).get_json()


def _audit(app):
    with app.app_context():
        return audit_log(db.session, configured(app.config))


def test_untouched_history_verifies(app, api, client, proofs):
    number = proofs.item_with_attempt()
    proofs.pdf(number)
    assert _verify_page_json(client, api, number)["integrity"]["intact"] is True
    assert _audit(app).ok, _audit(app).problems


@pytest.mark.parametrize("column,value", [("latitude", 50.0612), ("occurred_at", "2026-01-01 08:00:00")])
def test_updating_an_attempt_directly_in_the_database_is_detected(app, api, client, proofs, attacker, column, value):
    number = proofs.item_with_attempt()
    pdf = proofs.pdf(number)
    attacker(f"UPDATE attempts SET {column} = :value", value=value)
    integrity = _verify_page_json(client, api, number)["integrity"]
    assert integrity["intact"] is False
    assert any("attempt" in p and ("lat" in p or "occurred_at" in p) for p in integrity["problems"]), integrity
    audit = _audit(app)
    assert not audit.ok and any(number in p for p in audit.problems)
    assert proofs.verify(pdf)["record_integrity"]["intact"] is False


def test_deleting_an_attempt_row_is_detected(app, api, client, proofs, attacker):
    number = proofs.item_with_attempt(outcome="refused")
    attacker("DELETE FROM attempts")
    integrity = _verify_page_json(client, api, number)["integrity"]
    assert integrity["intact"] is False
    assert any("deleted" in p for p in integrity["problems"])
    assert not _audit(app).ok


def test_rewriting_the_log_itself_breaks_consistency_with_published_tree_heads(app, proofs, attacker):
    number = proofs.item_with_attempt()
    with app.app_context():
        publish_tree_head(app.config["TREE_HEAD_MAX_AGE_SECONDS"])
    attacker("UPDATE log_entries SET canonical = replace(canonical, '52.2297', '50.0612'), "
             "leaf_hash = '00' || substr(leaf_hash, 3) WHERE kind = 'attempt_recorded'")
    audit = _audit(app)
    assert not audit.ok
    assert any("hash does not match" in p or "does not match the recomputed log" in p for p in audit.problems)
    assert number


def test_deleting_a_log_entry_leaves_a_gap_that_the_audit_reports(app, proofs, attacker):
    proofs.item_with_attempt()
    attacker("DELETE FROM log_entries WHERE \"index\" = 0")
    assert any("should hold entries" in p for p in _audit(app).problems)


def test_tree_head_signed_with_another_key_is_rejected(app, client):
    head = client.get("/api/v1/log/tree-head").get_json()
    with app.app_context():
        from app.evidence.keyring import keys

        genuine = keys().log_public_key
    assert checkpoint.verify(head["note"], genuine).tree_size == head["tree_size"]
    forged = checkpoint.sign(head["origin"], head["tree_size"] + 1, b"\x00" * 32, head["timestamp_ms"],
                             Ed25519PrivateKey.generate())
    with pytest.raises(checkpoint.CheckpointError):
        checkpoint.verify(forged.note, genuine)


def test_log_endpoints_serve_proofs_that_verify(api, client, proofs):
    proofs.item_with_attempt()
    first = client.get("/api/v1/log/tree-head").get_json()
    proofs.item_with_attempt()
    second = client.get("/api/v1/log/tree-head").get_json()
    assert second["tree_size"] > first["tree_size"]
    consistency = client.get(f"/api/v1/log/consistency?first={first['tree_size']}&second={second['tree_size']}").get_json()
    merkle.verify_consistency(first["tree_size"], second["tree_size"], bytes.fromhex(first["root_hash"]),
                              bytes.fromhex(second["root_hash"]), [bytes.fromhex(h) for h in consistency["consistency_proof"]])
    inclusion = client.get(f"/api/v1/log/entries/1/inclusion?tree_size={second['tree_size']}").get_json()
    merkle.verify_inclusion(1, second["tree_size"], bytes.fromhex(inclusion["leaf_hash"]),
                            [bytes.fromhex(h) for h in inclusion["inclusion_proof"]], bytes.fromhex(second["root_hash"]))
    bad = client.get("/api/v1/log/consistency?first=5&second=2")
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert bad.get_json()["errors"][0]["field"] == "first"


def test_audit_command_fails_loudly_after_tampering(runner, proofs, attacker):
    proofs.item_with_attempt()
    assert runner.invoke(args=["evidence", "publish-tree-head"]).exit_code == 0
    clean = runner.invoke(args=["evidence", "audit"])
    assert clean.exit_code == 0 and "The log is intact" in clean.output
    attacker("UPDATE attempts SET accuracy_m = 3")
    result = runner.invoke(args=["evidence", "audit"])
    assert result.exit_code == 1
    assert "accuracy_m" in result.output


def test_changing_the_recipient_or_an_event_row_is_detected(api, client, proofs, attacker):
    number = proofs.item_with_attempt()
    attacker("UPDATE items SET recipient_name = 'Ktoś Inny'")
    attacker("UPDATE item_events SET occurred_at = '2020-01-01 00:00:00' WHERE kind = 'attempt_recorded'")
    problems = _verify_page_json(client, api, number)["integrity"]["problems"]
    assert any("recipient_commitment" in p for p in problems), problems
    assert any("event.at" in p for p in problems), problems


def test_bulk_recorded_events_are_logged_like_single_ones(app, api, proofs):
    from datetime import datetime, timezone

    import sqlalchemy as sa

    from app.events import record_events
    from app.models import Item
    from app.models.evidence import LogEntry

    numbers = [api.register().get_json()["tracking_number"] for _ in range(3)]
    with app.test_request_context():
        items = db.session.scalars(sa.select(Item).where(Item.tracking_number.in_(numbers))).all()
        record_events(db.session, [(items[i % 3], "note", datetime.now(timezone.utc), {"n": i}) for i in range(37)])
        db.session.commit()
        entries = db.session.scalars(sa.select(LogEntry).order_by(LogEntry.index)).all()
        assert [e.index for e in entries] == list(range(40))
        head = publish_tree_head(app.config["TREE_HEAD_MAX_AGE_SECONDS"])
        assert head["tree_size"] == 40
        assert bytes.fromhex(head["root_hash"]) == merkle.root_of([e.canonical.encode() for e in entries])
    proofs.item_with_attempt()
    assert _audit(app).ok
