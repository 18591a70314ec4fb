"""Telling people about a case, always through the outbox and in the transaction of the change.

- The recipient: through the contact they gave, once it is confirmed (before that only the
  confirmation message, which already carries the case number, goes to it).
- The sender: an item event ``case.opened`` / ``case.updated`` / ``case.decided`` (which the
  transparency log records and the sender's webhooks receive, signed), and an e-mail to the
  sender's administrators.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.cases.context import CaseSettings
from app.cases.links import case_url, portal_url
from app.events import record_event
from app.lifecycle.alerts import sender_admin_emails, sender_recipients
from app.messaging.email import enqueue_email
from app.messaging.enqueue import enqueue_message
from app.models import Item, Sender
from app.models.cases import Case, CaseEntry
from app.models.types import iso
from notices import case_messages
from notices.cases import NOTICE_KINDS

EVENT_OF = {"opened": "case.opened", "updated": "case.updated", "decided": "case.decided"}


def add_entry(session: Session, case: Case, kind: str, now: datetime, *, actor: str, body: str | None = None,
              data: dict | None = None, visible: bool = True, author_id: int | None = None) -> CaseEntry:
    entry = CaseEntry(case_id=case.id, kind=kind, actor=actor, visible=visible, body=body, data=data,
                      author_id=author_id, occurred_at=now)
    session.add(entry)
    session.flush()
    return entry


def event_data(case: Case) -> dict:
    """What the item's history, the log and the sender's webhook say about a case (no personal data)."""
    data = {"case_number": case.number, "kind": case.kind, "status": case.status,
            "attempt_id": case.attempt_id, "due_at": iso(case.due_at)}
    if case.decision:
        data.update(decision=case.decision, reason=case.decision_reason,
                    notice_found_not_left=notice_found_not_left(case))
    return data


def notice_found_not_left(case: Case) -> bool:
    return case.decision in ("upheld", "partly_upheld") and case.kind in NOTICE_KINDS


def tell_recipient(session: Session, case: Case, entry: CaseEntry, settings: CaseSettings, now: datetime, *,
                   note: str | None = None) -> None:
    if case.contact_confirmed_at is None:
        return
    url = case_url(settings.base_url, settings.secret, case)
    key = f"case:{case.id}:entry:{entry.id}:{case.contact_channel}"
    due = None if case.decision else case.due_at
    if case.contact_channel == "sms":
        body = case_messages.status_sms(case.language, case.number, case.status, url, due, settings.tz,
                                        decision=case.decision)
        enqueue_message(session, channel="sms", recipient=case.contact_address, purpose="case_update", body=body,
                        dedupe_key=key, now=now, language=case.language)
    else:
        content = case_messages.status_email(case.language, case.number, case.status, url, due, settings.tz,
                                             note=note, decision=case.decision, reason=case.decision_reason)
        enqueue_email(session, content, recipient=case.contact_address, purpose="case_update", dedupe_key=key,
                      now=now)


def tell_sender(session: Session, case: Case, event: str, entry: CaseEntry, settings: CaseSettings,
                now: datetime) -> None:
    item = session.get_one(Item, case.item_id)
    record_event(session, item, EVENT_OF[event], now, event_data(case))
    sender = session.get_one(Sender, item.sender_id)
    admins = sender_admin_emails(session, {sender.id}).get(sender.id, ())
    for address, who in sender_recipients(sender.contact_email, admins):
        content = case_messages.sender_email(case.number, event, item.tracking_number, case.kind, case.status,
                                             portal_url(settings.base_url, item.tracking_number),
                                             decision=case.decision, reason=case.decision_reason)
        enqueue_email(session, content, recipient=address, purpose=f"case_{event}",
                      dedupe_key=f"case:{case.id}:entry:{entry.id}:{who}", now=now)


def status_changed(session: Session, case: Case, status: str, now: datetime, settings: CaseSettings, *,
                   actor: str, body: str | None = None, data: dict | None = None,
                   author_id: int | None = None) -> CaseEntry:
    """Move the case to ``status``, write it into the history and tell both sides."""
    previous = case.status
    case.status, case.updated_at = status, now
    entry = add_entry(session, case, "status", now, actor=actor, body=body, author_id=author_id,
                      data={"from": previous, "to": status, **(data or {})})
    tell_recipient(session, case, entry, settings, now, note=body)
    tell_sender(session, case, "decided" if status == "decided" else "updated", entry, settings, now)
    return entry
