"""Issue 5: ``python -m notices.verify`` as a separate process, with no app, database or network."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from notices import checkpoint

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.usefixtures("with_tsa")  # time-stamps from the local RFC 3161 server


def run_verifier(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "notices.verify", *map(str, args)], cwd=ROOT, check=False,
                          capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})


def test_offline_verifier_accepts_a_proof_from_the_app(tmp_path, proofs, client):
    number = proofs.item_with_attempt()
    (tmp_path / "proof.pdf").write_bytes(proofs.pdf(number))
    (tmp_path / "keys.pem").write_bytes(client.get("/api/v1/log/keys.pem").data)
    (tmp_path / "head.json").write_text(json.dumps(client.get("/api/v1/log/tree-head").get_json()))
    result = run_verifier(tmp_path / "proof.pdf", "--public-key", tmp_path / "keys.pem", "--tree-head", tmp_path / "head.json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"item {number}" in result.stdout
    assert "PDF signature valid" in result.stdout and "is included in the log" in result.stdout
    assert "the saved tree head and the proof's tree head agree" in result.stdout
    assert "Verdict / Wynik: AUTHENTIC" in result.stdout



def test_offline_verifier_loads_no_framework_or_database_code():
    probe = subprocess.run(  # noqa: PLW1510  (the test reads the exit code itself)
        [sys.executable, "-c", "import sys, notices.verify; print(sorted({m.split('.')[0] for m in sys.modules} "
                               "& {'flask', 'sqlalchemy', 'psycopg', 'app', 'twilio', 'apscheduler'}))"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == "[]"


def test_offline_verifier_reports_a_flipped_byte_and_a_forged_tree_head(tmp_path, proofs, client):
    pdf = bytearray(proofs.pdf(proofs.item_with_attempt()))
    (tmp_path / "keys.pem").write_bytes(client.get("/api/v1/log/keys.pem").data)
    start = pdf.index(b"stream", len(pdf) // 10)
    pdf[start + 200] ^= 0x01
    (tmp_path / "flipped.pdf").write_bytes(bytes(pdf))
    flipped = run_verifier(tmp_path / "flipped.pdf", "--public-key", tmp_path / "keys.pem")
    assert flipped.returncode == 1 and "ALTERED" in flipped.stdout

    number = proofs.item_with_attempt()
    (tmp_path / "proof.pdf").write_bytes(proofs.pdf(number))
    head = client.get("/api/v1/log/tree-head").get_json()
    forged = checkpoint.sign(head["origin"], head["tree_size"], b"\x11" * 32, head["timestamp_ms"], Ed25519PrivateKey.generate())
    (tmp_path / "forged.txt").write_text(forged.note)
    result = run_verifier(tmp_path / "proof.pdf", "--public-key", tmp_path / "keys.pem", "--tree-head", tmp_path / "forged.txt")
    assert result.returncode == 1
    assert "saved tree head: the tree head is not signed by the operator's log key" in result.stdout


def test_both_versions_verify_offline_and_an_old_head_needs_a_consistency_proof(tmp_path, proofs, api, client):
    number = proofs.item_with_attempt(outcome="no_access")
    (tmp_path / "v1.pdf").write_bytes(proofs.pdf(number))
    old_head = client.get("/api/v1/log/tree-head").get_json()
    assert api.scan(number, outcome="notice_left").status_code == 201
    (tmp_path / "v2.pdf").write_bytes(proofs.pdf(number))
    (tmp_path / "keys.pem").write_bytes(client.get("/api/v1/log/keys.pem").data)
    for name in ("v1.pdf", "v2.pdf"):
        result = run_verifier(tmp_path / name, "--public-key", tmp_path / "keys.pem")
        assert result.returncode == 0, result.stdout
    v2_size = json.loads(__import__("notices.signature", fromlist=["x"]).read_attachment((tmp_path / "v2.pdf").read_bytes()))["tree_head"]["tree_size"]
    proof = client.get(f"/api/v1/log/consistency?first={old_head['tree_size']}&second={v2_size}").get_json()
    (tmp_path / "old.json").write_text(json.dumps({**old_head, "consistency_proof": proof["consistency_proof"]}))
    result = run_verifier(tmp_path / "v2.pdf", "--public-key", tmp_path / "keys.pem", "--tree-head", tmp_path / "old.json")
    assert result.returncode == 0, result.stdout
    assert f"extends the one of size {old_head['tree_size']}" in result.stdout
    without_key = run_verifier(tmp_path / "v2.pdf")
    assert without_key.returncode == 2 and "no --public-key given" in without_key.stdout
