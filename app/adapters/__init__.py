"""Adapters to the outside world (Twilio, SMTP, the development outbox), wired once per app."""
from __future__ import annotations


def init_app(app) -> None:
    """Choose the outbound channels from configuration; stored in ``app.extensions``."""
    app.extensions["awizo.channels"] = {}
