"""Alerts to recipients, written to the outbox in the transaction of the fact that caused them."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.messaging.email import enqueue_email
from app.messaging.enqueue import enqueue_message
from app.models import Attempt, Item, OutboxMessage
from app.models.bulk import insert_loaded
from app.recipients.pickup_points import describe_pickup
from app.recipients.subscriptions import alert_recipients
from notices.messages import NoticeAlert, notice_email_content, notice_sms
from notices.profiles import PROFILES


def enqueue_notice_alerts(
    session: Session, item: Item, attempt: Attempt, *, base_url: str, tz: str, now: datetime, secret: str,
    new_attempt: bool = False,
) -> list[OutboxMessage]:
    """Queue an SMS and an e-mail (where the sender supplied contacts) for a left notice.

    The dedupe key ties each message to the attempt, so it can be queued only once; for an
    attempt this transaction created (``new_attempt``) no message can have its key yet.
    """
    pickup = describe_pickup(attempt.pickup_point, item.language)
    profile = PROFILES.get(item.service)
    zone = ZoneInfo(tz)
    if attempt.collect_by_at is None:  # only attempts that left a notice are alerted
        raise ValueError(f"attempt {attempt.id} left no notice")
    deadline_local = attempt.collect_by_at.astimezone(zone)
    alert = NoticeAlert(
        tracking_number=item.tracking_number,
        sender_name=item.sender.name if item.sender else None,
        pickup_name=pickup.name,
        pickup_address=pickup.address,
        deadline_local=deadline_local,
        verify_url=item.verify_url(base_url),
        language=item.language,
        deemed_service_local=deadline_local if profile and profile.deemed_service else None,
        signup_url=f"{base_url}/alerts/",
    )
    messages = []
    if item.recipient_phone:
        messages.append(enqueue_message(
            session, channel="sms", recipient=item.recipient_phone, purpose="notice_left",
            body=notice_sms(alert), dedupe_key=f"attempt:{attempt.id}:sms", now=now,
            language=item.language, item_id=item.id, attempt_id=attempt.id, new_key=new_attempt, write=False,
        ))
    if item.recipient_email:
        messages.append(enqueue_email(
            session, notice_email_content(alert), recipient=item.recipient_email, purpose="notice_left",
            dedupe_key=f"attempt:{attempt.id}:email", now=now, item_id=item.id, attempt_id=attempt.id,
            new_key=new_attempt, write=False,
        ))
    for person in alert_recipients(session, item, base_url=base_url, now=now, secret=secret):
        # Subscribers at the item's address and their delegates, each in their own language.
        own = replace(alert, language=person.language, addressee=item.recipient_name if person.delegate else None)
        key = f"attempt:{attempt.id}:{person.key}"
        if person.channel == "sms":
            quiet = f"{person.quiet_start}-{person.quiet_end}" if person.quiet_start and person.quiet_end else "off"
            messages.append(enqueue_message(
                session, channel="sms", recipient=person.address, purpose="notice_left", body=notice_sms(own),
                dedupe_key=key, now=now, language=person.language, item_id=item.id, attempt_id=attempt.id,
                quiet_hours=quiet, time_zone=person.timezone, new_key=new_attempt, write=False,
            ))
        else:
            messages.append(enqueue_email(
                session, notice_email_content(own), recipient=person.address, purpose="notice_left",
                dedupe_key=key, now=now, item_id=item.id, attempt_id=attempt.id, manage_url=person.manage_url,
                new_key=new_attempt, write=False,
            ))
    # One statement for all of them (a message found under its key is in the outbox already).
    insert_loaded(session, *(message for message in messages if sa.inspect(message).transient))
    return messages
