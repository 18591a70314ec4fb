"""Proof signing reuses what does not change between proofs, and signs what pyHanko would sign."""
from __future__ import annotations

import asyncio
import hashlib
import io
import os
import shutil
from datetime import datetime, timedelta, timezone

import pytest
from asn1crypto import crl as asn1_crl
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import SimpleSigner
from reportlab.pdfgen import canvas

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
    keys = _operator_keys(operator_key_files, tmp_path)
    first = keys.validation_context()
    assert keys.validation_context() is first  # the same minute, the same CRL: validated paths are kept

    root_key, root = _root(tmp_path)
    newer = sign_crl(root_key, root, now=datetime.now(timezone.utc) + timedelta(seconds=5), revoked=(1234,))
    (tmp_path / "crl.der").write_bytes(newer)
    second = keys.validation_context()
    assert second is not first
    assert [c.dump() for c in second.crls] == [asn1_crl.CertificateList.load(newer).dump()]


def test_a_signer_revoked_by_a_new_crl_signs_no_further_proof(operator_key_files, tmp_path, local_tsa):
    """The signer's validation is made once per validation context: a new CRL is a new context,
    so a revocation stops the very next proof (and a fresh CRL is the one the next proof embeds)."""
    keys, page = _operator_keys(operator_key_files, tmp_path, local_tsa), _page()
    root_key, root = _root(tmp_path)
    signing = x509.load_pem_x509_certificate((tmp_path / "signing-cert.pem").read_bytes())

    crls = []
    for seconds in (5, 10):  # two proofs under the first CRL, then one under a fresh one
        first, second = (keys.signer.sign(page.getvalue()) for _ in range(2))
        for signed in (first, second):
            assert b"/DocTimeStamp" in signed
            assert (tmp_path / "crl.der").read_bytes() in _embedded_crls(signed)
        crls.append((tmp_path / "crl.der").read_bytes())
        (tmp_path / "crl.der").write_bytes(sign_crl(root_key, root, now=datetime.now(timezone.utc) + timedelta(seconds=seconds)))
    assert crls[0] != crls[1]

    (tmp_path / "crl.der").write_bytes(sign_crl(root_key, root, now=datetime.now(timezone.utc) + timedelta(seconds=15),
                                                revoked=(signing.serial_number,)))
    with pytest.raises(SigningError, match="could not be validated"):
        keys.signer.sign(page.getvalue())


def _embedded_crls(pdf: bytes) -> list[bytes]:
    """The CRLs (DER) in the document security store of the last revision."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    return [stream.get_object().data for stream in reader.root["/DSS"].get("/CRLs", [])]


def test_the_kept_validation_does_not_grow_with_each_proof(operator_key_files, tmp_path, local_tsa):
    """pyHanko adds the document time-stamp's path to the validation it is handed: the kept one
    must stay as it was made, or each proof of the minute would carry (and walk) one more path."""
    keys, page = _operator_keys(operator_key_files, tmp_path, local_tsa), _page()
    first = keys.signer.sign(page.getvalue())
    kept = keys.signer._presign
    assert kept is not None
    paths = len(kept[1].validation_paths)
    for _ in range(4):
        again = keys.signer.sign(page.getvalue())
        assert _embedded_crls(again) == _embedded_crls(first)
    assert keys.signer._presign is kept and len(kept[1].validation_paths) == paths


def _operator_keys(operator_key_files, tmp_path, local_tsa=None) -> EvidenceKeys:
    """The operator's key files, copied where a test may change them (the CRL), and the keys
    made from them; with the local TSA, proofs are issued at B-LTA."""
    for name in ("signing-key.pem", "signing-cert.pem", "root.pem", "root-key.pem", "crl.der", "log-key.pem"):
        shutil.copy(operator_key_files / name, tmp_path / name)
    config = {
        "PROOF_SIGNING_KEY": str(tmp_path / "signing-key.pem"), "PROOF_SIGNING_CERT": str(tmp_path / "signing-cert.pem"),
        "PROOF_SIGNING_CHAIN": str(tmp_path / "root.pem"), "PROOF_SIGNING_CRL": str(tmp_path / "crl.der"),
        "LOG_SIGNING_KEY": str(tmp_path / "log-key.pem")}
    if local_tsa is not None:
        config.update(TSA_URL=local_tsa.url, TSA_CERT=str(local_tsa.cert_path))
    return EvidenceKeys(str(tmp_path), config)


def _root(tmp_path):
    """The root CA's key and certificate, to sign a newer CRL with."""
    return (serialization.load_pem_private_key((tmp_path / "root-key.pem").read_bytes(), None),
            x509.load_pem_x509_certificate((tmp_path / "root.pem").read_bytes()))


def _page() -> io.BytesIO:
    """A one-page PDF to sign."""
    page = io.BytesIO()
    drawing = canvas.Canvas(page)
    drawing.drawString(72, 720, "proof")
    drawing.showPage()
    drawing.save()
    return page
