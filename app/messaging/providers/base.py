"""Adapters to the outside world: one small class per outbound channel, behind one interface.

A channel has a ``name`` (the outbox ``channel`` it serves: ``sms``, ``email``, ``webhook``)
and ``deliver(message) -> DeliveryResult`` for one :class:`~app.models.OutboxMessage`. It
never touches the database; the outbox service records what the result says.

Channels are chosen once per app from configuration and kept in
``app.extensions["awizo.channels"]``; tests and other parts add theirs with
:func:`register_channel`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

EXTENSION_KEY = "awizo.channels"


@dataclass(frozen=True)
class DeliveryResult:
    """What a provider said about one message.

    ``ok`` with the provider's id; or an error that is ``permanent`` (never retry, e.g. an
    invalid number, SMTP 5xx) or temporary (retry later, not before ``retry_after`` seconds
    when the provider asked for that).
    """

    ok: bool
    provider: str
    provider_message_id: str | None = None
    error: str | None = None
    error_code: str | None = None
    permanent: bool = False
    retry_after: float | None = None
    address_rejected: bool = False  # the address itself is bad or opted out: suppress it

    @classmethod
    def sent(cls, provider: str, provider_message_id: str | None) -> DeliveryResult:
        return cls(True, provider, provider_message_id)

    @classmethod
    def temporary(cls, provider: str, error: str, code: str | None = None,
                  retry_after: float | None = None) -> DeliveryResult:
        return cls(False, provider, error=error, error_code=code, retry_after=retry_after)

    @classmethod
    def permanent_failure(cls, provider: str, error: str, code: str | None = None,
                          address_rejected: bool = False) -> DeliveryResult:
        return cls(False, provider, error=error, error_code=code, permanent=True,
                   address_rejected=address_rejected)


class Channel(Protocol):
    """Optional: ``rate_key`` and ``send_interval`` (seconds) make the worker space this channel's
    sends per key across all worker processes (Twilio: the sender number)."""

    name: str
    provider: str

    def deliver(self, message) -> DeliveryResult: ...


def register_channel(app, channel: Channel) -> None:
    """Make ``channel`` the one that delivers outbox messages with ``channel.name``."""
    app.extensions.setdefault(EXTENSION_KEY, {})[channel.name] = channel


def channels(app) -> dict[str, Channel]:
    return app.extensions.get(EXTENSION_KEY, {})
