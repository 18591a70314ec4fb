"""The development outbox: with no provider configured, a message is "sent" by keeping it.

Kept messages are the outbox rows with provider ``dev``; ``/dev/outbox`` lists them for a
person to read. Only wired when ``DEV_OUTBOX`` is on and the real provider is not set.
"""
from __future__ import annotations

from app.messaging.providers.base import DeliveryResult


class DevOutbox:
    provider = "dev"

    def __init__(self, name: str):
        self.name = name

    def deliver(self, message) -> DeliveryResult:
        return DeliveryResult.sent(self.provider, f"dev-{message.id}")
