"""The operator's evidence keys: the log's Ed25519 key, the proof signing key and certificates."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from urllib.parse import urlparse

from flask import current_app
from pyhanko.sign.timestamps import TimeStamper

from app.evidence.keyfiles import log_signing_key, pdf_signing_material, public_key_pem
from notices.checkpoint import key_for, load_public_key, load_public_keys
from notices.signature import PdfSigner, load_certificates

_KEY = "awizo.evidence"


_LONG_AGO = datetime.min.replace(tzinfo=timezone.utc)


@dataclass
class EvidenceKeys:
    """The operator's keys, loaded (or generated for development) on first use."""

    instance_path: str
    config: dict
    timestamper: TimeStamper | None = None  # tests and the benchmark may hand in their own
    tsa_retry_at: datetime = _LONG_AGO  # no new time-stamp attempt before this

    @cached_property
    def log_key(self):
        return log_signing_key(self.instance_path, self.config.get("LOG_SIGNING_KEY"))

    @cached_property
    def signer(self) -> PdfSigner:
        key_pem, cert_pem = pdf_signing_material(
            self.instance_path, self.config.get("PROOF_SIGNING_KEY"), self.config.get("PROOF_SIGNING_CERT"))
        return PdfSigner(key_pem, cert_pem, tsa_url=self.config.get("TSA_URL"), timestamper=self.timestamper)

    @property
    def origin(self) -> str:
        if self.config.get("LOG_ORIGIN"):
            return self.config["LOG_ORIGIN"]
        host = urlparse(self.config.get("PUBLIC_BASE_URL") or "http://localhost").netloc or "localhost"
        return f"{host}/log"

    @cached_property
    def public_pem(self) -> bytes:
        """What a verifier needs: the log's Ed25519 public key, the signing and TSA certificates."""
        parts = [public_key_pem(self.log_key), self.signer.cert_pem]
        if self.config.get("TSA_CERT"):
            parts.append(Path(self.config["TSA_CERT"]).read_bytes())
        for path in (self.config.get("EVIDENCE_KEY_HISTORY") or "").split(","):
            if path.strip():  # retired log keys and signing certificates: old proofs keep verifying
                parts.append(Path(path.strip()).read_bytes())
        return b"".join(p if p.endswith(b"\n") else p + b"\n" for p in parts)

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
    app.extensions[_KEY] = EvidenceKeys(app.instance_path, app.config, app.config.get("PROOF_TIMESTAMPER"))
