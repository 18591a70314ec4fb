"""The signing PKI: a development chain made at first start, proofs issued at PAdES B-LTA that
pyHanko's validator and poppler's pdfsig accept with only the root trusted, and the key history."""
from __future__ import annotations

import asyncio
import io
import shutil
import subprocess

import pytest
from asn1crypto import crl as asn1_crl
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.validation.ades import ades_lta_validation
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy
from pyhanko_certvalidator.registry import SimpleTrustManager

from app import create_app
from app.evidence.pki import DOCUMENT_SIGNING
from notices.signature import FIELD_NAME, load_certificates
from tests.proofs.pdftools import pdf_text
from tests.support import required


@pytest.fixture
def development_app(app_config, monkeypatch, tmp_path):
    """An app without the operator's own certificate: the development PKI in a keys directory."""
    for name in ("PROOF_SIGNING_KEY", "PROOF_SIGNING_CERT", "PROOF_SIGNING_CHAIN", "PROOF_SIGNING_CRL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EVIDENCE_KEYS_DIR", str(tmp_path / "keys"))
    return create_app(app_config)


def test_the_development_pki_is_a_root_and_a_signing_certificate_with_a_served_crl(development_app, tmp_path):
    assert sorted(p.name for p in (tmp_path / "keys").iterdir()) == [
        "crl.der", "root-key.pem", "root.pem", "signing-cert.pem", "signing-key.pem"]
    client = development_app.test_client()
    root = x509.load_pem_x509_certificate(client.get("/pki/root.pem").data)
    signing = x509.load_pem_x509_certificate((tmp_path / "keys" / "signing-cert.pem").read_bytes())
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    signing.verify_directly_issued_by(root)
    usage = signing.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.content_commitment
    assert not signing.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert set(signing.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value) == {
        ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING}
    points = signing.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert points[0].full_name[0].value == "http://awizo.test/pki/crl.der"

    response = client.get("/pki/crl.der")
    assert response.status_code == 200 and response.mimetype == "application/pkix-crl"
    crl = x509.load_der_x509_crl(response.data)
    assert crl.is_signature_valid(root.public_key()) and crl.issuer == root.subject
    assert crl.get_revoked_certificate_by_serial_number(signing.serial_number) is None

    keys_pem = client.get("/api/v1/log/keys.pem").data
    assert {c.sha256 for c in load_certificates(keys_pem)} >= {
        c.sha256 for c in load_certificates(client.get("/pki/root.pem").data)}


def test_pki_init_keeps_an_existing_chain_and_refuses_with_an_operator_certificate(runner, development_app, tmp_path):
    before = (tmp_path / "keys" / "signing-cert.pem").read_bytes()
    result = development_app.test_cli_runner().invoke(args=["evidence", "pki", "init"])
    assert result.exit_code == 0 and "Kept the development PKI" in result.output
    assert (tmp_path / "keys" / "signing-cert.pem").read_bytes() == before
    refused = runner.invoke(args=["evidence", "pki", "init"])  # the test app brings its own certificate
    assert refused.exit_code == 1 and "brings its own certificate" in refused.output


def _lta_validation(pdf: bytes, root_pem: bytes, tsa_pem: bytes):
    """pyHanko's PAdES-LTA validation (ETSI EN 319 102-1 5.6.3): only the roots trusted, revocation
    data required for every certificate below them, nothing fetched (all must be in the file)."""
    signature = next(s for s in PdfFileReader(io.BytesIO(pdf)).embedded_signatures if s.field_name == FIELD_NAME)
    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=load_certificates(root_pem) + load_certificates(tsa_pem)),
        revinfo_policy=CertRevTrustPolicy(REQUIRE_REVINFO))
    spec = PdfSignatureValidationSpec(SignatureValidationSpec(
        cert_validation_policy=policy,
        revinfo_gathering_policy=RevocationInfoGatheringSpec(online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY)))
    return asyncio.run(ades_lta_validation(signature, spec))


