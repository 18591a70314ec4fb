"""The sender API's own models: lists, bulk registration, webhooks, API keys, the organisation.

Requests are validated with them (``app.web.apidoc.validate``); answers and query parameters
are described by them in the OpenAPI document.
"""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.delivery.api_records import Closed
from app.delivery.schemas import NewItem
from app.senders.item_queries import MAX_PER_PAGE, STATUSES
from app.web.api_types import DateTime, Email, Omit, Uri, one_of, text, whole
from app.web.apidoc import RequestModel
from notices.vocabulary import ImportStatus

MAX_BULK_ITEMS = 10_000


# -- query parameters (documented; read by app.senders.item_queries) --------------------------

class Page(BaseModel):
    page: whole(1, 1_000_000) | Omit = Field(None, description="page number, from 1")
    per_page: whole(1, MAX_PER_PAGE) | Omit = Field(None, description="items per page (default 50)")


class ItemFilters(BaseModel):
    q: Annotated[str, Field(max_length=100)] | Omit = Field(None, description="search: tracking number (exact), reference or "
                                                             "recipient (contains)")
    status: list[one_of(STATUSES)] | Omit = Field(None, description="one or more statuses")
    registered_from: date | Omit = Field(None, description="registered on or after (UTC date)")
    registered_to: date | Omit = Field(None, description="registered on or before (UTC date)")
    deadline_within_days: whole(0, 365) | Omit = Field(None, description="collection deadline between now and "
                                                                             "now + N days")
    alerts_failed: bool | Omit = Field(None, description="only items with a failed or undelivered SMS/e-mail alert")


class ItemListQuery(ItemFilters, Page):
    pass


# -- items ------------------------------------------------------------------------------------

class SummaryRecipient(BaseModel):
    name: str
    city: str
    country: str


class ItemSummary(Closed):
    tracking_number: str
    service: str
    status: str
    sender_reference: str | None = None
    recipient: SummaryRecipient
    registered_at: DateTime
    collect_by: DateTime | None = None
    alerts_failed: bool
    verify_url: Uri


class ItemPage(Closed):
    items: list[ItemSummary]
    page: int
    per_page: int
    total: int
    next: str | None
    prev: str | None


class BulkRequest(BaseModel):
    items: list[NewItem] = Field(min_length=1, max_length=MAX_BULK_ITEMS)


class BulkResult(Closed):
    import_id: int
    status: Literal["imported"]
    registered: int
    tracking_numbers: list[str]


class RowProblem(BaseModel):
    row: int
    field: str
    message: str


class ImportReport(Closed):
    id: int
    source: Literal["csv", "api"]
    filename: str | None = None
    status: one_of(s.value for s in ImportStatus)
    total_rows: int
    rejected_rows: int
    errors: list[RowProblem]
    created_at: DateTime


# -- webhooks ---------------------------------------------------------------------------------

EventTypes = Annotated[list[Annotated[str, Field(pattern=r"^\s*(\*|(item|case)\.[\s\S]*)?$")]], Field(
    max_length=50, description="'*' (default) or event types like item.attempt_recorded")]


class WebhookEndpoint(Closed):
    id: int
    url: Uri
    event_types: list[str]
    description: str | None = None
    created_at: DateTime
    secret: str | Omit = Field(None, description="HMAC-SHA256 signing secret (whsec_…)")


class NewWebhookEndpoint(RequestModel):
    url: Annotated[str, Field(max_length=2000, json_schema_extra={"format": "uri"})]
    event_types: EventTypes = None  # type: ignore[assignment]  # absent: every event; never null
    description: Annotated[str, Field(max_length=200)] | None = None


class WebhookUpdate(RequestModel):
    """Absent fields stay as they are; none of them may be null."""

    url: Annotated[str, Field(max_length=2000, json_schema_extra={"format": "uri"})] = None  # type: ignore[assignment]
    event_types: EventTypes = None  # type: ignore[assignment]
    rotate_secret: bool = False


class WebhookList(BaseModel):
    webhooks: list[WebhookEndpoint]
    event_types: list[str]
    event_type_descriptions: dict[str, str] = Field(
        description="Each event type described for people, in the language asked for with Accept-Language")


class WebhookDelivery(Closed):
    id: int
    endpoint_id: int
    event_id: str
    event_type: str
    status: Literal["queued", "sending", "sent", "failed", "cancelled"]
    tries: int
    last_error: str | None = None
    response_code: str | None = None
    created_at: DateTime
    sent_at: DateTime | None = None
    next_attempt_at: DateTime | None = None


class DeliveryPage(Closed):
    deliveries: list[WebhookDelivery]
    page: int
    per_page: int
    total: int


class Queued(BaseModel):
    event_id: str
    status: str


class WebhookEventData(BaseModel):
    item: dict[str, Any] | Omit = None
    event: dict[str, Any] | Omit = None
    tree_head: dict[str, Any] | Omit = Field(None, description="signed tree head of the transparency log")


class WebhookEvent(BaseModel):
    """Body of a callback POSTed to an endpoint. Headers: Awizo-Event-Id, Awizo-Event-Type, Awizo-Timestamp,
    Awizo-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, '<t>.<raw body>')>. Refuse timestamps older than
    5 minutes; drop duplicates by Awizo-Event-Id; answer 2xx (410 stops retries)."""

    id: str
    type: str
    created_at: DateTime
    data: WebhookEventData


# -- API keys and the organisation ------------------------------------------------------------

class ApiKey(Closed):
    id: int
    name: str
    prefix: str
    created_at: DateTime
    last_used_at: DateTime | None
    revoked_at: DateTime | None
    key: str | Omit = Field(None, description="only in the answer to POST: shown once")


class ApiKeyList(BaseModel):
    api_keys: list[ApiKey]


class NewApiKey(RequestModel):
    name: text(100)


class Sender(BaseModel):
    name: str
    contact_email: Email | None


class SenderUpdate(RequestModel):
    """Checked and normalised by app.senders.organisation.normalise_contact_email."""

    model_config = ConfigDict(extra="forbid")
    contact_email: Annotated[str, Field(max_length=320, json_schema_extra={"format": "email"})] | None
