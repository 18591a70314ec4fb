"""Rate limits (Flask-Limiter): sign-in per address and per account, the API per key.

Counters live in Redis when ``RATELIMIT_STORAGE_URI`` (or ``REDIS_URL``) is set, so every
web process shares them; otherwise in this process's memory.
"""
from __future__ import annotations

import hashlib

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from wtforms import StringField

from app.web.forms import OpenForm

limiter = Limiter(key_func=get_remote_address, headers_enabled=True)


def storage_uri(config) -> str:
    return config.get("RATELIMIT_STORAGE_URI") or config.get("REDIS_URL") or "memory://"


def login_limit() -> str:
    return current_app.config.get("LOGIN_RATE_LIMIT") or "10 per minute"


def api_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT") or "600 per minute"


def api_key_identity() -> str:
    """Each bearer token counts on its own (by hash, never the token itself)."""
    header = request.headers.get("Authorization", "")
    return "token:" + hashlib.sha256(header.encode()).hexdigest()[:32]


def not_a_sender_key() -> bool:
    """Per-key API limits apply to sender keys; handheld tokens have their own rules."""
    token = request.headers.get("Authorization", "").partition(" ")[2].strip()
    return not token.startswith("awz_sk_")


class _SubmittedEmail(OpenForm):
    """The e-mail of a sign-in attempt, read before the view (its CSRF token is the view's business)."""

    email = StringField()


def submitted_email() -> str:
    return "login:" + (_SubmittedEmail().email.data or "").strip().lower()


_limited: set[str] = set()


def init_app(app, api_blueprints) -> None:
    """Bind the limiter to ``app`` and limit each JSON API blueprint per sender key."""
    app.config["RATELIMIT_STORAGE_URI"] = storage_uri(app.config)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
    for bp in api_blueprints:
        if bp.name not in _limited:  # the limiter and the blueprints are module-level: decorate once
            limiter.limit(api_limit, key_func=api_key_identity, exempt_when=not_a_sender_key)(bp)
            _limited.add(bp.name)
