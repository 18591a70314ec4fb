"""All models, imported here so Alembic and the app see the whole schema."""
from app.models.carriers import Carrier, Device, PickupPoint
from app.models.items import Attempt, IdempotencyRecord, Item, ItemEvent
from app.models.organisations import ApiKey, Sender
from app.models.outbox import OutboxMessage
from app.models.evidence import LogEntry, LogNode, LogState, ProofVersion, SignedTreeHead, WitnessCosignature
from app.models.handheld import AttemptDeviceEvidence, DeviceEnrolment
from app.models.subscriptions import ClaimCode, Contact, RecipientEvent, Subscriber
from app.models.suppressions import Suppression
from app.models.accounts import Invitation, User
from app.models.webhooks import WebhookDelivery, WebhookEndpoint
from app.models.imports import ImportReport
from app.models.lifecycle import CarrierTask, ItemLifecycle
from app.models.checks import AddressPoint, AttemptCheck, ItemLocation, PaperNoticePrint

__all__ = [
    "ApiKey", "Attempt", "Carrier", "Device", "IdempotencyRecord", "Item", "ItemEvent",
    "OutboxMessage", "PickupPoint", "Sender",
]
from app.models.cases import Case, CaseEntry, CaseNumberCounter, CarrierStatement
