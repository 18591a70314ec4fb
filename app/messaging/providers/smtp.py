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

import copy
import io
import re
import smtplib
import socket
import threading
import time
from dataclasses import dataclass
from email.generator import BytesGenerator
from email.message import Message
from email.utils import getaddresses, parseaddr

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
            # The final "." goes out alone after the content (see stage): without this, Nagle's
            # algorithm holds it back until the server acknowledges the content, a delayed ACK away.
            if smtp.sock is not None:
                smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
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
        except Exception as exc:
            return self.result_of(exc)
        return DeliveryResult.sent(self.provider, email["Message-ID"])

    def result_of(self, exc: Exception) -> DeliveryResult:
        """What an exception raised while sending says about the message (a bug is raised again)."""
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            code, reply = next(iter(exc.recipients.values()))
            error = f"SMTP {code}: recipient refused: {_text(reply)}"
            if code >= 500:
                return DeliveryResult.permanent_failure(self.provider, error, str(code), address_rejected=True)
            return DeliveryResult.temporary(self.provider, error, str(code))
        if isinstance(exc, (smtplib.SMTPAuthenticationError, smtplib.SMTPSenderRefused)):
            # Our own configuration is wrong: keep the message until it is fixed.
            return DeliveryResult.temporary(self.provider, f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}",
                                            str(exc.smtp_code))
        if isinstance(exc, smtplib.SMTPResponseException):
            error = f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}"
            if exc.smtp_code >= 500:
                # 550/551/553 name the mailbox (unavailable, not local, not allowed); others the message.
                return DeliveryResult.permanent_failure(self.provider, error, str(exc.smtp_code),
                                                        address_rejected=exc.smtp_code in (550, 551, 553))
            return DeliveryResult.temporary(self.provider, error, str(exc.smtp_code))
        if isinstance(exc, (smtplib.SMTPException, OSError)):
            return DeliveryResult.temporary(self.provider, f"SMTP server unreachable: {exc.__class__.__name__}: {exc}")
        raise exc

    # -- handing over in two steps (see app.messaging.handover) ------------------------------

    def prepare(self, message) -> Prepared | None:
        """The e-mail as the bytes to send, or None when it needs SMTPUTF8 (then :meth:`deliver`)."""
        return prepared(self.build(message))

    def stage(self, ready: Prepared) -> Handover | DeliveryResult:
        """Send the envelope and the whole content except the final ``.``; the server delivers nothing yet.

        Returns the :class:`Handover` that ends it, or what the server answered when it refused
        the message before its content. The connection stays reserved until the handover ends.
        """
        self._lock.acquire()
        try:
            if self._smtp is not None and time.monotonic() - self._used_at > IDLE_SECONDS:
                self._drop(quit_=True)
            reused = self._smtp is not None
            if self._smtp is None:
                self._smtp = self._open()
            try:
                _stage_on(self._smtp, ready)
            except smtplib.SMTPServerDisconnected:
                self._drop()
                if not reused:
                    raise
                self._smtp = self._open()
                _stage_on(self._smtp, ready)
            except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused):
                raise  # the server answered and the transaction was reset: the connection is fine
            except BaseException:
                self._drop()
                raise
        except Exception as exc:
            self._lock.release()
            return self.result_of(exc)
        except BaseException:
            self._lock.release()
            raise
        return Handover(self, self._smtp, ready.message_id)


@dataclass(frozen=True)
class Prepared:
    """An e-mail flattened for SMTP: its envelope, its bytes and its ``Message-ID``."""
    sender: str
    recipients: tuple[str, ...]
    content: bytes
    message_id: str


def prepared(email: Message) -> Prepared | None:
    """``email`` flattened as ``smtplib.SMTP.send_message`` does it (None: it needs SMTPUTF8)."""
    sender = getaddresses([email["From"]])[0][1]
    recipients = tuple(address for _name, address in
                       getaddresses([str(v) for field in ("To", "Cc", "Bcc") for v in email.get_all(field, [])]))
    try:
        "".join((sender, *recipients)).encode("ascii")
    except UnicodeEncodeError:
        return None
    if email["Bcc"] is not None:
        email = copy.copy(email)
        del email["Bcc"]
    with io.BytesIO() as buffer:
        BytesGenerator(buffer).flatten(email, linesep="\r\n")
        return Prepared(sender, recipients, buffer.getvalue(), str(email["Message-ID"]))


def _stage_on(smtp: smtplib.SMTP, ready: Prepared) -> None:
    """``sendmail`` up to, not including, the ``.`` that ends the data (smtplib's own steps)."""
    smtp.ehlo_or_helo_if_needed()
    options = [f"size={len(ready.content)}"] if smtp.does_esmtp and smtp.has_extn("size") else []
    code, reply = smtp.mail(ready.sender, options)
    if code != 250:
        _end_transaction(smtp, code)
        raise smtplib.SMTPSenderRefused(code, reply, ready.sender)
    refused = {}
    for address in ready.recipients:
        code, reply = smtp.rcpt(address)
        if code not in (250, 251):
            refused[address] = (code, reply)
        if code == 421:
            smtp.close()
            raise smtplib.SMTPRecipientsRefused(refused)
    if len(refused) == len(ready.recipients):
        smtp.rset()
        raise smtplib.SMTPRecipientsRefused(refused)
    smtp.putcmd("data")
    code, reply = smtp.getreply()
    if code != 354:
        _end_transaction(smtp, code)
        raise smtplib.SMTPDataError(code, reply)
    content = _DOTS.sub(b"..", ready.content)
    smtp.send(content if content.endswith(b"\r\n") else content + b"\r\n")


def _end_transaction(smtp: smtplib.SMTP, code: int) -> None:
    """After a refusal: a server closing (421) is left; otherwise the transaction is reset."""
    if code == 421:
        smtp.close()
    else:
        smtp.rset()


# A line starting with a dot gets a second one (RFC 5321 4.5.2), as smtplib quotes it.
_DOTS = re.compile(rb"(?m)^\.")


class Handover:
    """An e-mail the server holds whole but has not accepted: all but the final ``.`` was sent.

    :meth:`complete` sends the ``.``: only then does the server take the message. :meth:`abandon`
    closes the connection instead, and a server discards a message whose data never ended
    (RFC 5321 4.1.1.4); the next e-mail goes on a new connection.
    """

    def __init__(self, mail: SmtpMail, smtp: smtplib.SMTP, message_id: str):
        self._mail, self._smtp, self.message_id = mail, smtp, message_id
        self._open = True

    def complete(self) -> DeliveryResult:
        if not self._open:
            raise RuntimeError("this handover has ended")
        self._open = False
        mail = self._mail
        try:
            self._smtp.send(b".\r\n")
            code, reply = self._smtp.getreply()
            if code != 250:
                _end_transaction(self._smtp, code)
                raise smtplib.SMTPDataError(code, reply)
            mail._used_at = time.monotonic()
            return DeliveryResult.sent(mail.provider, self.message_id)
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused) as exc:
            return mail.result_of(exc)
        except Exception as exc:
            mail._drop()
            return mail.result_of(exc)
        finally:
            mail._lock.release()

    def abandon(self) -> None:
        """Close the connection without the ``.``: the server delivers nothing."""
        if self._open:
            self._open = False
            try:
                self._mail._drop()
            finally:
                self._mail._lock.release()


def _text(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
