"""Sender callbacks: endpoints, and one outbox message per item event and subscribed endpoint.

Events are queued by :func:`on_item_event`, an item-event listener, in the transaction that
records the fact, so a callback exists exactly when the fact does. The outbox worker sends
them through :class:`app.messaging.providers.webhook.WebhookChannel` (signed, retried with backoff).
"""
from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, cast
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.orm import Session, scoped_session

from app.errors import FieldError, NotFound, ValidationFailed
from app.events import Event, add_listener
from app.evidence.log import current_tree_head
from app.extensions import db
from app.messaging.providers import register_channel
from app.messaging.providers.webhook import WebhookChannel
from app.models import Item, OutboxMessage, Sender, WebhookDelivery, WebhookEndpoint
from app.models.bulk import insert_rows, json_dumps
from app.models.types import iso
from notices.i18n import N_

# Public event types: "item." + the kind of the item event. Other kinds are delivered too
# (to endpoints subscribed to "*" or to that type); these are the ones documented today.
EVENT_TYPES = {
    "item.registered": N_("Przesyłka zarejestrowana"),
    "item.attempt_recorded": N_("Próba doręczenia zapisana"),
    "item.notification_status": N_("Zmiana statusu powiadomienia SMS/e-mail"),
    "item.lifecycle_started": N_("Awizo pozostawione: terminy odbioru ustalone"),
    "item.repeat_notice_due": N_("Termin powtórnego awizo"),
    "item.collection_reminder": N_("Przypomnienie o odbiorze wysłane"),
    "item.collected": N_("Przesyłka odebrana"),
    "item.deemed_served": N_("Doręczenie zastępcze (fikcja doręczenia)"),
    "item.returned_to_sender": N_("Zwrot do nadawcy"),
    "item.repeat_notice_left": N_("Powtórne awizo pozostawione"),
    "item.deemed_service_not_established": N_("Brak podstaw do doręczenia zastępczego: powtórne awizo nie zostało "
                                            "pozostawione w terminie"),
    "item.recipient_action": N_("Dyspozycja adresata (ponowne doręczenie, zmiana placówki, upoważnienie)"),
    "case.opened": N_("Reklamacja złożona"),
    "case.updated": N_("Zmiana w reklamacji"),
    "case.decided": N_("Reklamacja rozpatrzona"),
}
TEST_EVENT_TYPE = "webhook.test"
MAX_ENDPOINTS_PER_SENDER = 20


def event_type(kind: str) -> str:
    """``item.<kind>``; kinds that already name their family (``case.opened``) keep their name."""
    return kind if "." in kind else f"item.{kind}"


def _clean_url(url: str) -> str:
    if url is not None and not isinstance(url, str):
        raise ValidationFailed([FieldError("url", "must be an http(s) URL (a string)")])
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2000:
        raise ValidationFailed([FieldError("url", "must be an http(s) URL")])
    return url


def _clean_types(types) -> list[str]:
    if not types:
        return ["*"]
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        raise ValidationFailed([FieldError("event_types", "must be a list of event type names")])
    if len(types) > 50:  # as documented (maxItems), counted before duplicates are merged
        raise ValidationFailed([FieldError("event_types", "must list at most 50 event types")])
    types = sorted({t.strip() for t in types if t.strip()})
    unknown = [t for t in types if t != "*" and not t.startswith(("item.", "case."))]
    if unknown or len(types) > 50:
        raise ValidationFailed([FieldError("event_types", f"unknown event types: {', '.join(unknown)}; "
                                           "use '*' or names starting with 'item.'")])
    return ["*"] if "*" in types else types


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def create_endpoint(session: Session, sender_id: int, url: str, event_types=None,
                    description: str | None = None, now: datetime | None = None) -> WebhookEndpoint:
    count = session.scalar(sa.select(sa.func.count()).select_from(WebhookEndpoint).where(
        WebhookEndpoint.sender_id == sender_id, WebhookEndpoint.disabled_at.is_(None))) or 0
    if count >= MAX_ENDPOINTS_PER_SENDER:
        raise ValidationFailed([FieldError("url", f"at most {MAX_ENDPOINTS_PER_SENDER} endpoints per sender")])
    if description is not None and (not isinstance(description, str) or len(description) > 200):
        raise ValidationFailed([FieldError("description", "must be a string of at most 200 characters")])
    endpoint = WebhookEndpoint(sender_id=sender_id, url=_clean_url(url), secret=new_secret(),
                               event_types=_clean_types(event_types), description=description or None)
    if now:
        endpoint.created_at = now
    session.add(endpoint)
    _endpoints_changed(session, sender_id)
    session.commit()
    return endpoint


