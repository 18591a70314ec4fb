"""The operator-rewrite attacks: each detected by ``flask evidence audit`` and by the proof check.

Plus the known-answer vector for webhook signatures, and bundles whose entry is not in the log.
"""
from __future__ import annotations

import copy
import json

import pytest
import sqlalchemy as sa

from app.evidence.keyring import keys
from app.extensions import db
from app.messaging.providers.webhook import sign, verify_signature
from app.models.evidence import LogEntry, SignedTreeHead
from notices import checkpoint, merkle
from notices.evidence import canonical, check_bundle, entry_leaf_hash
from notices.signature import read_attachment


def _audit(runner):
    return runner.invoke(args=["evidence", "audit"])


def test_an_updated_attempt_fails_the_audit_and_contradicts_the_issued_proof(proofs, attacker, runner):
    pdf = proofs.pdf(proofs.item_with_attempt())
    assert _audit(runner).exit_code == 0
    attacker("UPDATE attempts SET occurred_at = '2026-01-01 09:00:00'")
    result = _audit(runner)
    assert result.exit_code == 1 and "occurred_at" in result.output
    assert proofs.verify(pdf)["record"] == "contradicted"


def test_a_deleted_attempt_fails_the_audit_and_contradicts_the_issued_proof(proofs, attacker, runner):
    pdf = proofs.pdf(proofs.item_with_attempt())
    attacker("DELETE FROM attempts")
    result = _audit(runner)
    assert result.exit_code == 1 and "deleted" in result.output
    assert proofs.verify(pdf)["record"] == "contradicted"


def _rewrite_and_resign(app, attacker) -> None:
    """Change an attempt and its log entry, recompute every hash and re-sign every tree head
    with the operator's own log key: the log is consistent with itself again."""
    attacker("UPDATE attempts SET latitude = 50.0612")
    attacker("UPDATE log_entries SET canonical = replace(canonical, '52.2297', '50.0612') "
             "WHERE kind = 'attempt_recorded'")
    with app.app_context():
        rows = db.session.execute(sa.select(LogEntry.index, LogEntry.canonical).order_by(LogEntry.index)).all()
        heads = db.session.scalars(sa.select(SignedTreeHead)).all()
        origin, log_key = keys().origin, keys().log_key
        tree = merkle.MemoryTree()
        for row in rows:
            tree.append(row.canonical.encode())
        signed = {h.id: checkpoint.sign(origin, h.tree_size, tree.root(h.tree_size), h.timestamp_ms, log_key)
                  for h in heads}
    for row in rows:
        attacker('UPDATE log_entries SET leaf_hash = :h WHERE "index" = :i',
                 h=entry_leaf_hash(row.canonical).hex(), i=row.index)
    for (level, index), digest in tree.nodes.items():
        attacker('UPDATE log_nodes SET hash = :h WHERE level = :l AND "index" = :i', h=digest.hex(), l=level, i=index)
    for head_id, head in signed.items():
        attacker("UPDATE log_tree_heads SET root_hash = :r, note = :n WHERE id = :id",
                 r=head.root_hash.hex(), n=head.note, id=head_id)


def test_a_rewritten_and_re_signed_log_fails_the_audit_through_the_issued_proofs(app, proofs, attacker, runner):
    pdf = proofs.pdf(proofs.item_with_attempt())
    _rewrite_and_resign(app, attacker)
    result = _audit(runner)
    assert result.exit_code == 1
    assert "does not extend: the log was rewritten after this proof was issued" in result.output
    assert "differs from the issued copy" in result.output
    verdict = proofs.verify(pdf)
    assert (verdict["document"], verdict["record"]) == ("authentic", "contradicted")
    assert any("the operator's log was rewritten" in p for p in verdict["record_problems"])


