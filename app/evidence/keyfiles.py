"""Key files: the log's Ed25519 key, PKCS#8 and self-signed certificates.

Production reads the log key from ``LOG_SIGNING_KEY``; development generates it under
``instance/`` on first use. The proof-signing chain is :mod:`app.evidence.pki`'s; the
self-signed certificates here serve tests and the local time-stamping authority.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def pkcs8(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def self_signed(common_name: str, key, *, usage=ExtendedKeyUsageOID.EMAIL_PROTECTION, days: int = 3650,
                critical_usage: bool = False) -> x509.Certificate:
    """A self-signed certificate for development and tests."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Awizo (development)")])
    now = datetime.now(timezone.utc) - timedelta(minutes=5)
    return (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_cert_sign=True,
                                     crl_sign=False, key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=critical_usage)
        .sign(key, hashes.SHA256())
    )


def log_signing_key(instance_path: str, key_path: str | None) -> Ed25519PrivateKey:
    path = Path(key_path) if key_path else Path(instance_path) / "log_signing_key.pem"
    if not key_path and not path.exists():
        _write_private(path, pkcs8(Ed25519PrivateKey.generate()))
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("LOG_SIGNING_KEY must be an Ed25519 private key (PKCS#8 PEM)")
    return key


def public_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