@pytest.mark.usefixtures("with_tsa")
def test_an_issued_proof_is_pades_b_lta_for_pyhankos_validator_with_the_root_trusted(
        proofs, operator_key_files, local_tsa):
    pdf = proofs.pdf(proofs.item_with_attempt())
    reader = PdfFileReader(io.BytesIO(pdf))
    dss = reader.root["/DSS"]
    crls = [asn1_crl.CertificateList.load(c.get_object().data) for c in dss["/CRLs"]]
    assert any("Awizo development root CA" in c.issuer.human_friendly for c in crls), [c.issuer.human_friendly for c in crls]
    assert [s.sig_object_type for s in reader.embedded_signatures] == ["/Sig", "/DocTimeStamp"]

    result = _lta_validation(pdf, (operator_key_files / "root.pem").read_bytes(), local_tsa.cert_pem)
    assert result.ades_subindic is AdESPassed.OK, result.ades_subindic
    assert result.oldest_evidence_record_timestamp is not None  # the document time-stamp (B-LTA)
    status = result.api_status
    assert status.bottom_line and status.trusted, status.pretty_print_details()
    assert "Awizo test proof signing" in status.signing_cert.subject.human_friendly


@pytest.mark.usefixtures("with_tsa")
def test_after_refresh_the_proof_is_still_b_lta_and_authentic(proofs, api, client, runner, operator_key_files,
                                                                local_tsa):
    number = proofs.item_with_attempt()
    first = proofs.pdf(number)
    assert runner.invoke(args=["evidence", "refresh"]).exit_code == 0
    refreshed = client.get(f"/api/v1/items/{number}/proofs/1.pdf", headers=api.auth(api.sender_key)).data
    stamps = [s for s in PdfFileReader(io.BytesIO(refreshed)).embedded_signatures if s.sig_object_type == "/DocTimeStamp"]
    assert refreshed.startswith(first) and len(stamps) == 2  # the archive time-stamp chain grew
    result = _lta_validation(refreshed, (operator_key_files / "root.pem").read_bytes(), local_tsa.cert_pem)
    assert result.ades_subindic is AdESPassed.OK and result.api_status.bottom_line, result.ades_subindic
    assert proofs.verify(refreshed)["verdict"] == "authentic_current"


@pytest.mark.usefixtures("with_tsa")
def test_pdfsig_validates_the_signature_and_the_certificate_with_the_root_trusted(proofs, operator_key_files,
                                                                                   tmp_path):
    for tool, package in (("pdfsig", "poppler-utils"), ("certutil", "libnss3-tools")):
        if not shutil.which(tool):
            required.missing(tool, f"{package} is installed by make system-deps")
    pdf = tmp_path / "proof.pdf"
    pdf.write_bytes(proofs.pdf(proofs.item_with_attempt()))
    nss = tmp_path / "nssdb"
    nss.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True, capture_output=True)
    subprocess.run(["certutil", "-A", "-d", f"sql:{nss}", "-n", "Awizo root", "-t", "C,C,C",
                    "-i", str(operator_key_files / "root.pem")], check=True, capture_output=True)
    out = subprocess.run(["pdfsig", "-nssdir", f"sql:{nss}", str(pdf)], check=False, capture_output=True,
                         text=True).stdout
    proof_part = out.split("Signature #2")[0]
    assert "Signature Validation: Signature is Valid." in proof_part, out
    assert "Certificate Validation: Certificate is Trusted." in proof_part, out

    untrusted = tmp_path / "empty-nssdb"
    untrusted.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{untrusted}", "--empty-password"], check=True, capture_output=True)
    out = subprocess.run(["pdfsig", "-nssdir", f"sql:{untrusted}", str(pdf)], check=False, capture_output=True,
                         text=True).stdout
    assert "Certificate is Trusted." not in out.split("Signature #2")[0], out


def test_the_key_history_gives_each_key_its_fingerprint_and_validity_period(proofs, client, operator_key_files):
    pdf = proofs.pdf(proofs.item_with_attempt())  # signs a tree head with the log key
    history = client.get("/api/v1/log/keys").get_json()
    (log_key,) = history["log_keys"]
    assert log_key["current"] and log_key["valid_from"] and log_key["valid_until"] is None
    signing = next(c for c in history["certificates"] if c["use"] == "signing")
    cert = x509.load_pem_x509_certificate((operator_key_files / "signing-cert.pem").read_bytes())
    assert signing["valid_from"].startswith(cert.not_valid_before_utc.date().isoformat())
    assert signing["valid_until"].startswith(cert.not_valid_after_utc.date().isoformat())
    assert [c["use"] for c in history["certificates"]].count("ca") == 1
    assert len(signing["fingerprint"].split(" ")) == 16
    text = " ".join(pdf_text(pdf).split())  # the proof prints the same groups and where to compare them
    assert signing["fingerprint"] in text and log_key["fingerprint"] in text
    assert "Compare the key fingerprints (groups of four characters) with the operator's list of keys" in text
    assert "http://awizo.test/api/v1/log/keys" in text
