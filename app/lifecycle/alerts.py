"""Alerts of the notice lifecycle, built in bulk for a sweep: outbox rows without a query each.

:func:`message_row` gives exactly the row :func:`app.messaging.enqueue.enqueue_message` would
write (a test compares them), so a sweep can write thousands of messages in one statement.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.lifecycle.email_shapes import EmailShapes
from app.lifecycle.sms_shapes import SmsShapes
from app.messaging import enqueue, suppressions
from app.models import Item, PickupPoint, Sender, Subscriber, User
from app.models.lifecycle import ItemLifecycle
from app.models.outbox import new_send_key
from app.recipients.pickup_points import PickupWords, describe_pickup
from app.recipients.subscriptions import alert_recipients
from notices import claim_codes
from notices.lifecycle_messages import LifecycleAlert, outcome_email_content


def lifecycle_alert(lc: sa.Row, pickup: PickupPoint | None, base_url: str,
                    words: PickupWords | None = None) -> LifecycleAlert:
    """The alert of one lifecycle row; ``words``: the pickup point described in the row's language,
    when the caller has them already (a sweep describes each point once per language)."""
    words = words or describe_pickup(pickup, lc.language)
    return LifecycleAlert(
        tracking_number=lc.tracking_number, sender_name=lc.sender_name,
        pickup_name=words.name, pickup_address=words.address,
        collect_by=lc.collect_by, verify_url=f"{base_url}/v/{lc.verify_token}", language=lc.language,
        deemed_served_on=lc.deemed_served_on, sender_reference=lc.sender_reference,
    )


def lifecycle_columns() -> tuple:
    """What an alert needs of a lifecycle, its item and its sender (rows joined on the item and the
    sender): the columns of :func:`lifecycle_rows` and of the sweep's claim."""
    L = ItemLifecycle
    return (L.id, L.item_id, L.profile, L.carrier_id, L.pickup_point_id, L.notice_at, L.first_notice_until,
            L.collect_by, L.collect_by_at, L.repeat_notice_at, L.reminder_at, L.end_action, L.deemed_served_on,
            L.repeat_notice_done_at, Item.sender_id,
            Item.tracking_number, Item.verify_token, Item.language, Item.recipient_phone, Item.recipient_email,
            Item.recipient_name,
            Item.sender_reference, Item.address_line1, Item.address_line2, Item.postal_code, Item.city,
            Item.country, Sender.name.label("sender_name"), Sender.contact_email.label("sender_email"))


def lifecycle_rows(session: Session, lifecycle_ids: Sequence[int]) -> Sequence[sa.Row]:
    """The lifecycles with what their alerts need of the item and the sender, in one query."""
    L = ItemLifecycle
    return session.execute(
        sa.select(*lifecycle_columns())
        .join(Item, Item.id == L.item_id).join(Sender, Sender.id == Item.sender_id)
        .where(L.id.in_(lifecycle_ids)).order_by(L.id)
    ).all()


_E164 = re.compile(r"\+[1-9][0-9]{6,14}")


def message_row(*, channel: str, recipient: str, purpose: str, body: str, dedupe_key: str, now: datetime,
                item_id: int, language: str = "pl", subject: str | None = None, body_html: str | None = None,
                quiet_hours: str | None = None, time_zone: str | None = None, manage_url: str | None = None) -> dict:
    """An outbox row exactly as :func:`app.messaging.enqueue.enqueue_message` would write it.

    The same normalised address, unsubscribe footer (text and HTML), preferences link and
    List-Unsubscribe headers, without a query or an ORM object per message, so a sweep can
    write thousands in one statement. A test compares the two for every kind of message.
    """
    if not (channel == "sms" and _E164.fullmatch(recipient)):  # E.164 already: normalising changes nothing
        recipient = suppressions.normalise_address(channel, recipient)
    headers = None
    if channel == "email" and purpose not in enqueue.NO_UNSUBSCRIBE:
        body, body_html, headers = enqueue.with_unsubscribe_footer(language, recipient, body, body_html, manage_url)
    return {
        "item_id": item_id, "attempt_id": None, "channel": channel, "purpose": purpose, "recipient": recipient,
        "language": language, "subject": subject, "body": body, "body_html": body_html, "headers": headers,
        "dedupe_key": dedupe_key, "send_key": new_send_key(), "status": "queued", "tries": 0, "next_attempt_at": now,
        "quiet_hours": quiet_hours, "time_zone": time_zone, "created_at": now, "updated_at": now,
    }


