"""Alerts to recipients, written to the outbox in the transaction of the fact that caused them."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy.orm import Session

from notices import masking
from notices.messages import (
    EmailContent, NoticeAlert, email_failed_sms, email_text, notice_email_content, notice_sms,
    sms_failed_email,
)
from notices.profiles import PROFILES
from app.models import Attempt, Item, OutboxMessage
from app.messaging import suppressions
from app.messaging.enqueue import enqueue_message
from app.recipients.subscriptions import alert_recipients


def verify_url(base_url: str, item: Item) -> str:
    return f"{base_url}/v/{item.verify_token}"


def render_email_html(content: EmailContent) -> str:
    """The HTML part; rendered without request context processors (the worker has no request)."""
    return current_app.jinja_env.get_template("email/message.html").render(content=content)


def enqueue_email(session: Session, content: EmailContent, *, recipient: str, purpose: str,
                  dedupe_key: str, now: datetime, item_id: int | None = None,
                  attempt_id: int | None = None, manage_url: str | None = None) -> OutboxMessage:
    """Queue an e-mail whose text and HTML parts both come from ``content``."""
    return enqueue_message(
        session, channel="email", recipient=recipient, purpose=purpose, dedupe_key=dedupe_key, now=now,
        subject=content.subject, body=email_text(content),
        body_html=render_email_html(content),
        language=content.language, item_id=item_id, attempt_id=attempt_id, manage_url=manage_url,
    )


def enqueue_notice_alerts(
    session: Session, item: Item, attempt: Attempt, *, base_url: str, tz: str, now: datetime
) -> list[OutboxMessage]:
    """Queue an SMS and an e-mail (where the sender supplied contacts) for a left notice.

    The dedupe key ties each message to the attempt, so it can be queued only once.
    """
    pickup = attempt.pickup_point
    profile = PROFILES.get(item.service)
    zone = ZoneInfo(tz)
    deadline_local = attempt.collect_by_at.astimezone(zone)
    alert = NoticeAlert(
        tracking_number=item.tracking_number,
        sender_name=item.sender.name if item.sender else None,
        pickup_name=pickup.name if pickup else "",
        pickup_address=pickup.address if pickup else "",
        deadline_local=deadline_local,
        verify_url=verify_url(base_url, item),
        language=item.language,
        deemed_service_local=deadline_local if profile and profile.deemed_service else None,
        signup_url=f"{base_url}/alerts/",
    )
    messages = []
    if item.recipient_phone:
        messages.append(enqueue_message(
            session, channel="sms", recipient=item.recipient_phone, purpose="notice_left",
            body=notice_sms(alert), dedupe_key=f"attempt:{attempt.id}:sms", now=now,
            language=item.language, item_id=item.id, attempt_id=attempt.id,
        ))
    if item.recipient_email:
        messages.append(enqueue_email(
            session, notice_email_content(alert), recipient=item.recipient_email, purpose="notice_left",
            dedupe_key=f"attempt:{attempt.id}:email", now=now, item_id=item.id, attempt_id=attempt.id,
        ))
    for person in alert_recipients(session, item, base_url=base_url, now=now):
        # Subscribers at the item's address and their delegates, each in their own language.
        own = replace(alert, language=person.language)
        key = f"attempt:{attempt.id}:{person.key}"
        if person.channel == "sms":
            quiet = f"{person.quiet_start}-{person.quiet_end}" if person.quiet_start and person.quiet_end else "off"
            messages.append(enqueue_message(
                session, channel="sms", recipient=person.address, purpose="notice_left", body=notice_sms(own),
                dedupe_key=key, now=now, language=person.language, item_id=item.id, attempt_id=attempt.id,
                quiet_hours=quiet, time_zone=person.timezone,
            ))
        else:
            messages.append(enqueue_email(
                session, notice_email_content(own), recipient=person.address, purpose="notice_left",
                dedupe_key=key, now=now, item_id=item.id, attempt_id=attempt.id, manage_url=person.manage_url,
            ))
    return messages


def tell_through_other_channel(session: Session, failed: OutboxMessage, *, now: datetime) -> OutboxMessage | None:
    """When an alert about an item could not be delivered, say so once through the other channel.

    Only when the recipient has the other contact and has not stopped it; one message per item
    and failed channel (deduplicated), however many alerts failed.
    """
    if failed.item_id is None or failed.purpose != "notice_left":
        return None
    item = session.get(Item, failed.item_id)
    base_url = current_app.config["PUBLIC_BASE_URL"]
    if failed.channel == "sms" and item.recipient_email:
        if suppressions.is_suppressed(session, "email", item.recipient_email):
            return None
        content = sms_failed_email(item.language, item.tracking_number, masking.phone(failed.recipient),
                                   verify_url(base_url, item))
        return enqueue_email(session, content, recipient=item.recipient_email, purpose="channel_failed",
                             dedupe_key=f"channel-failed:{item.id}:sms", now=now, item_id=item.id)
    if failed.channel == "email" and item.recipient_phone:
        if suppressions.is_suppressed(session, "sms", item.recipient_phone):
            return None
        return enqueue_message(
            session, channel="sms", recipient=item.recipient_phone, purpose="channel_failed",
            body=email_failed_sms(item.language, item.tracking_number, verify_url(base_url, item)),
            dedupe_key=f"channel-failed:{item.id}:email", now=now, language=item.language, item_id=item.id,
        )
    return None
