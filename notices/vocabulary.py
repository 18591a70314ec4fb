"""Every status and kind Awizo stores, as enums: one place to read what a value may be.

The database's CHECK constraints are generated from these (``app.models.types.check_in``),
the API's OpenAPI document lists them, and the wording (``notices.proof``, the portal) labels
exactly these values. The module is in the framework-free core because the wording is too.
"""
from __future__ import annotations

from enum import StrEnum

from notices.outcomes import Outcome


class ItemStatus(StrEnum):
    """Where an item stands, as the sender and the recipient see it."""

    REGISTERED = "registered"
    AWAITING_COLLECTION = "awaiting_collection"
    DELIVERED = "delivered"
    COLLECTED = "collected"
    REFUSED = "refused"
    UNDELIVERABLE = "undeliverable"
    RETURNED = "returned"
    DEEMED_SERVED = "deemed_served"
    DEEMED_SERVICE_NOT_ESTABLISHED = "deemed_service_not_established"
    """Not collected, and deemed service cannot be claimed: the repeat notice is missing or late."""


FINAL_ITEM_STATUSES = frozenset({ItemStatus.DELIVERED, ItemStatus.REFUSED, ItemStatus.UNDELIVERABLE,
                                 ItemStatus.COLLECTED, ItemStatus.RETURNED, ItemStatus.DEEMED_SERVED,
                                 ItemStatus.DEEMED_SERVICE_NOT_ESTABLISHED})


class UpuEventCode(StrEnum):
    """UPU EMSEVT events an attempt maps to."""

    DELIVERED = "EMI"
    ATTEMPT_FAILED = "EMH"


class MessageChannel(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    WEBHOOK = "webhook"


class ContactChannel(StrEnum):
    """The channels a person can be reached on (and can stop)."""

    SMS = "sms"
    EMAIL = "email"


class MessageStatus(StrEnum):
    """An outbox message, from queued to the provider's last word."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    CANCELLED = "cancelled"


class SuppressionReason(StrEnum):
    STOP = "stop"
    UNSUBSCRIBE = "unsubscribe"
    PERMANENT_ERROR = "permanent_error"
    BOUNCE = "bounce"
    REQUEST = "request"


class LifecycleAction(StrEnum):
    REPEAT_NOTICE = "repeat_notice"
    REMINDER = "reminder"
    END = "end"


class LifecycleStage(StrEnum):
    """An item's place in the notice cycle: waiting for the next action, or finished."""

    AWAITING_REPEAT_NOTICE = "awaiting_repeat_notice"
    AWAITING_REMINDER = "awaiting_reminder"
    AWAITING_END = "awaiting_end"
    DEEMED_SERVED = "deemed_served"
    RETURNED = "returned"
    COLLECTED = "collected"
    STOPPED = "stopped"


class EndAction(StrEnum):
    DEEMED_SERVED = "deemed_served"
    RETURNED = "returned"


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class Role(StrEnum):
    STAFF = "staff"
    SENDER_ADMIN = "sender_admin"
    SENDER_CLERK = "sender_clerk"


SENDER_ROLES = (Role.SENDER_ADMIN.value, Role.SENDER_CLERK.value)


class SubscriberStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    DELETED = "deleted"


class DelegateRole(StrEnum):
    FAMILY = "family"
    ATTORNEY = "attorney"
    OTHER = "other"


class ClaimCodeKind(StrEnum):
    NOTICE = "notice"
    LETTER = "letter"


class ImportStatus(StrEnum):
    IMPORTED = "imported"
    REJECTED = "rejected"


class ProofVariant(StrEnum):
    SENDER = "sender"
    PUBLIC = "public"


class Language(StrEnum):
    POLISH = "pl"
    ENGLISH = "en"
    UKRAINIAN = "uk"


class IdDocument(StrEnum):
    """The identity document shown at the counter when an item is collected."""

    ID_CARD = "id_card"
    PASSPORT = "passport"
    RESIDENCE_CARD = "residence_card"
    DRIVING_LICENCE = "driving_licence"
    MOBILE_ID = "mobile_id"
    OTHER = "other"


class CollectionScope(StrEnum):
    """Who may record a collection: devices of the item's pickup point, or staff only."""

    PICKUP_POINT = "pickup_point"
    STAFF_ONLY = "staff_only"


class DeviceScope(StrEnum):
    """What happens to a scan by a device outside its carrier's scope: flagged, or refused."""

    FLAG = "flag"
    REFUSE = "refuse"


__all__ = [
    "FINAL_ITEM_STATUSES", "SENDER_ROLES", "ClaimCodeKind", "ContactChannel", "DelegateRole", "EndAction",
    "ImportStatus", "ItemStatus", "Language", "LifecycleAction", "LifecycleStage", "MessageChannel",
    "MessageStatus", "Outcome", "ProofVariant", "Role", "SubscriberStatus", "SuppressionReason", "TaskStatus",
    "UpuEventCode",
]
