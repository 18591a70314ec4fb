"""The operator's signing PKI: a development chain made on first start, or the operator's own.

Development (``PROOF_SIGNING_KEY`` unset): a root CA and an end-entity proof-signing
certificate issued by it are generated into the keys directory (``EVIDENCE_KEYS_DIR``, by
default ``instance/keys``) on first use or by ``flask evidence pki init``. The signing
certificate carries the key usages PAdES validators look for (digitalSignature and
nonRepudiation; extended key usages emailProtection, as NSS/pdfsig expect of a signer, and
documentSigning, RFC 9336) and a CRL distribution point, ``<PUBLIC_BASE_URL>/pki/crl.der``,
which the app serves from a CRL the development root signs (renewed when half its life is over).

Production: ``PROOF_SIGNING_KEY`` / ``PROOF_SIGNING_CERT`` (a CA-issued certificate),
``PROOF_SIGNING_CHAIN`` (the issuing CA certificates up to the root) and either
``PROOF_SIGNING_CRL`` (a CRL file kept current by the operator) or, without it, revocation data
fetched from the URLs in the certificates when a proof is signed.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")  # id-kp-documentSigning (RFC 9336)
CRL_DAYS = 14
ROOT_YEARS, SIGNING_YEARS = 20, 5

ROOT_CERT, ROOT_KEY = "root.pem", "root-key.pem"
SIGNING_CERT, SIGNING_KEY = "signing-cert.pem", "signing-key.pem"
CRL_FILE = "crl.der"


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _write(path: Path, data: bytes, private: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)  # readers never see half a file


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation)])


def _usage(*, signing: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=signing, content_commitment=signing, key_cert_sign=not signing,
                         crl_sign=not signing, key_encipherment=False, data_encipherment=False,
                         key_agreement=False, encipher_only=False, decipher_only=False)


def issue_chain(crl_url: str, *, now: datetime, organisation: str = "Awizo (development)",
                signing_name: str = "Awizo proof signing (development)"):
    """(root key, root certificate, signing key, signing certificate): a root CA and the
    end-entity certificate it issues for signing proofs, naming ``crl_url`` for revocation."""
    start = now - timedelta(minutes=5)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = _name("Awizo development root CA", organisation)
    root = (
        x509.CertificateBuilder().subject_name(root_name).issuer_name(root_name)
        .public_key(root_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + timedelta(days=365 * ROOT_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(signing=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    key, cert = issue_signing_certificate(root_key, root, crl_url, now=now, name=signing_name)
    return root_key, root, key, cert


def issue_signing_certificate(root_key, root: x509.Certificate, crl_url: str, *, now: datetime,
                              name: str = "Awizo proof signing (development)"):
    """(key, certificate): a new end-entity proof-signing certificate from the root (also how a
    signing key is rotated under the same root)."""
    key = ec.generate_private_key(ec.SECP256R1())
    organisation = root.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
    start = now - timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder().subject_name(_name(name, str(organisation))).issuer_name(root.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + timedelta(days=365 * SIGNING_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(signing=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(crl_url)], relative_name=None, reasons=None,
            crl_issuer=None)]), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    return key, cert


def sign_crl(root_key, root: x509.Certificate, *, now: datetime, revoked: tuple[int, ...] = ()) -> bytes:
    """A CRL (DER) from the root, valid ``CRL_DAYS`` from ``now``, listing ``revoked`` serials."""
    builder = (x509.CertificateRevocationListBuilder().issuer_name(root.subject)
               .last_update(now - timedelta(minutes=5)).next_update(now + timedelta(days=CRL_DAYS))
               .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
                              critical=False))
    for serial in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(now).build())
    return builder.sign(root_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


@dataclass(frozen=True)
class DevelopmentPki:
    """The development chain's files in the keys directory."""

    directory: Path

    def exists(self) -> bool:
        return (self.directory / SIGNING_CERT).exists() and (self.directory / ROOT_KEY).exists()

    def init(self, base_url: str, *, now: datetime | None = None, force: bool = False) -> bool:
        """Generate the chain and its first CRL unless present (or ``force``); True if generated."""
        if self.exists() and not force:
            return False
        now = now or datetime.now(timezone.utc)
        root_key, root, key, cert = issue_chain(f"{base_url.rstrip('/')}/pki/crl.der", now=now)
        _write(self.directory / ROOT_KEY, _key_pem(root_key), private=True)
        _write(self.directory / ROOT_CERT, _pem(root))
        _write(self.directory / SIGNING_KEY, _key_pem(key), private=True)
        _write(self.directory / SIGNING_CERT, _pem(cert))
        _write(self.directory / CRL_FILE, sign_crl(root_key, root, now=now))
        return True

    @property
    def key_pem(self) -> bytes:
        return (self.directory / SIGNING_KEY).read_bytes()

    @property
    def cert_pem(self) -> bytes:
        return (self.directory / SIGNING_CERT).read_bytes()

    @property
    def root_pem(self) -> bytes:
        return (self.directory / ROOT_CERT).read_bytes()

    def crl(self, now: datetime | None = None) -> bytes:
        """The current CRL, re-signed once half of its validity has passed."""
        now = now or datetime.now(timezone.utc)
        path = self.directory / CRL_FILE
        if path.exists():
            current = x509.load_der_x509_crl(path.read_bytes())
            next_update = current.next_update_utc
            if next_update is not None and next_update - now > timedelta(days=CRL_DAYS / 2):
                return path.read_bytes()
        root_key = serialization.load_pem_private_key((self.directory / ROOT_KEY).read_bytes(), password=None)
        data = sign_crl(root_key, x509.load_pem_x509_certificate(self.root_pem), now=now)
        _write(path, data)
        return data
