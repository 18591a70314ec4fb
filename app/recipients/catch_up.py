"""Catch-up after opting in: a recipient whose alerts just started is told of items already waiting.

Alerts go out when a notice is left; someone who opts in afterwards would otherwise hear nothing
about the letters already at the pickup point. When a contact of an active subscription is
confirmed, or the address of a subscription with confirmed contacts is verified, one message per
contact lists those items with their last days, in the same transaction.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.messaging.email import enqueue_email
from app.messaging.enqueue import enqueue_message
from app.models import Item
from app.models.lifecycle import ItemLifecycle
from app.models.subscriptions import Contact, Subscriber
from notices import claim_codes
from notices.recipient_messages import WaitingItem, waiting_items_email, waiting_items_sms
from notices.vocabulary import ItemStatus


def waiting_items(session: Session, subscriber: Subscriber, base_url: str) -> list[WaitingItem]:
    """Items awaiting collection at the subscriber's address, with their dates and record links."""
    if not subscriber.address_key or not subscriber.postal_code:
        return []
    postal = "".join(c for c in subscriber.postal_code if c.isalnum()).upper()
    rows = session.execute(
        sa.select(Item, ItemLifecycle).outerjoin(ItemLifecycle, ItemLifecycle.item_id == Item.id)
        .where(Item.status == ItemStatus.AWAITING_COLLECTION.value,
               sa.func.upper(sa.func.replace(sa.func.replace(Item.postal_code, "-", ""), " ", "")) == postal)
        .order_by(Item.id)
    ).all()
    return [WaitingItem(item.tracking_number, item.sender.name, lc.collect_by if lc else None,
                        lc.deemed_served_on if lc else None, item.verify_url(base_url))
            for item, lc in rows
            if claim_codes.address_key(item.address_line1, item.address_line2, item.postal_code, item.city,
                                       item.country) == subscriber.address_key]


def tell_waiting_items(session: Session, subscriber: Subscriber, contacts: list[Contact], now: datetime, *,
                       base_url: str) -> int:
    """Queue the catch-up message to each confirmed, enabled contact; returns how many were queued."""
    if subscriber.status != "active" or subscriber.principal_id is not None:
        return 0
    contacts = [c for c in contacts if c.confirmed_at is not None and c.enabled]
    items = waiting_items(session, subscriber, base_url) if contacts else []
    if not items:
        return 0
    for contact in contacts:
        key = f"catch_up:contact:{contact.id}"
        if contact.channel == "sms":
            enqueue_message(session, channel="sms", recipient=contact.address, purpose="catch_up",
                            body=waiting_items_sms(subscriber.language, items), language=subscriber.language,
                            now=now, dedupe_key=key)
        else:
            enqueue_email(session, waiting_items_email(subscriber.language, items), recipient=contact.address,
                          purpose="catch_up", now=now, dedupe_key=key)
    return len(contacts)