def test_a_rewritten_log_is_caught_offline_against_the_head_inside_the_proof(app, proofs, attacker, client):
    """The holder's proof carries a signed tree head; the rewritten log cannot prove it extends it."""
    from notices.verify import verify as offline

    number = proofs.item_with_attempt()
    pdf = proofs.pdf(number)
    _rewrite_and_resign(app, attacker)
    keys_pem = client.get("/api/v1/log/keys.pem").data
    size = json.loads(read_attachment(pdf))["tree_head"]["tree_size"]
    today = client.get(f"/api/v1/log/items/{number}?since={size}").get_json()
    status, lines, verdict = offline(pdf, keys_pem, None, today)
    assert status == 1 and (verdict.document.value, verdict.record.value) == ("authentic", "contradicted"), lines
    assert any("operator's record: the operator's log today does not extend" in line for line in lines)


def test_webhook_signature_known_answer_and_a_tampered_timestamp():
    secret, t = "whsec_5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH", 1795000000
    body = b'{"event":"item.attempt_recorded","id":"evt_1"}'
    # Computed independently: printf '%s' '<t>.<body>' | openssl dgst -sha256 -hmac <secret>
    expected = "665ad9bd78f6f8162707ad76cfb5cabe6ded03d7fbba7de9ad09cb1d35f4773b"
    header = sign(secret, t, body)
    assert header == f"t={t},v1={expected}"
    assert verify_signature(secret, header, body, now=t + 10)
    assert not verify_signature(secret, header.replace(f"t={t}", f"t={t + 1}"), body, now=t + 10)
    assert not verify_signature(secret, header, body + b" ", now=t + 10)
    assert not verify_signature(secret, header, body, now=t + 301)  # too old: a replay


@pytest.fixture
def bundle(proofs):
    pdf = proofs.pdf(proofs.item_with_attempt())
    return json.loads(read_attachment(pdf))


def _log_key(app):
    with app.app_context():
        return keys().log_public_key


def test_a_bundle_whose_inclusion_path_has_one_changed_hash_fails(app, bundle):
    assert check_bundle(bundle, _log_key(app)).ok
    changed = copy.deepcopy(bundle)
    path = changed["entries"][1]["inclusion_proof"]
    assert path, "the tree has more than one leaf"
    path[0] = ("0" if path[0][0] != "0" else "1") + path[0][1:]
    report = check_bundle(changed, _log_key(app))
    assert not report.ok
    assert any(f"entry {changed['entries'][1]['index']}" in f.message and not f.ok for f in report.findings)


def test_a_bundle_with_an_entry_absent_from_the_log_fails(app, bundle):
    forged = copy.deepcopy(bundle)
    entry = copy.deepcopy(forged["entries"][1])
    content = json.loads(entry["canonical"])
    content["facts"]["attempt"]["id"] += 1000
    content["facts"]["attempt"]["outcome"] = "delivered"
    entry["canonical"] = canonical(content)
    entry["leaf_hash"] = entry_leaf_hash(entry["canonical"]).hex()  # self-consistent, but never logged
    forged["entries"].append(entry)
    report = check_bundle(forged, _log_key(app))
    assert not report.ok
    assert any("not" in f.message.lower() and not f.ok for f in report.findings)


@pytest.mark.usefixtures("with_tsa")
def test_checkpoints_are_time_stamped_as_published_and_a_re_signed_one_is_caught(app, proofs, attacker, runner,
                                                                                 client, local_tsa):
    from app.evidence.witnesses import configured, publish_and_witness

    proofs.item_with_attempt()
    before = local_tsa.requests
    with app.app_context():
        publish_and_witness(configured(app.config), app.config["TREE_HEAD_MAX_AGE_SECONDS"])
    assert local_tsa.requests == before + 1
    history = client.get("/api/v1/log/checkpoints").get_json()["checkpoints"]
    assert history[-1]["rfc3161_token"]
    assert _audit(runner).exit_code == 0
    _rewrite_and_resign(app, attacker)
    result = _audit(runner)
    assert result.exit_code == 1
    assert "is not the checkpoint the time-stamping authority stamped at" in result.output
