"""One structured log line per outbox state change, for whoever watches the worker.

Each line is a JSON object on the ``awizo.outbox`` logger: message id, channel, purpose, item,
try, outcome, provider and provider id, error code. Never the address or the text: logs are
kept and shipped where personal data must not go.
"""
from __future__ import annotations

import json
import logging

log = logging.getLogger("awizo.outbox")


def log_state(message, outcome: str, result=None) -> None:
    fields = {
        "event": "outbox.state", "id": message.id, "channel": message.channel, "purpose": message.purpose,
        "item": message.item_id, "try": message.tries, "outcome": outcome,
        "provider": result.provider if result is not None else message.provider,
        "provider_id": message.provider_message_id,
        "error_code": message.error_code if outcome != "sent" else None,
        "possibly_duplicate": bool(message.possibly_duplicate) or None,
    }
    log.info(json.dumps({k: v for k, v in fields.items() if v is not None}, sort_keys=False))


def log_error(message_id: int, exc: BaseException) -> None:
    """A bug while handling one message: its class and the traceback, no message content."""
    log.error(json.dumps({"event": "outbox.error", "id": message_id, "error": exc.__class__.__name__}),
              exc_info=exc)
