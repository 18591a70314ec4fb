"""Registering items and finding them on behalf of their sender."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.delivery.addresses import item_location
from app.errors import Conflict, NotFound
from app.events import record_event
from app.models import Item, Sender
from app.security import new_verify_token


@dataclass(frozen=True)
class NewItem:
    tracking_number: str
    service: str
    sender_reference: str | None
    recipient_name: str
    address_line1: str
    address_line2: str | None
    postal_code: str
    city: str
    country: str
    phone: str | None
    email: str | None
    language: str = "pl"
    location: tuple[float, float] | None = None  # (lat, lon) of the address, if the sender knows it
    content_sha256: str | None = None  # the sender's commitment to the letter's content


def register_item(session: Session, sender: Sender, new: NewItem, now: datetime) -> Item:
    """Register an item for ``sender``; a tracking number can be registered only once.

    The recipient's address point is the sender's, or looked up in the address-point register.
    """
    if session.scalar(sa.select(Item.id).where(Item.tracking_number == new.tracking_number)):
        raise Conflict(f"Item {new.tracking_number} is already registered.")
    item = Item(
        tracking_number=new.tracking_number, service=new.service, sender_id=sender.id,
        sender_reference=new.sender_reference, recipient_name=new.recipient_name,
        address_line1=new.address_line1, address_line2=new.address_line2,
        postal_code=new.postal_code, city=new.city, country=new.country,
        recipient_phone=new.phone, recipient_email=new.email, language=new.language,
        verify_token=new_verify_token(), status="registered", created_at=now, content_sha256=new.content_sha256,
    )
    session.add(item)
    session.flush()
    session.add(item_location(session, item.id, new.location, new.address_line1, new.postal_code, new.city, now))
    record_event(session, item, "registered", now, registration_data(sender.name, new))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(f"Item {new.tracking_number} is already registered.") from None
    return item


def registration_data(sender_name: str, new: NewItem) -> dict:
    """What the registration's log entry says: the sender, the service and, if given, the
    commitment to the content (so changing the stored digest later contradicts the log)."""
    data = {"sender": sender_name, "service": new.service}
    if new.content_sha256:
        data["content_sha256"] = new.content_sha256
    return data


def item_for_sender(session: Session, sender_id: int, tracking_number: str) -> Item:
    """The sender's own item; another sender's item is reported as not found."""
    item = session.scalar(
        sa.select(Item).where(Item.tracking_number == tracking_number, Item.sender_id == sender_id)
    )
    if item is None:
        raise NotFound(f"No item {tracking_number} registered by this sender.")
    return item


def item_by_verify_token(session: Session, token: str) -> Item:
    item = session.scalar(sa.select(Item).where(Item.verify_token == token))
    if item is None:
        raise NotFound("No record for this link.")
    return item
