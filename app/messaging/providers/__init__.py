"""Outbound channels (Twilio SMS, SMTP e-mail, sender webhooks, the development outbox).

The interface and the registry are in :mod:`app.messaging.providers.base`; ``init_app``
chooses the channels from configuration.
"""
from __future__ import annotations

from app.messaging.providers.base import EXTENSION_KEY, Channel, DeliveryResult, channels, register_channel
from app.messaging.providers.dev_outbox import DevOutbox
from app.messaging.providers.smtp import SmtpMail
from app.messaging.providers.twilio_sms import TwilioSms

__all__ = ["Channel", "DeliveryResult", "channels", "dev_outbox_in_use", "init_app", "register_channel"]


def init_app(app) -> None:
    """Choose the outbound channels from configuration; stored in ``app.extensions``.

    Twilio when its account, token and sender number are set, SMTP when a host is set;
    otherwise, with ``DEV_OUTBOX`` on, the development outbox (readable at ``/dev/outbox``).
    """
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
    return bool(app.config.get("DEV_OUTBOX")) and any(
        isinstance(channel, DevOutbox) for channel in channels(app).values()
    )
