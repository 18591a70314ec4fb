"""Configuration, read only from the environment (and ``.env`` in development)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def database_uri(url: str | None, instance_path: str) -> str:
    """Normalise ``DATABASE_URL``; the embedded default is SQLite under ``instance/``."""
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "awizo.sqlite3")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _dev_secret_key(instance_path: str) -> str:
    """A development secret kept under ``instance/`` so sessions survive restarts."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def from_env(instance_path: str, env: os._Environ | dict | None = None) -> dict:
    """Build the Flask config mapping from environment variables."""
    env = os.environ if env is None else env
    return {
        "SECRET_KEY": env.get("SECRET_KEY") or _dev_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_uri(env.get("DATABASE_URL"), instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "PUBLIC_BASE_URL": (env.get("PUBLIC_BASE_URL") or "http://localhost:5000").rstrip("/"),
        "OPERATOR_TIMEZONE": env.get("OPERATOR_TIMEZONE") or "Europe/Warsaw",
        "LIFECYCLE_SWEEP_SECONDS": int(env.get("LIFECYCLE_SWEEP_SECONDS") or 60),
        # Twilio (SMS). Without credentials SMS land in the development outbox.
        "TWILIO_ACCOUNT_SID": env.get("TWILIO_ACCOUNT_SID"),
        "TWILIO_AUTH_TOKEN": env.get("TWILIO_AUTH_TOKEN"),
        "TWILIO_FROM_NUMBER": env.get("TWILIO_FROM_NUMBER"),
        "TWILIO_API_BASE_URL": env.get("TWILIO_API_BASE_URL"),
        # SMTP (e-mail). Without a host e-mail lands in the development outbox.
        "SMTP_HOST": env.get("SMTP_HOST"),
        "SMTP_PORT": int(env.get("SMTP_PORT") or 25),
        "SMTP_USERNAME": env.get("SMTP_USERNAME"),
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD"),
        "SMTP_STARTTLS": _flag(env.get("SMTP_STARTTLS")),
        "MAIL_FROM": env.get("MAIL_FROM") or "Awizo <awizo@localhost>",
        # Default pickup point for carriers created without one.
        "DEFAULT_PICKUP_POINT_CODE": env.get("DEFAULT_PICKUP_POINT_CODE") or "WAW-01",
        "DEFAULT_PICKUP_POINT_NAME": env.get("DEFAULT_PICKUP_POINT_NAME") or "Placówka pocztowa Warszawa 1",
        "DEFAULT_PICKUP_POINT_ADDRESS": env.get("DEFAULT_PICKUP_POINT_ADDRESS") or "ul. Świętokrzyska 31/33, 00-001 Warszawa",
        # How far a device clock may run ahead of the server before a scan is refused.
        "MAX_CLOCK_SKEW_SECONDS": int(env.get("MAX_CLOCK_SKEW_SECONDS") or 120),
        "OUTBOX_MAX_ATTEMPTS": int(env.get("OUTBOX_MAX_ATTEMPTS") or 8),
        "DEV_OUTBOX": _flag(env.get("DEV_OUTBOX"), default=True),
        # Outbound messaging: SMS per second per sender number, SMS quiet hours (recipient's
        # local time, "off" to disable), worker poll interval and retry backoff (seconds).
        "SMS_RATE_PER_SECOND": float(env.get("SMS_RATE_PER_SECOND") or 1),
        "SMS_QUIET_HOURS": env.get("SMS_QUIET_HOURS") or "21:00-08:00",
        "OUTBOX_POLL_SECONDS": float(env.get("OUTBOX_POLL_SECONDS") or 2),
        "OUTBOX_BACKOFF_SECONDS": float(env.get("OUTBOX_BACKOFF_SECONDS") or 30),
        "OUTBOX_BACKOFF_MAX_SECONDS": float(env.get("OUTBOX_BACKOFF_MAX_SECONDS") or 3600),
        # Rate limits (Flask-Limiter syntax); counters in Redis when a URL is given.
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or env.get("REDIS_URL"),
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT") or "10 per minute",
        "API_RATE_LIMIT": env.get("API_RATE_LIMIT") or "600 per minute",
        # Scheduler intervals (seconds) and the handheld clock tolerance.
        "LIFECYCLE_SWEEP_SECONDS": float(env.get("LIFECYCLE_SWEEP_SECONDS") or 60),
        "TREE_HEAD_PUBLISH_SECONDS": float(env.get("TREE_HEAD_PUBLISH_SECONDS") or 300),
        "DEVICE_CLOCK_TOLERANCE_SECONDS": int(env.get("DEVICE_CLOCK_TOLERANCE_SECONDS") or 60),
        # Complaints: the operator's answer target (working days), escalation sweep, filing limits.
        "CASE_TARGET_WORKING_DAYS": int(env.get("CASE_TARGET_WORKING_DAYS") or 5),
        "CASE_ESCALATION_SECONDS": float(env.get("CASE_ESCALATION_SECONDS") or 300),
        "CASE_RATE_LIMIT_PER_RECORD": env.get("CASE_RATE_LIMIT_PER_RECORD") or "5 per hour",
        "CASE_RATE_LIMIT_PER_CLIENT": env.get("CASE_RATE_LIMIT_PER_CLIENT") or "20 per hour",
    }
