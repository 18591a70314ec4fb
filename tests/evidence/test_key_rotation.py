"""After rotating the log key and the signing certificate, every old proof still verifies online
and offline: retired keys are published beside the current ones, and the proof names its keys."""
from __future__ import annotations

from datetime import datetime, timezone

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app import create_app
from app.evidence.keyfiles import pkcs8, public_key_pem
from app.evidence.pki import issue_signing_certificate
from notices import checkpoint
from notices.verify import verify as offline
from tests.proofs.pdftools import pdf_text


def test_old_proofs_verify_after_a_key_rotation(proofs, client, app_config, monkeypatch, operator_key_files, tmp_path):
    old_pdf = proofs.pdf(proofs.item_with_attempt())
    old_fingerprint = checkpoint.fingerprint(checkpoint.load_public_key((operator_key_files / "log-public.pem").read_bytes()))
    assert old_fingerprint in " ".join(pdf_text(old_pdf).split())  # a clerk can compare it with keys.pem

    root_key = serialization.load_pem_private_key((operator_key_files / "root-key.pem").read_bytes(), password=None)
    root = x509.load_pem_x509_certificate((operator_key_files / "root.pem").read_bytes())
    signing_key, signing_cert = issue_signing_certificate(root_key, root, "http://localhost/pki/crl.der",
                                                          now=datetime.now(timezone.utc), name="Awizo proof signing 2027")
    log_key = Ed25519PrivateKey.generate()
    (tmp_path / "signing-key.pem").write_bytes(pkcs8(signing_key))
    (tmp_path / "signing-cert.pem").write_bytes(signing_cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "log-key.pem").write_bytes(pkcs8(log_key))
    monkeypatch.setenv("PROOF_SIGNING_KEY", str(tmp_path / "signing-key.pem"))
    monkeypatch.setenv("PROOF_SIGNING_CERT", str(tmp_path / "signing-cert.pem"))
    monkeypatch.setenv("LOG_SIGNING_KEY", str(tmp_path / "log-key.pem"))
    rotated = create_app({**app_config, "EVIDENCE_KEY_HISTORY": ",".join(
        str(operator_key_files / name) for name in ("log-public.pem", "signing-cert.pem"))})
    new_client = rotated.test_client()
    keys_pem = new_client.get("/api/v1/log/keys.pem").data
    assert public_key_pem(log_key) in keys_pem and (operator_key_files / "log-public.pem").read_bytes() in keys_pem

    verdict = new_client.post("/api/v1/proofs/verify", data=old_pdf, content_type="application/pdf").get_json()
    assert verdict["document"] == "authentic" and verdict["record"] in ("current", "superseded"), verdict
    status, lines, _ = offline(old_pdf, keys_pem)
    assert status == 0, lines
    assert any(old_fingerprint in line for line in lines)
    with rotated.app_context():  # new heads are signed with the new key
        from app.evidence.log import sign_tree_head
        from app.extensions import db

        head = sign_tree_head(db.session)
        db.session.commit()
        checkpoint.verify(head.note, log_key.public_key())
