"""Witnessed checkpoints end to end: the scheduler's job submits heads to a running witness, proofs
carry the cosigned checkpoint, verifiers check it against the witness key, and a rewritten log
is refused by the witness and caught by the audit."""
from __future__ import annotations

import json
import threading

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.evidence.witnesses import configured, publish_and_witness
from app.extensions import db
from app.models.evidence import WitnessCosignature
from notices import checkpoint, witness
from notices.signature import read_attachment
from notices.verify import verify as offline
from tests.evidence.test_rewrite_attacks import _rewrite_and_resign

NAME = "witness.court.test/w1"


@pytest.fixture
def running_witness(tmp_path, operator_key_files):
    key = Ed25519PrivateKey.generate()
    log_key = checkpoint.load_public_key((operator_key_files / "log-public.pem").read_bytes())
    state = witness.StateFile(tmp_path / "witness" / "checkpoints.json")
    server = witness.serve(0, logs={"awizo.test/log": log_key}, state=state, name=NAME, key=key)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_address[1]}", "vkey": witness.vkey(NAME, key.public_key(), 4),
           "state": state}
    server.shutdown()
    server.server_close()


@pytest.fixture
def app_config(app_config, running_witness):
    return {**app_config, "WITNESSES": f"{running_witness['url']} {running_witness['vkey']}"}


def _publish(app) -> None:
    with app.app_context():
        publish_and_witness(configured(app.config), app.config["TREE_HEAD_MAX_AGE_SECONDS"])


def _cosignatures(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(sa.select(WitnessCosignature.tree_size).order_by(WitnessCosignature.id)))


def test_heads_are_cosigned_and_proofs_carry_a_witnessed_checkpoint(app, proofs, api, client, running_witness, runner):
    number = proofs.item_with_attempt(outcome="no_access")
    _publish(app)
    assert api.scan(number, outcome="notice_left").status_code == 201
    _publish(app)
    sizes = _cosignatures(app)
    assert len(sizes) == 2 and sizes[0] < sizes[1]
    assert running_witness["state"].read()["awizo.test/log"]["size"] == sizes[1]

    pdf = proofs.pdf(number)
    embedded = json.loads(read_attachment(pdf))["witnessed"]
    assert [w["witness"] for w in embedded] == [NAME]
    verdict = proofs.verify(pdf)
    assert verdict["verdict"] == "authentic_current"
    assert any(f"witness {NAME} cosigned the log at size {sizes[1]}" in e["message"] for e in verdict["evidence"])
    status, lines, offline_verdict = offline(pdf, client.get("/api/v1/log/keys.pem").data,
                                             witnesses=[running_witness["vkey"]])
    assert status == 0 and offline_verdict.document.value == "authentic", lines
    assert any(f"witness {NAME} cosigned" in line for line in lines)
    assert runner.invoke(args=["evidence", "audit"]).exit_code == 0
    assert client.get("/api/v1/log/vkey").get_data(as_text=True).startswith("awizo.test/log+")
    history = client.get("/api/v1/log/checkpoints").get_json()["checkpoints"]
    assert any(h["cosigned"] for h in history)
    assert client.get("/api/v1/log/entries?start=0&limit=1").get_json()["entries"][0]["index"] == 0


def test_a_rewritten_log_is_refused_by_the_witness_and_fails_the_audit(app, proofs, attacker, running_witness,
                                                                       runner):
    number = proofs.item_with_attempt()
    _publish(app)
    held = running_witness["state"].read()["awizo.test/log"]
    _rewrite_and_resign(app, attacker)
    with app.app_context():  # the rewritten log must not be cosigned
        db.session.execute(sa.delete(WitnessCosignature))
        db.session.commit()
    _publish(app)
    assert running_witness["state"].read()["awizo.test/log"] == held
    assert _cosignatures(app) == []
    result = runner.invoke(args=["evidence", "audit"])
    assert result.exit_code == 1
    assert f"witness {NAME} cosigned the log at size {held['size']} and the log today does not extend it" \
        in result.output
    assert number
