"""E-mails queued in the outbox: a text part and an HTML part from one content object."""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy.orm import Session

from app.messaging.enqueue import enqueue_message
from app.models import OutboxMessage
from notices.messages import EmailContent, email_text


def render_email_html(content: EmailContent) -> str:
    """The HTML part; rendered without request context processors (the worker has no request)."""
    return current_app.jinja_env.get_template("email/message.html").render(content=content)


def enqueue_email(session: Session, content: EmailContent, *, recipient: str, purpose: str,
                  dedupe_key: str, now: datetime, item_id: int | None = None,
                  attempt_id: int | None = None, manage_url: str | None = None,
                  new_key: bool = False) -> OutboxMessage:
    """Queue an e-mail whose text and HTML parts both come from ``content``."""
    return enqueue_message(
        session, channel="email", recipient=recipient, purpose=purpose, dedupe_key=dedupe_key, now=now,
        subject=content.subject, body=email_text(content),
        body_html=render_email_html(content),
        language=content.language, item_id=item_id, attempt_id=attempt_id, manage_url=manage_url,
        new_key=new_key,
    )
