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
    def sent(cls, provider: str, provider_message_id: str | None) -> "DeliveryResult":
        return cls(True, provider, provider_message_id)

    @classmethod
    def temporary(cls, provider: str, error: str, code: str | None = None,
                  retry_after: float | None = None) -> "DeliveryResult":
        return cls(False, provider, error=error, error_code=code, retry_after=retry_after)

    @classmethod
    def permanent_failure(cls, provider: str, error: str, code: str | None = None,
                          address_rejected: bool = False) -> "DeliveryResult":
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


def init_app(app) -> None:
    """Choose the outbound channels from configuration; stored in ``app.extensions``.

    Twilio when its account, token and sender number are set, SMTP when a host is set;
    otherwise, with ``DEV_OUTBOX`` on, the development outbox (readable at ``/dev/outbox``).
    """
    from app.messaging.providers.dev_outbox import DevOutbox
    from app.messaging.providers.smtp import SmtpMail
    from app.messaging.providers.twilio_sms import TwilioSms

    cfg = app.config
    app.extensions[EXTENSION_KEY] = {}
    if cfg.get("TWILIO_ACCOUNT_SID") and cfg.get("TWILIO_AUTH_TOKEN") and cfg.get("TWILIO_FROM_NUMBER"):
        register_channel(app, TwilioSms(
            cfg["TWILIO_ACCOUNT_SID"], cfg["TWILIO_AUTH_TOKEN"], cfg["TWILIO_FROM_NUMBER"],
            api_base_url=cfg.get("TWILIO_API_BASE_URL"),
            status_callback=f"{cfg['PUBLIC_BASE_URL']}/webhooks/twilio/status",
            rate_per_second=float(cfg.get("SMS_RATE_PER_SECOND") or 1),
        ))
    elif cfg.get("DEV_OUTBOX"):
        register_channel(app, DevOutbox("sms"))
    if cfg.get("SMTP_HOST"):
        register_channel(app, SmtpMail(
            cfg["SMTP_HOST"], int(cfg.get("SMTP_PORT") or 25), mail_from=cfg["MAIL_FROM"],
            username=cfg.get("SMTP_USERNAME"), password=cfg.get("SMTP_PASSWORD"),
            starttls=bool(cfg.get("SMTP_STARTTLS")),
        ))
    elif cfg.get("DEV_OUTBOX"):
        register_channel(app, DevOutbox("email"))


def dev_outbox_in_use(app) -> bool:
    from app.messaging.providers.dev_outbox import DevOutbox

    return bool(app.config.get("DEV_OUTBOX")) and any(
        isinstance(channel, DevOutbox) for channel in channels(app).values()
    )