class LifecycleOutbox:
    """Outbox rows for one batch, built by the messaging service's rules (see :func:`message_row`)."""

    def __init__(self):
        self.messages: list[dict] = []
        self.shapes = EmailShapes()
        self.sms_shapes = SmsShapes()

    def rows(self) -> list[dict]:
        return self.messages

    def _sms(self, **kwargs) -> None:
        self.messages.append(message_row(channel="sms", **kwargs))

    def _email(self, wording, alert: LifecycleAlert, *args: str, **kwargs) -> None:
        language, subject, text, html = self.shapes.email(wording, alert, *args)
        self.messages.append(message_row(channel="email", subject=subject, body=text, body_html=html,
                                         language=language, **kwargs))

    def to_recipients(self, lc, purpose: str, alert: LifecycleAlert, sms, email, now: datetime, subscribers) -> None:
        common = {"purpose": purpose, "now": now, "item_id": lc.item_id}
        if lc.recipient_phone:
            self._sms(recipient=lc.recipient_phone, body=self.sms_shapes.sms(sms, alert), language=lc.language,
                      dedupe_key=f"item:{lc.item_id}:{purpose}:sms", **common)
        if lc.recipient_email:
            self._email(email, alert, recipient=lc.recipient_email,
                        dedupe_key=f"item:{lc.item_id}:{purpose}:email", **common)
        for person in subscribers:  # people subscribed at the item's address, in their own language
            own = replace(alert, language=person.language,
                          addressee=lc.recipient_name if person.delegate else None)
            key = f"item:{lc.item_id}:{purpose}:{person.key}"
            if person.channel == "sms":
                quiet = f"{person.quiet_start}-{person.quiet_end}" if person.quiet_start and person.quiet_end else "off"
                self._sms(recipient=person.address, body=self.sms_shapes.sms(sms, own), language=person.language,
                          dedupe_key=key, quiet_hours=quiet, time_zone=person.timezone, **common)
            else:
                self._email(email, own, recipient=person.address, dedupe_key=key, manage_url=person.manage_url,
                            **common)

    def to_sender(self, lc, alert: LifecycleAlert, now: datetime, outcome: str | None = None,
                  admins: tuple[str, ...] = ()) -> None:
        """An e-mail to the sender's contact address, or to its ``admins`` where it gave none."""
        outcome = outcome or lc.end_action
        for address, who in sender_recipients(lc.sender_email, admins):
            self._email(outcome_email_content, alert, outcome, recipient=address,
                        purpose=f"sender_{outcome}", now=now, item_id=lc.item_id,
                        dedupe_key=f"item:{lc.item_id}:{outcome}:{who}")


def sender_recipients(contact: str | None, admins: tuple[str, ...]) -> list[tuple[str, str]]:
    """Where a sender is told, with a stable tag for dedupe keys: its contact address (a court's
    registry), or its active administrators where it gave none."""
    return [(contact, "sender_email")] if contact else [(address, f"sender_admin:{address}") for address in admins]


def sender_admin_emails(session: Session, sender_ids: set[int]) -> dict[int, tuple[str, ...]]:
    """The e-mail addresses of the senders' active administrators, for what they must not miss."""
    found: dict[int, tuple[str, ...]] = {}
    if not sender_ids:
        return found
    for sender_id, email in session.execute(
        sa.select(User.sender_id, User.email).where(User.sender_id.in_(sender_ids), User.role == "sender_admin",
                                                    User.disabled_at.is_(None)).order_by(User.id)
    ):
        found[sender_id] = (*found.get(sender_id, ()), email)
    return found


def subscribers_at_addresses(session: Session, rows: list, base_url: str, now: datetime,
                             secret: str) -> dict[int, list]:
    """Alert recipients subscribed at the items' addresses (one query to find the few that have any)."""
    if not rows:
        return {}
    by_address: dict[tuple, str] = {}  # items of a batch often share an address (a block of flats, an office)
    keys = {}
    for lc in rows:
        address = (lc.address_line1, lc.address_line2, lc.postal_code, lc.city, lc.country)
        key = by_address.get(address)
        if key is None:
            key = by_address[address] = claim_codes.address_key(*address)
        keys[lc.item_id] = key
    subscribed = set(session.scalars(sa.select(Subscriber.address_key).where(
        Subscriber.address_key.in_(set(keys.values())), Subscriber.status == "active")))
    found = {}
    for item_id, key in keys.items():
        if key in subscribed:
            found[item_id] = alert_recipients(session, session.get_one(Item, item_id), base_url=base_url, now=now,
                                               secret=secret)
    return found
