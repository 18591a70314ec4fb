"""E-mail over SMTP (smtplib): multipart text + HTML, optional STARTTLS and login.

The ``Message-ID`` is made from the message's ``send_key``, the same for every try, so a copy
sent again after a crash is recognisable as the same e-mail; it is kept as the provider id, so
a later bounce can be matched to its message.

One connection is kept open and reused for the next messages (a worker sends one message at a
time): connecting, STARTTLS and login happen once, not per e-mail. A connection the server
closed meanwhile is opened again and the message sent on the new one; one left idle longer
than ``IDLE_SECONDS`` is closed before use, as servers drop idle clients anyway.
"""
from __future__ import annotations

import smtplib
import threading
import time
from email.message import Message
from email.utils import parseaddr

from app.messaging.providers.base import DeliveryResult
from app.messaging.providers.mime import build_email

IDLE_SECONDS = 30.0


class SmtpMail:
    name = "email"
    provider = "smtp"

    def __init__(self, host: str, port: int = 25, *, mail_from: str, username: str | None = None,
                 password: str | None = None, starttls: bool = False, timeout: float = 15.0):
        self.host, self.port, self.mail_from = host, port, mail_from
        self.username, self.password, self.starttls, self.timeout = username, password, starttls, timeout
        domain = parseaddr(mail_from)[1].rpartition("@")[2]
        self.domain = domain or "localhost"
        self._smtp: smtplib.SMTP | None = None
        self._used_at = 0.0
        self._lock = threading.Lock()

    def _open(self) -> smtplib.SMTP:
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def close(self) -> None:
        """Say QUIT on the kept connection, if any (the worker does when it stops)."""
        with self._lock:
            self._drop(quit_=True)

    def _drop(self, quit_: bool = False) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit() if quit_ else smtp.close()
            except (smtplib.SMTPException, OSError):
                smtp.close()

    def _send(self, email: Message) -> None:
        """Send on the kept connection; once more on a new one if the server had closed it."""
        if self._smtp is not None and time.monotonic() - self._used_at > IDLE_SECONDS:
            self._drop(quit_=True)
        reused = self._smtp is not None
        if self._smtp is None:
            self._smtp = self._open()
        try:
            self._smtp.send_message(email)
        except smtplib.SMTPServerDisconnected:
            self._drop()
            if not reused:
                raise
            self._smtp = self._open()
            self._smtp.send_message(email)
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused):
            raise  # the server answered (and smtplib reset the transaction): the connection is fine
        except BaseException:
            self._drop()
            raise
        self._used_at = time.monotonic()

    def build(self, message) -> Message:
        return build_email(message, self.mail_from, self.domain)

    def deliver(self, message) -> DeliveryResult:
        email = self.build(message)
        try:
            with self._lock:
                self._send(email)
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
