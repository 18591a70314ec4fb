"""Late e-mail bounces: RFC 3464 delivery status notifications fed to ``record_email_bounce``.

An MTA that accepted our e-mail and failed to deliver it later sends a DSN back: a
``multipart/report; report-type=delivery-status`` message whose ``message/delivery-status``
part has one block per recipient (``Final-Recipient``, ``Action``, ``Status``,
``Diagnostic-Code``) and whose ``text/rfc822-headers`` (or ``message/rfc822``) part carries
the original ``Message-ID`` — the id we kept as the provider id when we sent it.

Only ``Action: failed`` with a permanent ``Status: 5.x.x`` counts as a bounce; ``delayed``,
``delivered``, ``relayed`` and ``expanded`` reports change nothing.
"""
from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage, Message
from typing import cast

from sqlalchemy.orm import Session

from app.messaging.sms_status import record_email_bounce


@dataclass(frozen=True)
class DsnRecipient:
    recipient: str  # Final-Recipient address
    action: str  # failed | delayed | delivered | relayed | expanded
    status: str  # e.g. 5.1.1
    smtp_code: str | None  # e.g. 550, from Diagnostic-Code
    diagnostic: str | None
    message_id: str | None  # the original Message-ID

    @property
    def permanent_failure(self) -> bool:
        return self.action == "failed" and self.status.startswith("5")


def split_mbox(data: bytes) -> list[bytes]:
    """One message, or each message of an mbox (``From `` separator lines, ``>From `` unescaped)."""
    if not data.lstrip().startswith(b"From "):
        return [data] if data.strip() else []
    parts = re.split(rb"(?m)^From [^\r\n]*\r?\n", data.lstrip())
    return [re.sub(rb"(?m)^>(>*From )", rb"\1", part) for part in parts if part.strip()]


def _value(fields: Message, name: str) -> str:
    return " ".join(str(fields.get(name) or "").split())


def _typed(value: str) -> str:
    """``rfc822; jan@example.com`` → ``jan@example.com`` (the address type is dropped)."""
    return value.split(";", 1)[1].strip() if ";" in value else value.strip()


def _status_blocks(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    text = payload if isinstance(payload, str) else ""
    return [email.message_from_string(block.strip() + "\n", policy=email.policy.default)
            for block in re.split(r"\r?\n\s*\r?\n", text) if block.strip()]


def _original_message_id(report: Message) -> str | None:
    for part in report.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822":
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            if isinstance(inner, Message) and inner.get("Message-ID"):
                return str(inner["Message-ID"]).strip()
        elif kind == "text/rfc822-headers":
            headers = email.message_from_string(cast(EmailMessage, part).get_content(), policy=email.policy.default)
            if headers.get("Message-ID"):
                return str(headers["Message-ID"]).strip()
    return None


def parse_dsn(raw: bytes) -> list[DsnRecipient]:
    """The per-recipient reports of one DSN; ``[]`` for anything that is not a DSN."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    if message.get_content_type() != "multipart/report" or \
            str(message.get_param("report-type") or "").lower() != "delivery-status":
        return []
    status_part = next((p for p in message.walk() if p.get_content_type() == "message/delivery-status"), None)
    if status_part is None:
        return []
    message_id = _original_message_id(message)
    result = []
    for fields in _status_blocks(status_part)[1:]:  # the first block is about the whole message
        recipient = _typed(_value(fields, "Final-Recipient"))
        if not recipient:
            continue
        diagnostic = _typed(_value(fields, "Diagnostic-Code")) or None
        code = re.search(r"\b([245]\d\d)\b", diagnostic or "")
        result.append(DsnRecipient(
            recipient=recipient.lower(), action=_value(fields, "Action").lower(), status=_value(fields, "Status"),
            smtp_code=code.group(1) if code else None, diagnostic=diagnostic, message_id=message_id,
        ))
    return result


@dataclass
class BounceSummary:
    messages: int = 0
    not_dsn: int = 0
    failed: int = 0
    recorded: int = 0
    unmatched: int = 0
    ignored: int = 0  # delayed, delivered, or a failure that is not permanent


def apply_dsns(session: Session, data: bytes, *, now: datetime, report=lambda line: None) -> BounceSummary:
    """Feed every permanent failure in ``data`` (one DSN or an mbox) to ``record_email_bounce``."""
    summary = BounceSummary()
    for raw in split_mbox(data):
        summary.messages += 1
        recipients = parse_dsn(raw)
        if not recipients:
            summary.not_dsn += 1
            continue
        for r in recipients:
            if not r.permanent_failure:
                summary.ignored += 1
                report(f"ignored {r.action or '?'} {r.status or '?'} {r.recipient}")
                continue
            summary.failed += 1
            if not r.message_id:
                summary.unmatched += 1
                report(f"no original Message-ID: {r.recipient}")
                continue
            changed = record_email_bounce(session, r.message_id, now=now, smtp_code=r.smtp_code or r.status,
                                          diagnostic=r.diagnostic or f"status {r.status}", permanent=True)
            if changed:
                summary.recorded += 1
                report(f"bounced {r.recipient} {r.message_id}: {r.status}")
            else:
                summary.unmatched += 1
                report(f"unchanged (unknown or already final) {r.recipient} {r.message_id}")
    return summary
