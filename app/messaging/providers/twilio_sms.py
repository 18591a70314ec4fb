"""SMS through the official Twilio SDK.

``api_base_url`` (``TWILIO_API_BASE_URL``) replaces ``https://api.twilio.com`` in every
request the SDK makes: a regional edge (``https://api.dublin.ie1.twilio.com``) or a
Twilio-compatible server on loopback for tests.

Every request for one message carries the same ``Idempotency-Key`` header (the message's
``send_key``): a gateway or Twilio-compatible server that honours it sends a retried request
once, and anyone reading the request log can tell a retry from a new message.
"""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from app.messaging.providers.base import DeliveryResult

# Twilio error codes that say the number itself cannot (or must not) receive our SMS. Not here:
# 30003 (handset off or out of coverage: it may come back) and account-side errors.
ADDRESS_ERRORS = {
    21211: "invalid 'To' phone number",
    21214: "'To' number cannot be reached",
    21610: "the recipient replied STOP (unsubscribed)",
    21612: "the 'To' number is not reachable by this route",
    21614: "'To' number is not a valid mobile number",
    30004: "message blocked by the recipient or their carrier",
    30005: "unknown destination handset",
    30006: "landline or unreachable carrier",
}


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` in seconds (the delta form; an HTTP date counts as unknown)."""
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


class _ApiHttpClient(TwilioHttpClient):
    """The SDK's own HTTP client, pointed at another base URL, keeping the last headers."""

    def __init__(self, base_url: str | None, timeout: float):
        super().__init__(timeout=timeout)
        self.base = urlsplit(base_url.rstrip("/")) if base_url else None
        self.last_headers: dict = {}
        self.idempotency_key: str | None = None

    def request(self, method, url, *args, **kwargs):
        if self.base:
            parts = urlsplit(url)
            url = urlunsplit((self.base.scheme, self.base.netloc, self.base.path + parts.path, parts.query, ""))
        self.last_headers = {}
        if self.idempotency_key and method.upper() == "POST":
            kwargs["headers"] = {**(kwargs.get("headers") or {}), "Idempotency-Key": self.idempotency_key}
        response = super().request(method, url, *args, **kwargs)
        self.last_headers = response.headers or {}
        return response


class TwilioSms:
    name = "sms"
    provider = "twilio"

    def __init__(self, account_sid: str, auth_token: str, from_number: str, *,
                 api_base_url: str | None = None, status_callback: str | None = None,
                 rate_per_second: float = 1.0, timeout: float = 15.0):
        self.http = _ApiHttpClient(api_base_url, timeout)
        self.client = Client(account_sid, auth_token, http_client=self.http)
        self.from_number = from_number
        self.status_callback = status_callback
        # The worker spaces sends per number across all processes (app.messaging.send_slots).
        self.rate_key = from_number
        self.send_interval = 1.0 / rate_per_second if rate_per_second > 0 else 0.0

    def deliver(self, message) -> DeliveryResult:
        self.http.idempotency_key = getattr(message, "send_key", None)
        try:
            sent = self.client.messages.create(
                to=message.recipient, from_=self.from_number, body=message.body,
                status_callback=self.status_callback,
            )
        except TwilioRestException as exc:
            return self._classify(exc)
        except requests.RequestException as exc:
            return DeliveryResult.temporary(self.provider, f"Twilio unreachable: {exc.__class__.__name__}: {exc}")
        finally:
            self.http.idempotency_key = None
        return DeliveryResult.sent(self.provider, sent.sid)

    def _classify(self, exc: TwilioRestException) -> DeliveryResult:
        code = str(exc.code) if exc.code else str(exc.status)
        error = f"Twilio {exc.status}: {exc.msg}"
        if exc.code in ADDRESS_ERRORS:
            return DeliveryResult.permanent_failure(self.provider, error, code, address_rejected=True)
        if exc.status == 429 or exc.status >= 500 or exc.status in (401, 403, 404):
            # Rate limits and outages pass; so may a credentials problem once it is fixed.
            retry_after = retry_after_seconds(self.http.last_headers.get("Retry-After"))
            return DeliveryResult.temporary(self.provider, error, code, retry_after)
        return DeliveryResult.permanent_failure(self.provider, error, code)