def endpoint_for_sender(session: Session, sender_id: int, endpoint_id: int) -> WebhookEndpoint:
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.sender_id != sender_id or endpoint.disabled_at is not None:
        raise NotFound(f"No webhook endpoint {endpoint_id} for this sender.")
    return endpoint


def update_endpoint(session: Session, endpoint: WebhookEndpoint, *, url=None, event_types=None,
                    rotate_secret: bool = False) -> WebhookEndpoint:
    if url is not None:
        endpoint.url = _clean_url(url)
    if event_types is not None:
        endpoint.event_types = _clean_types(event_types)
    if rotate_secret:
        endpoint.secret = new_secret()
    _endpoints_changed(session, endpoint.sender_id)
    session.commit()
    return endpoint


def delete_endpoint(session: Session, endpoint: WebhookEndpoint, now: datetime) -> None:
    """Disable the endpoint (its delivery log stays); queued events to it fail as 'gone'."""
    endpoint.disabled_at = now
    _endpoints_changed(session, endpoint.sender_id)
    session.commit()


def list_endpoints(session: Session, sender_id: int) -> list[WebhookEndpoint]:
    return list(session.scalars(sa.select(WebhookEndpoint).where(
        WebhookEndpoint.sender_id == sender_id, WebhookEndpoint.disabled_at.is_(None)).order_by(WebhookEndpoint.id)))


def _tree_head(session: Session, max_age_s: float) -> dict | None:
    """The transparency log's signed tree head, once per transaction (a bulk import has thousands
    of events: they share the head signed when the first of them was queued)."""
    real = session() if isinstance(session, scoped_session) else session
    transaction = real.get_transaction()
    cached = real.info.get("awizo.webhook_tree_head")
    if cached is None or cached[0] is not transaction:
        cached = (transaction, current_tree_head(real, max_age_s=max_age_s))
        real.info["awizo.webhook_tree_head"] = cached
    return cached[1]


def item_summary(item: Item, base_url: str) -> dict:
    return {
        "tracking_number": item.tracking_number,
        "service": item.service,
        "status": item.status,
        "sender_reference": item.sender_reference,
        "collect_by": iso(item.collect_by_at),
        "verify_url": f"{base_url}/v/{item.verify_token}",
    }


_OUTBOX = cast(sa.Table, OutboxMessage.__table__)
_DELIVERY = cast(sa.Table, WebhookDelivery.__table__)


_json = json_dumps(ensure_ascii=False, separators=(",", ":"), default=str)
_iso = lru_cache(maxsize=256)(iso)  # a batch's events share a few times


def _message_row(endpoint: WebhookEndpoint | _Endpoint, *, event_id: str, type_: str, created_at: datetime, data: dict,
                 now: datetime, tree_head_json: str | None = None) -> dict:
    """The outbox row of one callback. ``tree_head_json``: the JSON of ``data["tree_head"]``, which
    ``data`` then lacks (the head a batch's callbacks share is encoded once, not once each)."""
    # No item_id: a callback to the sender's own system is not part of the item's (public)
    # history; its log is the WebhookDelivery.
    payload = {"id": event_id, "type": type_, "created_at": _iso(created_at), "data": data}
    body = _json(payload)
    if tree_head_json is not None:  # the same text as with the head as data's last key: ...,"tree_head":{…}}}
        body = f'{body[:-2]},"tree_head":{tree_head_json}}}}}'
    return dict(
        item_id=None, attempt_id=None, subject=None, body_html=None,
        channel="webhook", purpose=type_[:40], recipient=endpoint.url, language="en",
        body=body,
        headers={"endpoint_id": endpoint.id, "event_id": event_id, "event_type": type_},
        dedupe_key=f"webhook:{endpoint.id}:{event_id}", status="queued", tries=0, next_attempt_at=now,
        created_at=now, updated_at=now,
    )


