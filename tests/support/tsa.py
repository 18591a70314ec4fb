"""A local RFC 3161 time-stamping authority over HTTP, and the operator's keys for tests.

The TSA answers ``application/timestamp-query`` POSTs with pyHanko's DummyTimeStamper (a real
RFC 3161 token signed by a throw-away RSA key). Every test app gets its own signing keys
through the environment, so no test writes keys into ``instance/``.
"""
from __future__ import annotations

import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.x509.oid import ExtendedKeyUsageOID
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from app.evidence.keyfiles import pkcs8, public_key_pem, self_signed
from app.evidence.pki import issue_chain, sign_crl


class LocalTsa:
    def __init__(self, directory) -> None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cert = self_signed("Awizo test TSA", key, usage=ExtendedKeyUsageOID.TIME_STAMPING, critical_usage=True)
        self.cert_pem = cert.public_bytes(serialization.Encoding.PEM)
        self.cert_path = directory / "tsa.pem"
        self.cert_path.write_bytes(self.cert_pem)
        self.stamper = DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
            tsa_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())))
        self.requests = 0
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Content-Type") != "application/timestamp-query":
                    self.send_error(415)
                    return
                response = tsa.stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
                tsa.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(response)))
                self.end_headers()
                self.wfile.write(response)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsa"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def local_tsa(tmp_path_factory):
    tsa = LocalTsa(tmp_path_factory.mktemp("tsa"))
    yield tsa
    tsa.close()


@pytest.fixture(scope="session")
def operator_key_files(tmp_path_factory):
    """The production profile's files: a signing key and certificate issued by a root CA, the
    chain, a CRL from that root, and the log's Ed25519 key."""
    directory = tmp_path_factory.mktemp("operator-keys")
    root_key, root, key, cert = issue_chain("http://localhost/pki/crl.der", now=datetime.now(timezone.utc),
                                            organisation="Awizo (test)", signing_name="Awizo test proof signing")
    (directory / "signing-key.pem").write_bytes(pkcs8(key))
    (directory / "signing-cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / "root.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    (directory / "root-key.pem").write_bytes(pkcs8(root_key))
    (directory / "crl.der").write_bytes(sign_crl(root_key, root, now=datetime.now(timezone.utc)))
    log_key = Ed25519PrivateKey.generate()
    (directory / "log-key.pem").write_bytes(pkcs8(log_key))
    (directory / "log-public.pem").write_bytes(public_key_pem(log_key))
    return directory


@pytest.fixture(autouse=True)
def _operator_keys_from_env(monkeypatch, operator_key_files):
    """Every app in the test run signs with the test keys; TSA off unless a test asks for it."""
    monkeypatch.setenv("PROOF_SIGNING_KEY", str(operator_key_files / "signing-key.pem"))
    monkeypatch.setenv("PROOF_SIGNING_CERT", str(operator_key_files / "signing-cert.pem"))
    monkeypatch.setenv("PROOF_SIGNING_CHAIN", str(operator_key_files / "root.pem"))
    monkeypatch.setenv("PROOF_SIGNING_CRL", str(operator_key_files / "crl.der"))
    monkeypatch.setenv("LOG_SIGNING_KEY", str(operator_key_files / "log-key.pem"))
    monkeypatch.delenv("TSA_URL", raising=False)
    monkeypatch.delenv("TSA_CERT", raising=False)


@pytest.fixture
def with_tsa(monkeypatch, local_tsa):
    """Turn the local TSA on for apps created after this fixture."""
    monkeypatch.setenv("TSA_URL", local_tsa.url)
    monkeypatch.setenv("TSA_CERT", str(local_tsa.cert_path))
    return local_tsa
