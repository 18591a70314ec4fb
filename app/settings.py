"""Settings: one typed object built from the environment (and ``.env`` in development).

:class:`Settings` lists every variable the application reads, with its type and default, and
is validated once at start-up: a wrong value stops the process with a message naming the
variable (``SMTP_PORT: Input should be a valid integer``), instead of failing later inside a
request. ``create_app`` keeps the object in ``app.extensions["awizo.settings"]`` and copies it
into ``app.config`` under the same names, which is what Flask extensions and views read.
"""
from __future__ import annotations

import os
import secrets
from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from notices.checks import parse_hours
from notices.vocabulary import CollectionScope, DeviceScope
from notices.witness import parse_vkey

_KEY = "awizo.settings"


class SettingsError(RuntimeError):
    """A configuration error; the message names each variable at fault."""


def database_uri(url: str | None, instance_path: str) -> str:
    """Normalise ``DATABASE_URL``; the embedded default is SQLite under ``instance/``."""
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "awizo.sqlite3")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _dev_secret_key(instance_path: str) -> str:
    """A development secret kept under ``instance/`` so sessions survive restarts."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Settings(BaseModel):
    """Every environment variable the application reads (the README's table lists them)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    DATABASE_URL: str | None = None
    SECRET_KEY: str | None = None
    PUBLIC_BASE_URL: str = "http://localhost:5000"
    OPERATOR_TIMEZONE: str = "Europe/Warsaw"
    # The language of command-line output; read again by every command (app/web/cli_text.py),
    # so AWIZO_LANG=pl flask ... works without a restart. Unset: the POSIX locale, else English.
    AWIZO_LANG: str | None = None
    # Twilio (SMS). Without credentials SMS land in the development outbox.
    TWILIO_ACCOUNT_SID: str | None = None
    TWILIO_AUTH_TOKEN: str | None = None
    TWILIO_FROM_NUMBER: str | None = None
    TWILIO_API_BASE_URL: str | None = None
    # SMTP (e-mail). Without a host e-mail lands in the development outbox.
    SMTP_HOST: str | None = None
    SMTP_PORT: int = Field(25, ge=1, le=65535)
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_STARTTLS: bool = False
    MAIL_FROM: str = "Awizo <awizo@localhost>"
    DEV_OUTBOX: bool = True
    # The pickup point new carriers get.
    DEFAULT_PICKUP_POINT_CODE: str = "WAW-01"
    DEFAULT_PICKUP_POINT_NAME: str = "Placówka pocztowa Warszawa 1"
    DEFAULT_PICKUP_POINT_ADDRESS: str = "ul. Świętokrzyska 31/33, 00-001 Warszawa"
    # Handheld clocks: how far ahead of the server a device may be, and the flagging tolerance.
    MAX_CLOCK_SKEW_SECONDS: int = Field(120, ge=0)
    DEVICE_CLOCK_TOLERANCE_SECONDS: int = Field(60, ge=0)
    # A token-only device sending the same scan again within this many seconds: a replay.
    TOKEN_SCAN_REPLAY_WINDOW_SECONDS: float = Field(600.0, ge=0)
    # How long after a scan reaches the server its device may correct it (an appended correction).
    SCAN_CORRECTION_WINDOW_SECONDS: int = Field(120, ge=0)
    # Legal events (scans, collections) only from enrolled, signing handhelds; token-only devices
    # are a development convenience. Who may record a collection ("pickup_point": devices of the
    # item's pickup point or of the carrier that left the notice; "staff_only": staff commands
    # only), and whether a scan outside the carrier's pickup point is flagged or refused.
    REQUIRE_SIGNED_DEVICES: bool = False
    COLLECTION_SCOPE: CollectionScope = CollectionScope.PICKUP_POINT
    DEVICE_SCOPE: DeviceScope = DeviceScope.FLAG
    # Outbound messaging: SMS per second per sender number, quiet hours ("off" to disable),
    # worker poll interval, retries and their backoff.
    SMS_RATE_PER_SECOND: float = Field(1.0, gt=0)
    SMS_QUIET_HOURS: str = "21:00-08:00"
    OUTBOX_MAX_ATTEMPTS: int = Field(8, ge=1)
    OUTBOX_POLL_SECONDS: float = Field(2.0, gt=0)
    OUTBOX_BACKOFF_SECONDS: float = Field(30.0, ge=0)
    OUTBOX_BACKOFF_MAX_SECONDS: float = Field(3600.0, ge=0)
    # A worker's lease on the messages it reserved (renewed while it works), and the longest pause of a
    # worker or scheduler waiting for the database to come back.
    OUTBOX_LEASE_SECONDS: float = Field(30.0, gt=0)
    # How many due messages a worker reserves at once (it still sends them one at a time).
    OUTBOX_BATCH_SIZE: int = Field(16, ge=1, le=1000)
    OUTBOX_MAX_BACKOFF_SECONDS: float = Field(30.0, gt=0)
    # Sender callbacks.
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: bool = False
    WEBHOOK_TIMEOUT_SECONDS: float = Field(10.0, gt=0)
    # Rate limits (Flask-Limiter syntax); counters in Redis when a URL is given.
    RATELIMIT_STORAGE_URI: str | None = None
    REDIS_URL: str | None = None
    LOGIN_RATE_LIMIT: str = "10 per minute"
    API_RATE_LIMIT: str = "600 per minute"
    RECIPIENT_CODE_RATE_LIMIT: str | None = None
    # Scheduler intervals (seconds).
    LIFECYCLE_SWEEP_SECONDS: float = Field(60.0, gt=0)
    # Database connections a lifecycle sweep takes its batches on at once (PostgreSQL; SQLite: one).
    LIFECYCLE_SWEEP_CONNECTIONS: int = Field(2, ge=1, le=8)
    TREE_HEAD_PUBLISH_SECONDS: float = Field(300.0, gt=0)
    # Evidence: proof signing (PAdES), RFC 3161 time-stamping, the transparency log's key.
    PROOF_SIGNING_KEY: str | None = None
    PROOF_SIGNING_CERT: str | None = None
    # Production PKI: the CA certificates that issued PROOF_SIGNING_CERT (PEM, up to the root) and
    # a CRL file the operator keeps current (DER); without the CRL, revocation data is fetched
    # from the certificates' URLs at signing. Development generates a chain in EVIDENCE_KEYS_DIR.
    PROOF_SIGNING_CHAIN: str | None = None
    PROOF_SIGNING_CRL: str | None = None
    EVIDENCE_KEYS_DIR: str | None = None
    # Issue proofs at PAdES B-LTA (validation data and a document time-stamp); off: B-T at issue,
    # the archive time-stamp added later by `flask evidence refresh`.
    PROOF_LTA_AT_ISSUE: bool = True
    TSA_URL: str | None = None
    TSA_CERT: str | None = None
    LOG_SIGNING_KEY: str | None = None
    LOG_ORIGIN: str | None = None
    TREE_HEAD_MAX_AGE_SECONDS: int = Field(300, ge=1)
    # Retired log keys and signing certificates (PEM paths, comma-separated), published with the
    # current ones so proofs signed before a key rotation keep verifying.
    EVIDENCE_KEY_HISTORY: str | None = None
    # Witnesses of the log (C2SP tlog-witness): "URL VKEY" pairs separated by commas.
    WITNESSES: str | None = None
    # /metrics asks for this bearer token when it is set.
    METRICS_TOKEN: str | None = None
    # Checks on every attempt (notices.checks): delivery hours in the operator's time zone,
    # distances in metres, the fastest a courier can travel, and what counts as a burst.
    DELIVERY_HOURS: str = "08:00-20:00"
    CHECK_FAR_FROM_ADDRESS_MIN_M: float = Field(150.0, gt=0)
    CHECK_DEPOT_RADIUS_M: float = Field(200.0, gt=0)
    CHECK_MAX_SPEED_KMH: float = Field(150.0, gt=0)
    CHECK_BURST_WINDOW_SECONDS: float = Field(60.0, gt=0)
    CHECK_BURST_MIN_ATTEMPTS: int = Field(3, ge=2)
    CHECK_POOR_ACCURACY_M: float = Field(100.0, gt=0)
    # late_record: an attempt reaching the system this long after its claimed time (offline handhelds).
    CHECK_LATE_RECORD_TOLERANCE_SECONDS: float = Field(3600.0, gt=0)
    # Complaints: the operator's answer target (working days), escalation sweep, filing limits.
    CASE_TARGET_WORKING_DAYS: int = Field(5, ge=1, le=21)
    CASE_ESCALATION_SECONDS: float = Field(300.0, gt=0)
    CASE_RATE_LIMIT_PER_RECORD: str = "5 per hour"
    CASE_RATE_LIMIT_PER_CLIENT: str = "20 per hour"

    @field_validator("WITNESSES")
    @classmethod
    def _witnesses(cls, value: str | None) -> str | None:
        for entry in (value or "").split(","):
            if entry.strip():
                url, _, key = entry.strip().partition(" ")
                if not url.startswith(("http://", "https://")):
                    raise ValueError(f"each witness is 'URL VKEY'; {url!r} is not an http(s) URL")
                parse_vkey(key.strip())
        return value

    @field_validator("PUBLIC_BASE_URL")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("OPERATOR_TIMEZONE")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Europe/Warsaw)") from None
        return value

    @field_validator("DELIVERY_HOURS")
    @classmethod
    def _delivery_hours(cls, value: str) -> str:
        parse_hours(value)  # the rule the checks apply: HH:MM-HH:MM, starting before it ends
        return value

    @field_validator("SMS_QUIET_HOURS")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        if value.strip().lower() in ("off", "none"):
            return value
        start, sep, end = value.partition("-")
        try:
            time.fromisoformat(start.strip())
            time.fromisoformat(end.strip())
        except ValueError:
            sep = ""
        if not sep:
            raise ValueError("must be HH:MM-HH:MM (e.g. 21:00-08:00) or off")
        return value

    def flask_config(self, instance_path: str) -> dict[str, Any]:
        """The Flask config mapping: every setting by its name, plus what is derived from them."""
        values = self.model_dump()
        values.update(
            SECRET_KEY=self.SECRET_KEY or _dev_secret_key(instance_path),
            SQLALCHEMY_DATABASE_URI=database_uri(self.DATABASE_URL, instance_path),
            SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
            RATELIMIT_STORAGE_URI=self.RATELIMIT_STORAGE_URI or self.REDIS_URL,
        )
        return values


def load(env: dict[str, str] | None = None) -> Settings:
    """Validate the environment (``os.environ`` unless given); :class:`SettingsError` names each bad variable."""
    source = dict(os.environ if env is None else env)
    fields = Settings.model_fields
    # ``VAR=`` (empty) means "not set": the default applies, as it always did.
    known = {name: value for name, value in source.items() if name in fields and value != ""}
    try:
        return Settings.model_validate(known)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise SettingsError(f"invalid configuration: {problems}") from None



def install(app, settings: Settings) -> None:
    app.extensions[_KEY] = settings


def get(app) -> Settings:
    """The settings the application was started with."""
    return app.extensions[_KEY]
