"""All models, imported here so Alembic and the app see the whole schema."""
from app.models.accounts import Invitation, User
from app.models.carriers import Carrier, Device, PickupPoint, RegisterVersion
from app.models.cases import CarrierStatement, Case, CaseEntry, CaseNumberCounter
from app.models.checks import AddressPoint, AttemptCheck, ItemLocation, PaperNoticePrint
from app.models.evidence import LogEntry, LogNode, LogState, ProofVersion, SignedTreeHead, WitnessCosignature
from app.models.handheld import AttemptDeviceEvidence, DeviceEnrolment
from app.models.imports import ImportReport
from app.models.items import Attempt, IdempotencyRecord, Item, ItemEvent
from app.models.lifecycle import CarrierTask, ItemLifecycle
from app.models.organisations import ApiKey, Sender
from app.models.outbox import OutboxMessage
from app.models.recipient_actions import RecipientAction
from app.models.subscriptions import ClaimCode, Contact, RecipientEvent, Subscriber
from app.models.suppressions import Suppression
from app.models.webhooks import WebhookDelivery, WebhookEndpoint

__all__ = [
    "AddressPoint", "ApiKey", "Attempt", "AttemptCheck", "AttemptDeviceEvidence", "Carrier",
    "CarrierStatement", "CarrierTask", "Case", "CaseEntry", "CaseNumberCounter", "ClaimCode", "Contact",
    "Device", "DeviceEnrolment", "IdempotencyRecord", "ImportReport", "Invitation", "Item", "ItemEvent",
    "ItemLifecycle", "ItemLocation", "LogEntry", "LogNode", "LogState", "OutboxMessage", "PaperNoticePrint",
    "PickupPoint", "ProofVersion", "RecipientAction", "RecipientEvent", "RegisterVersion", "Sender", "SignedTreeHead", "Subscriber", "Suppression",
    "User", "WebhookDelivery", "WebhookEndpoint", "WitnessCosignature",
]
