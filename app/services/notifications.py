"""Writing recipient alerts to the outbox, in the transaction of the fact that caused them."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from notices.messages import NoticeAlert, notice_email, notice_sms
from notices.profiles import PROFILES
from app.models import Attempt, Item, OutboxMessage


def verify_url(base_url: str, item: Item) -> str:
    return f"{base_url}/v/{item.verify_token}"


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
    )
    messages = []
    if item.recipient_phone:
        messages.append(OutboxMessage(
            item_id=item.id, attempt_id=attempt.id, channel="sms", purpose="notice_left",
            recipient=item.recipient_phone, language=item.language, body=notice_sms(alert),
            dedupe_key=f"attempt:{attempt.id}:sms", next_attempt_at=now, created_at=now,
        ))
    if item.recipient_email:
        subject, body = notice_email(alert)
        messages.append(OutboxMessage(
            item_id=item.id, attempt_id=attempt.id, channel="email", purpose="notice_left",
            recipient=item.recipient_email, language=item.language, subject=subject, body=body,
            dedupe_key=f"attempt:{attempt.id}:email", next_attempt_at=now, created_at=now,
        ))
    session.add_all(messages)
    return messages
