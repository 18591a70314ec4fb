"""Proof signing reuses what does not change between proofs, and signs what pyHanko would sign."""
from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
from datetime import datetime, timedelta, timezone

from asn1crypto import crl as asn1_crl
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.signers import SimpleSigner

from app.evidence.keyfiles import pkcs8
from app.evidence.keyring import EvidenceKeys
from app.evidence.pki import issue_chain, sign_crl
from notices.signature import PdfSigner


def test_signed_attributes_from_the_template_are_pyhankos_own():
    _root_key, root, key, cert = issue_chain("http://localhost/pki/crl.der", now=datetime.now(timezone.utc))
    signer = PdfSigner(pkcs8(key), cert.public_bytes(serialization.Encoding.PEM),
                       chain_pem=root.public_bytes(serialization.Encoding.PEM))._signer

    async def both(digest: bytes, algorithm: str) -> tuple[bytes, bytes]:
        ours = await signer.signed_attrs(digest, algorithm, use_pades=True)
        theirs = await SimpleSigner.signed_attrs(signer, digest, algorithm, use_pades=True)
        return ours.dump(), theirs.dump()

    for algorithm in ("sha256", "sha256", "sha512"):
        digest = hashlib.new(algorithm, os.urandom(64)).digest()
        ours, theirs = asyncio.run(both(digest, algorithm))
        assert ours == theirs
        assert ours.count(digest) == 1


def test_a_new_crl_is_used_for_the_next_proof(operator_key_files, tmp_path):
    for name in ("signing-key.pem", "signing-cert.pem", "root.pem", "root-key.pem", "crl.der", "log-key.pem"):
        shutil.copy(operator_key_files / name, tmp_path / name)
    keys = EvidenceKeys(str(tmp_path), {
        "PROOF_SIGNING_KEY": str(tmp_path / "signing-key.pem"), "PROOF_SIGNING_CERT": str(tmp_path / "signing-cert.pem"),
        "PROOF_SIGNING_CHAIN": str(tmp_path / "root.pem"), "PROOF_SIGNING_CRL": str(tmp_path / "crl.der"),
        "LOG_SIGNING_KEY": str(tmp_path / "log-key.pem")})
    first = keys.validation_context()
    assert keys.validation_context() is first  # the same minute, the same CRL: validated paths are kept

    root_key = serialization.load_pem_private_key((tmp_path / "root-key.pem").read_bytes(), None)
    root = x509.load_pem_x509_certificate((tmp_path / "root.pem").read_bytes())
    newer = sign_crl(root_key, root, now=datetime.now(timezone.utc) + timedelta(seconds=5), revoked=(1234,))
    (tmp_path / "crl.der").write_bytes(newer)
    second = keys.validation_context()
    assert second is not first
    assert [c.dump() for c in second.crls] == [asn1_crl.CertificateList.load(newer).dump()]
