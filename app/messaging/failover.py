"""An alert that could not be delivered is told once through the recipient's other channel."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.messaging import suppressions
from app.messaging.email import enqueue_email
from app.messaging.enqueue import enqueue_message
from app.models import Item, OutboxMessage
from notices import masking
from notices.messages import email_failed_sms, sms_failed_email


def tell_through_other_channel(session: Session, failed: OutboxMessage, now: datetime, *,
                               base_url: str) -> OutboxMessage | None:
    """When an alert about an item could not be delivered, say so once through the other channel.

    Only when the recipient has the other contact and has not stopped it; one message per item
    and failed channel (deduplicated), however many alerts failed. ``base_url``
    (``PUBLIC_BASE_URL``) makes the item's link.
    """
    if failed.item_id is None or failed.purpose != "notice_left":
        return None
    item = session.get_one(Item, failed.item_id)
    if failed.channel == "sms" and item.recipient_email:
        if suppressions.is_suppressed(session, "email", item.recipient_email):
            return None
        content = sms_failed_email(item.language, item.tracking_number, masking.phone(failed.recipient) or "",
                                   item.verify_url(base_url))
        return enqueue_email(session, content, recipient=item.recipient_email, purpose="channel_failed",
                             dedupe_key=f"channel-failed:{item.id}:sms", now=now, item_id=item.id)
    if failed.channel == "email" and item.recipient_phone:
        if suppressions.is_suppressed(session, "sms", item.recipient_phone):
            return None
        return enqueue_message(
            session, channel="sms", recipient=item.recipient_phone, purpose="channel_failed",
            body=email_failed_sms(item.language, item.tracking_number, item.verify_url(base_url)),
            dedupe_key=f"channel-failed:{item.id}:email", now=now, language=item.language, item_id=item.id,
        )
    return None
