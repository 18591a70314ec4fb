"""Building an outbox e-mail: multipart text + HTML in UTF-8, with its headers.

Built with the standard library's MIME classes (``email.mime``), which take the headers as they
are given: built and flattened in under a third of the time that ``EmailMessage`` takes, which
parses every header it is given and folds it again when the message is flattened (that was half
of the worker's CPU per e-mail). The message is the same to whoever reads it
(``tests/messaging/test_mime.py`` parses both). An e-mail whose addresses are not ASCII (it
needs SMTPUTF8) is built with ``EmailMessage``, which knows how to write them.
"""
from __future__ import annotations

from email import policy
from email.charset import QP, Charset
from email.header import Header
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage, Message
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import Compat32
from email.utils import formataddr, formatdate, make_msgid, parseaddr

UTF8 = Charset("utf-8")
UTF8.header_encoding = QP  # readable in the raw message, and short for Polish and Ukrainian text
UTF8.body_encoding = QP


class _HeaderClasses(HeaderRegistry):
    """The standard registry, with each header's class made once instead of at every header set.

    ``HeaderRegistry.__getitem__`` builds a new class per call. The classes, and so the
    messages, are the same.
    """

    def __init__(self):
        super().__init__()
        self._made: dict[str, type] = {}

    def __getitem__(self, name):
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


POLICY = policy.default.clone(header_factory=_HeaderClasses())


class _Headers(Compat32):
    """``email.mime``'s policy, except that an ASCII header that fits on its line, or has nowhere
    to fold (a long link), is written as it is: the standard one runs each through ``Header``
    (most of the time spent flattening), and breaks an unfoldable one right after its name, so
    that readers see a leading space."""

    def fold(self, name, value):
        return f"{name}: {value}{self.linesep}" if _whole(name, value) else super().fold(name, value)

    def fold_binary(self, name, value):
        if _whole(name, value):
            return f"{name}: {value}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


def _whole(name: str, value) -> bool:
    if not (isinstance(value, str) and value.isascii()) or "\n" in value or "\r" in value:
        return False
    return len(name) + 2 + len(value) <= 78 or len(value.split()) == 1


HEADERS = _Headers()


def build_email(message, mail_from: str, domain: str) -> Message:
    """The e-mail for an outbox ``message`` (recipient, subject, body, body_html, headers,
    language, send_key), from ``mail_from``; its ``Message-ID`` is made from the ``send_key``."""
    send_key = getattr(message, "send_key", None)
    message_id = f"<{send_key}@{domain}>" if send_key else make_msgid(domain=domain)
    if not (message.recipient.isascii() and parseaddr(mail_from)[1].isascii()):
        return _build_international(message, mail_from, message_id)
    parts = [_text(message.body, "plain")]
    if message.body_html:
        parts.append(_text(message.body_html, "html"))
    email: Message = parts[0]
    if len(parts) > 1:
        for part in parts:
            del part["MIME-Version"]  # once, at the top of the message
        email = MIMEMultipart("alternative", _subparts=parts, policy=HEADERS)
    email["From"] = _address(mail_from)
    email["To"] = message.recipient
    email["Subject"] = _header(message.subject or "")  # type: ignore[assignment]  # a Header is taken too
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = message_id
    for name, value in (message.headers or {}).items():
        email[name] = _header(str(value))  # type: ignore[assignment]
    email["Content-Language"] = message.language or "pl"
    return email


def _text(text: str, subtype: str) -> MIMENonMultipart:
    part = MIMENonMultipart("text", subtype, policy=HEADERS, charset="utf-8")
    text = "\n".join(text.splitlines())  # lines end the same way, and the text with a line end
    part.set_payload(text + "\n", UTF8)
    return part


def _header(value: str) -> str | Header:
    return value if value.isascii() else Header(value, UTF8)


def _address(value: str) -> str:
    name, address = parseaddr(value)
    return formataddr((name, address), charset=UTF8) if name else address


def _build_international(message, mail_from: str, message_id: str) -> EmailMessage:
    email = EmailMessage(policy=POLICY)
    email["From"] = mail_from
    email["To"] = Address(addr_spec=message.recipient)
    email["Subject"] = message.subject or ""
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = message_id
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.body)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    # After the body: setting content clears every Content-* header of the message.
    email["Content-Language"] = message.language or "pl"
    return email