def _insert(session: Session, rows: list[dict]) -> None:
    """Write outbox messages and their delivery rows in two statements, however many there are.

    The messages' INSERT returns their ids, in the order of ``rows``.
    """
    if not rows:
        return
    connection = session.connection()
    ids = insert_rows(connection, _OUTBOX, rows, returning=["id"])
    insert_rows(connection, _DELIVERY, [
        dict(endpoint_id=row["headers"]["endpoint_id"], outbox_message_id=message_id,
             event_id=row["headers"]["event_id"], event_type=row["headers"]["event_type"], created_at=row["created_at"])
        for row, (message_id,) in zip(rows, ids, strict=True)])


@dataclass(frozen=True)
class _Endpoint:
    """What queueing a callback needs of an endpoint (its secret is read when it is sent)."""

    id: int
    url: str
    event_types: tuple[str, ...]

    def wants(self, kind: str) -> bool:
        return "*" in self.event_types or kind in self.event_types


# Per process: (database, sender id) -> (the sender's webhooks_version, its active endpoints).
# Every change to an endpoint gives the sender a new random version in its transaction, and the
# version arrives with the sender row a scan or an event already reads, so no process uses a
# stale list and none asks again. (Random rather than counted: a database emptied and refilled
# cannot bring back a version this process has seen. 0 means no endpoint ever existed.)
_ENDPOINTS: dict[tuple[str, int], tuple[int, tuple[_Endpoint, ...]]] = {}


def _endpoints_of(session: Session, sender: Sender) -> tuple[_Endpoint, ...]:
    version = sender.webhooks_version or 0
    key = (str(session.get_bind().engine.url), sender.id)
    cached = _ENDPOINTS.get(key)
    if cached is None or cached[0] != version:
        cached = (version, tuple(_Endpoint(e.id, e.url, tuple(e.event_types or ()))
                                 for e in list_endpoints(session, sender.id)))
        _ENDPOINTS[key] = cached
    return cached[1]


def _endpoints_changed(session: Session, sender_id: int) -> None:
    """Tell every process's cache (in the caller's transaction) that the sender's endpoints changed."""
    session.execute(sa.update(Sender).where(Sender.id == sender_id)
                    .values(webhooks_version=secrets.randbelow(2**31 - 2) + 1)
                    .execution_options(synchronize_session=False))


def _rows_for(session: Session, item: Item, event: Event, config: Mapping[str, Any],
              endpoints_of: Callable[[Item], tuple[_Endpoint, ...]] | None = None,
              tree_head_json: Callable[[], str | None] | None = None) -> list[dict]:
    if event.kind == "notification_status" and (event.data or {}).get("channel") == "webhook":
        return []  # a callback's own delivery is not an event of the item
    type_ = event_type(event.kind)
    sender_endpoints = endpoints_of(item) if endpoints_of else _endpoints_of(session, item.sender)
    endpoints = [e for e in sender_endpoints if e.wants(type_)]
    if not endpoints:
        return []
    data = {"item": item_summary(item, config["PUBLIC_BASE_URL"]), "event": {"kind": event.kind, "data": event.data}}
    if tree_head_json is not None:
        head_json = tree_head_json()
    else:
        head = _tree_head(session, config.get("TREE_HEAD_MAX_AGE_SECONDS", 300))
        head_json = None if head is None else _json(head)
    return [_message_row(endpoint, event_id=f"evt_{event.id}", type_=type_, created_at=event.occurred_at,
                         data=data, now=event.occurred_at, tree_head_json=head_json) for endpoint in endpoints]


def on_item_event(session: Session, item: Item, event: Event, config: Mapping[str, Any]) -> None:
    """Item-event listener: queue the event for each of the sender's subscribed endpoints.

    ``config`` is the app's configuration (``PUBLIC_BASE_URL``, ``TREE_HEAD_MAX_AGE_SECONDS``),
    handed over by :func:`init_app` and read as each event happens.
    """
    _insert(session, _rows_for(session, item, event, config))


