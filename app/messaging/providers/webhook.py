"""The ``webhook`` outbox channel: POSTs a signed JSON event to a sender's endpoint.

Every call carries::

    Awizo-Event-Id: evt_123          (the same on every retry: receivers drop duplicates by it)
    Awizo-Event-Type: item.attempt_recorded
    Awizo-Timestamp: 1795000000      (Unix seconds at the moment of this try)
    Awizo-Signature: t=1795000000,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>

A receiver recomputes the HMAC over the timestamp and the raw body with its secret, compares in
constant time and refuses timestamps older than a few minutes (replay protection):
:func:`verify_signature` does exactly that. Any answer other than 2xx, a timeout or a refused
connection is retried by the outbox with backoff; 410 Gone stops the retries.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from app.messaging.providers.base import DeliveryResult

SIGNATURE_HEADER = "Awizo-Signature"
DEFAULT_TOLERANCE_S = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify_signature(secret: str, header: str, body: bytes, now: float | None = None,
                     tolerance_s: int = DEFAULT_TOLERANCE_S) -> bool:
    """True when ``header`` is a valid signature of ``body`` made within ``tolerance_s``."""
    try:
        parts = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance_s:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def _private_address(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False  # the request will fail and be retried with a clear error
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if address.is_private or address.is_loopback or address.is_link_local or address.is_reserved:
            return True
    return False


class WebhookChannel:
    """Delivers ``channel='webhook'`` outbox messages; touches no database.

    ``secret_for(message)`` returns the endpoint's current secret (looked up when sending, so a
    rotated secret applies to queued events too).
    """

    name = "webhook"
    provider = "http"

    def __init__(self, secret_for: Callable[[Any], str | None], *, timeout_s: float = 10.0,
                 allow_private_networks: bool = False, clock: Callable[[], float] = time.time):
        self.secret_for = secret_for
        self.timeout_s = timeout_s
        self.allow_private_networks = allow_private_networks
        self.clock = clock

    def deliver(self, message) -> DeliveryResult:
        url = message.recipient
        headers = message.headers or {}
        event_id = headers.get("event_id", f"msg_{message.id}")
        secret = self.secret_for(message)
        if not secret:
            return DeliveryResult.permanent_failure(self.provider, "The endpoint was deleted or disabled.", "gone")
        host = urlsplit(url).hostname or ""
        if not self.allow_private_networks and _private_address(host):
            return DeliveryResult.permanent_failure(
                self.provider, f"{host} is a private or loopback address; refused "
                "(set WEBHOOK_ALLOW_PRIVATE_NETWORKS=1 for local testing).", "private-address")
        body = message.body.encode()
        timestamp = int(self.clock())
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/json",
            "User-Agent": "Awizo-Webhooks/1",
            "Awizo-Event-Id": event_id,
            "Awizo-Event-Type": headers.get("event_type", ""),
            "Awizo-Timestamp": str(timestamp),
            SIGNATURE_HEADER: sign(secret, timestamp, body),
        })
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                response.read(1024)
                return DeliveryResult.sent(self.provider, event_id)
        except urllib.error.HTTPError as exc:
            code = str(exc.code)
            if exc.code == 410:
                return DeliveryResult.permanent_failure(self.provider, "The endpoint answered 410 Gone.", code)
            retry_after = exc.headers.get("Retry-After") if exc.headers else None
            return DeliveryResult.temporary(
                self.provider, f"The endpoint answered HTTP {exc.code}.", code,
                retry_after=float(retry_after) if retry_after and retry_after.isdigit() else None)
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            return DeliveryResult.temporary(self.provider, f"Could not reach the endpoint: {reason}", "unreachable")
