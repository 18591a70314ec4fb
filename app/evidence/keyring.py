"""The operator's evidence keys: the log's Ed25519 key, the proof signing key and certificates."""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from urllib.parse import urlparse

from asn1crypto import crl as asn1_crl
from asn1crypto import pem as asn1_pem
from flask import current_app
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator import ValidationContext

from app.evidence.keyfiles import log_signing_key, public_key_pem
from app.evidence.pki import DevelopmentPki
from notices.checkpoint import key_for, load_public_key, load_public_keys
from notices.signature import PdfSigner, load_certificates

_KEY = "awizo.evidence"


VALIDATION_CONTEXT_TTL_S = 60.0
_LONG_AGO = datetime.min.replace(tzinfo=timezone.utc)


@dataclass
class EvidenceKeys:
    """The operator's keys, loaded (or generated for development) on first use."""

    instance_path: str
    config: dict
    timestamper: TimeStamper | None = None  # tests and the benchmark may hand in their own
    tsa_retry_at: datetime = _LONG_AGO  # no new time-stamp attempt before this
    _validation: tuple[bytes | None, float, ValidationContext] | None = None  # (CRL, made at, context)

    @cached_property
    def log_key(self):
        return log_signing_key(self.instance_path, self.config.get("LOG_SIGNING_KEY"))

    @cached_property
    def development_pki(self) -> DevelopmentPki | None:
        """The generated development chain, or None when the operator brings a key and certificate."""
        if self.config.get("PROOF_SIGNING_KEY") and self.config.get("PROOF_SIGNING_CERT"):
            return None
        pki = DevelopmentPki(Path(self.config.get("EVIDENCE_KEYS_DIR") or Path(self.instance_path) / "keys"))
        pki.init(self.config.get("PUBLIC_BASE_URL") or "http://localhost:5000")
        return pki

    @cached_property
    def chain_pem(self) -> bytes:
        """The certificates that issued the signing certificate, up to the root."""
        if self.development_pki is not None:
            return self.development_pki.root_pem
        return Path(self.config["PROOF_SIGNING_CHAIN"]).read_bytes() if self.config.get("PROOF_SIGNING_CHAIN") else b""

    @cached_property
    def signer(self) -> PdfSigner:
        pki = self.development_pki
        if pki is not None:
            key_pem, cert_pem = pki.key_pem, pki.cert_pem
        else:
            key_pem = Path(self.config["PROOF_SIGNING_KEY"]).read_bytes()
            cert_pem = Path(self.config["PROOF_SIGNING_CERT"]).read_bytes()
        return PdfSigner(key_pem, cert_pem, tsa_url=self.config.get("TSA_URL"), timestamper=self.timestamper,
                         chain_pem=self.chain_pem, validation_context=self.validation_context,
                         long_term=self.config.get("PROOF_LTA_AT_ISSUE", True))

    def crl(self) -> bytes | None:
        """The CRL (DER) that covers the signing certificate, if the operator keeps one here."""
        if self.development_pki is not None:
            return self.development_pki.crl()
        path = self.config.get("PROOF_SIGNING_CRL")
        return Path(path).read_bytes() if path else None

    @property
    def root_pem(self) -> bytes:
        """The root the signing certificate chains to (the signing certificate when it stands alone)."""
        roots = [c for c in load_certificates(self.chain_pem) if c.self_signed]
        return asn1_pem.armor("CERTIFICATE", roots[-1].dump()) if roots else self.signer.cert_pem

    def validation_context(self) -> ValidationContext:
        """What validates the signer and the time-stamping authority when validation data is
        embedded: the roots, the chain, the CRL; fetching from the certificates' URLs only in
        production without a CRL file.

        One context serves the proofs signed within a minute under the same CRL: it remembers
        the paths it validated (the signer's and the TSA's), which every signature needs again.
        A context validates at the moment it is made, hence the minute."""
        crl = self.crl()
        now = time.monotonic()
        cached = self._validation
        if cached is not None and cached[0] == crl and now - cached[1] < VALIDATION_CONTEXT_TTL_S:
            return cached[2]
        context = self._new_validation_context(crl)
        self._validation = (crl, now, context)
        return context

    def _new_validation_context(self, crl: bytes | None) -> ValidationContext:
        chain = load_certificates(self.chain_pem)
        tsa = load_certificates(Path(self.config["TSA_CERT"]).read_bytes()) if self.config.get("TSA_CERT") else []
        signing = load_certificates(self.signer.cert_pem)
        roots = [c for c in chain if c.self_signed] or signing
        return ValidationContext(
            trust_roots=[*roots, *tsa], other_certs=[c for c in chain if not c.self_signed],
            crls=[asn1_crl.CertificateList.load(crl)] if crl else [],
            allow_fetching=crl is None and bool(self.chain_pem) and self.development_pki is None)

    @property
    def origin(self) -> str:
        if self.config.get("LOG_ORIGIN"):
            return self.config["LOG_ORIGIN"]
        host = urlparse(self.config.get("PUBLIC_BASE_URL") or "http://localhost").netloc or "localhost"
        return f"{host}/log"

    @cached_property
    def public_pem(self) -> bytes:
        """What a verifier needs: the log's Ed25519 public key, the signing and TSA certificates."""
        parts = [public_key_pem(self.log_key), self.signer.cert_pem, self.chain_pem]
        if self.config.get("TSA_CERT"):
            parts.append(Path(self.config["TSA_CERT"]).read_bytes())
        for path in (self.config.get("EVIDENCE_KEY_HISTORY") or "").split(","):
            if path.strip():  # retired log keys and signing certificates: old proofs keep verifying
                parts.append(Path(path.strip()).read_bytes())
        legacy = Path(self.instance_path) / "proof_signing_cert.pem"
        if self.development_pki is not None and legacy.exists():  # the self-signed development certificate of old
            parts.append(legacy.read_bytes())
        return b"".join(p if p.endswith(b"\n") else p + b"\n" for p in parts if p)

    @cached_property
    def trusted_certificates(self):
        return load_certificates(self.public_pem)

    @cached_property
    def log_public_key(self):
        return load_public_key(self.public_pem)

    @cached_property
    def log_public_keys(self):
        """The current log key first, then the retired ones."""
        return load_public_keys(self.public_pem)

    def log_key_for(self, note: str):
        return key_for(note, self.log_public_keys)


def keys() -> EvidenceKeys:
    return current_app.extensions[_KEY]


def install_keys(app) -> None:
    """Keep the keys named by the evidence settings (see :mod:`app.settings`) in ``app.extensions``."""
    app.extensions[_KEY] = evidence_keys = EvidenceKeys(app.instance_path, app.config, app.config.get("PROOF_TIMESTAMPER"))
    _ = evidence_keys.development_pki  # development: the chain is made at first start