def on_item_events(session: Session, pairs: list[tuple[Item, Event]], config: Mapping[str, Any]) -> None:
    """The same for a batch of events (bulk registration): a few statements for all of them.

    The endpoints of each sender and the tree head are looked up once for the whole batch."""
    by_sender: dict[int, tuple[_Endpoint, ...]] = {}
    head: list[str | None] = []

    def endpoints_of(item: Item) -> tuple[_Endpoint, ...]:
        found = by_sender.get(item.sender_id)
        if found is None:
            found = by_sender[item.sender_id] = _endpoints_of(session, item.sender)
        return found

    def tree_head_json() -> str | None:
        if not head:
            found = _tree_head(session, config.get("TREE_HEAD_MAX_AGE_SECONDS", 300))
            head.append(None if found is None else _json(found))
        return head[0]

    _insert(session, [row for item, event in pairs
                      for row in _rows_for(session, item, event, config, endpoints_of, tree_head_json)])



def send_test_event(session: Session, endpoint: WebhookEndpoint, now: datetime) -> str:
    """Queue a ``webhook.test`` event to one endpoint (whatever its subscriptions); returns its id."""
    event_id = f"evt_test_{uuid.uuid4().hex[:16]}"
    _insert(session, [_message_row(endpoint, event_id=event_id, type_=TEST_EVENT_TYPE, created_at=now,
                                   data={"message": "Test event from Awizo / Zdarzenie testowe z Awizo"}, now=now)])
    session.commit()
    return event_id


def deliveries(session: Session, sender_id: int, endpoint_id: int | None = None, *, limit: int = 50,
               offset: int = 0) -> tuple[list[WebhookDelivery], int]:
    """The delivery log of the sender's endpoints, newest first, with the total count."""
    query = sa.select(WebhookDelivery).join(WebhookEndpoint).where(WebhookEndpoint.sender_id == sender_id)
    if endpoint_id is not None:
        query = query.where(WebhookDelivery.endpoint_id == endpoint_id)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(WebhookDelivery.id.desc()).limit(limit).offset(offset)).all()
    return list(rows), total


def delivery_data(delivery: WebhookDelivery) -> dict:
    message = delivery.message
    return {
        "id": delivery.id,
        "endpoint_id": delivery.endpoint_id,
        "event_id": delivery.event_id,
        "event_type": delivery.event_type,
        "status": message.status,
        "tries": message.tries,
        "last_error": message.last_error,
        "response_code": message.error_code,
        "created_at": iso(delivery.created_at),
        "sent_at": iso(message.sent_at),
        "next_attempt_at": iso(message.next_attempt_at) if message.status == "queued" else None,
    }


def endpoint_data(endpoint: WebhookEndpoint, with_secret: bool = False) -> dict:
    data = {
        "id": endpoint.id,
        "url": endpoint.url,
        "event_types": endpoint.event_types,
        "description": endpoint.description,
        "created_at": iso(endpoint.created_at),
    }
    if with_secret:
        data["secret"] = endpoint.secret
    return data


def secret_for_message(message: OutboxMessage) -> str | None:
    """For the webhook channel: the current secret of the message's endpoint (None if gone)."""
    endpoint_id = (message.headers or {}).get("endpoint_id")
    endpoint = db.session.get(WebhookEndpoint, endpoint_id) if endpoint_id else None
    return endpoint.secret if endpoint is not None and endpoint.disabled_at is None else None


def init_app(app) -> None:
    """Listen to item events and register the webhook channel with the outbox."""
    config = app.config
    add_listener(app, lambda session, item, event: on_item_event(session, item, event, config),
                 lambda session, pairs: on_item_events(session, pairs, config))
    register_channel(app, WebhookChannel(
        secret_for_message, allow_private_networks=bool(app.config.get("WEBHOOK_ALLOW_PRIVATE_NETWORKS")),
        timeout_s=float(app.config.get("WEBHOOK_TIMEOUT_SECONDS") or 10)))
