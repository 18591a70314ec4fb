"""E-mail over SMTP (smtplib): multipart text + HTML, optional STARTTLS and login.

The ``Message-ID`` is made from the message's ``send_key``, the same for every try, so a copy
sent again after a crash is recognisable as the same e-mail; it is kept as the provider id, so
a later bounce can be matched to its message.
"""
from __future__ import annotations

import smtplib
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from app.messaging.providers.base import DeliveryResult


class SmtpMail:
    name = "email"
    provider = "smtp"

    def __init__(self, host: str, port: int = 25, *, mail_from: str, username: str | None = None,
                 password: str | None = None, starttls: bool = False, timeout: float = 15.0):
        self.host, self.port, self.mail_from = host, port, mail_from
        self.username, self.password, self.starttls, self.timeout = username, password, starttls, timeout
        domain = parseaddr(mail_from)[1].rpartition("@")[2]
        self.domain = domain or "localhost"

    def build(self, message) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.mail_from
        email["To"] = Address(addr_spec=message.recipient)
        email["Subject"] = message.subject or ""
        email["Date"] = formatdate(localtime=False)
        send_key = getattr(message, "send_key", None)
        email["Message-ID"] = f"<{send_key}@{self.domain}>" if send_key else make_msgid(domain=self.domain)
        email["Content-Language"] = message.language or "pl"
        for name, value in (message.headers or {}).items():
            email[name] = value
        email.set_content(message.body)
        if message.body_html:
            email.add_alternative(message.body_html, subtype="html")
        return email

    def deliver(self, message) -> DeliveryResult:
        email = self.build(message)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            error = f"SMTP {code}: recipient refused: {_text(reply)}"
            if code >= 500:
                return DeliveryResult.permanent_failure(self.provider, error, str(code), address_rejected=True)
            return DeliveryResult.temporary(self.provider, error, str(code))
        except (smtplib.SMTPAuthenticationError, smtplib.SMTPSenderRefused) as exc:
            # Our own configuration is wrong: keep the message until it is fixed.
            return DeliveryResult.temporary(self.provider, f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}",
                                            str(exc.smtp_code))
        except smtplib.SMTPResponseException as exc:
            error = f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}"
            if exc.smtp_code >= 500:
                # 550/551/553 name the mailbox (unavailable, not local, not allowed); others the message.
                return DeliveryResult.permanent_failure(self.provider, error, str(exc.smtp_code),
                                                        address_rejected=exc.smtp_code in (550, 551, 553))
            return DeliveryResult.temporary(self.provider, error, str(exc.smtp_code))
        except (smtplib.SMTPException, OSError) as exc:
            return DeliveryResult.temporary(self.provider, f"SMTP server unreachable: {exc.__class__.__name__}: {exc}")
        return DeliveryResult.sent(self.provider, email["Message-ID"])


def _text(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
