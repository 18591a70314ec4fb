"""The component schemas of the sender and device API's OpenAPI document (see :mod:`app.senders.openapi`)."""
from __future__ import annotations

from app.senders.item_queries import STATUSES
from notices.outcomes import Outcome
from notices.profiles import PROFILES
from notices.vocabulary import ContactChannel, IdDocument, ImportStatus, Language, UpuEventCode

MAX_ID = 2_147_483_647  # ids are 32-bit in the database; larger ones cannot exist
S10 = r"^[A-Za-z]{2}\s?[0-9]{3}\s?[0-9]{3}\s?[0-9]{3}\s?[A-Za-z]{2}$"


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def obj(properties: dict, required: list[str] | None = None, extra: bool = True, **more) -> dict:
    schema = {"type": "object", "properties": properties, "required": required or [], **more}
    if not extra:
        schema["additionalProperties"] = False
    return schema


STR, INT, NUM, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"}
DATETIME = {"type": "string", "format": "date-time"}
DATE = {"type": "string", "format": "date"}

# What a sender may subscribe to: "*" or any type of the item or case families (see webhooks.EVENT_TYPES).
EVENT_TYPE_LIST = {"type": "array", "maxItems": 50, "description": "'*' (default) or event types like item.attempt_recorded",
                   "items": {"type": "string", "pattern": r"^\s*(\*|(item|case)\.[\s\S]*)?$"}}

SCHEMAS = {
    "Sender": obj({"name": STR, "contact_email": nullable({"type": "string", "format": "email"})},
                  ["name", "contact_email"]),
    "Problem": obj({
        "type": STR, "title": STR, "status": INT, "detail": STR, "instance": STR,
        "errors": {"type": "array", "items": obj({"field": STR, "message": STR}, ["field", "message"])},
    }, ["type", "title", "status", "detail"], description="RFC 9457 problem details; `errors` names each bad field."),
    "Address": obj({
        "line1": {"type": "string", "minLength": 1, "maxLength": 200}, "line2": nullable({"type": "string", "maxLength": 200}),
        "postal_code": {"type": "string", "minLength": 1, "maxLength": 20}, "city": {"type": "string", "minLength": 1, "maxLength": 100},
        "country": {"type": "string", "pattern": "^[A-Za-z]{2}$", "description": "ISO 3166-1 alpha-2"},
        "location": nullable(obj({"lat": {"type": "number", "minimum": -90, "maximum": 90},
                                  "lon": {"type": "number", "minimum": -180, "maximum": 180}}, ["lat", "lon"],
                                 description="The address point (WGS84); otherwise looked up in the operator's "
                                             "address-point register")),
    }, ["line1", "postal_code", "city", "country"]),
    "NewRecipient": obj({
        "name": {"type": "string", "minLength": 1, "maxLength": 200}, "address": ref("Address"),
        "phone": nullable({"type": "string", "maxLength": 30, "description": "E.164 or national number; SMS alerts"}),
        "email": nullable({"type": "string", "maxLength": 320, "format": "email", "description": "e-mail alerts"}),
        "language": nullable({"type": "string", "enum": [lang.value for lang in Language], "description": "alert language, default pl"}),
    }, ["name", "address"]),
    "NewItem": obj({
        "tracking_number": {"type": "string", "pattern": S10, "description": "UPU S10 number; the check digit is verified",
                            "examples": ["RR123456785PL"]},
        "service": {"type": "string", "enum": sorted(PROFILES)},
        "recipient": ref("NewRecipient"),
        "sender_reference": nullable({"type": "string", "maxLength": 100}),
        "content_sha256": nullable({"type": "string", "pattern": "^[0-9a-fA-F]{64}$",
                                    "description": "SHA-256 of the letter's content (hex): a commitment shown on the proof",
                                    "examples": ["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"]}),
    }, ["tracking_number", "service", "recipient"]),
    "Location": obj({"lat": NUM, "lon": NUM, "accuracy_m": nullable(NUM)}, ["lat", "lon"]),
    "PickupPoint": obj({"code": STR, "name": STR, "address": STR, "opening_hours": nullable(STR),
                        "opening_hours_en": nullable(STR),
                        "opening_hours_by_language": obj({"pl": nullable(STR), "en": nullable(STR), "uk": nullable(STR)},
                                                         description="the opening hours in words, per language")},
                       ["code", "name"]),
    "UpuEvent": obj({"code": {"type": "string", "enum": [c.value for c in UpuEventCode]}, "reason": nullable(STR), "action": nullable(STR)},
                    ["code"]),
    "Attempt": obj({
        "id": INT, "outcome": {"type": "string", "enum": [o.value for o in Outcome]}, "upu_event": ref("UpuEvent"),
        "occurred_at": DATETIME, "recorded_at": DATETIME, "location": nullable(ref("Location")),
        "carrier": obj({"id": INT, "name": STR}), "device": obj({"id": nullable(INT), "label": nullable(STR)}),
        "pickup_point": nullable(ref("PickupPoint")), "collect_by": nullable(DATETIME),
        "device_evidence": nullable({"type": "object"}),
        "checks": {"type": "array", "description": "checks raised on the attempt: code, a sentence, and figures "
                   "such as distance_m or speed_kmh", "items": obj({"code": STR, "text": STR}, ["code", "text"])},
        "distance_from_address": nullable(obj({"m": NUM, "text": STR}, ["m", "text"],
                                              description="how far from the address point the scan was, in words too")),
        "corrects_attempt_id": nullable({**INT, "description": "on a correction: the just-recorded attempt it "
                                         "corrects (which stays in the record)"}),
        "corrected_by": nullable({**INT, "description": "the attempt that corrected this one, if any"}),
        "correction_text": nullable(obj({"pl": STR, "en": STR, "uk": STR}, ["pl", "en"],
                                        description="the correction in words, attempts numbered from 1")),
        "repeat_notice": {"type": "boolean", "description": "this attempt left the repeat notice (its own time and place)"},
        "repeat_notice_late": {"type": "boolean", "description": "the repeat notice was left after its day"},
    }, ["id", "outcome", "upu_event", "occurred_at", "recorded_at"]),
    "Notification": obj({
        "id": INT, "channel": {"type": "string", "enum": [c.value for c in ContactChannel]}, "purpose": STR, "to": nullable(STR),
        "status": STR, "attempt_id": nullable(INT), "created_at": nullable(DATETIME), "sent_at": nullable(DATETIME),
        "updated_at": nullable(DATETIME), "provider": nullable(STR), "provider_message_id": nullable(STR),
        "tries": nullable(INT), "last_error": nullable(STR), "error_code": nullable(STR),
        "possibly_sent_twice": {"type": "boolean", "description": "sent again after a worker stopped mid-send"},
        "held_until": nullable({**DATETIME, "description": "a queued SMS that the recipient's quiet hours hold: "
                                "when it goes out (null when nothing holds it)"}),
        "held_text": nullable(obj({"pl": STR, "en": STR, "uk": STR}, ["pl", "en"], description="the same in words, operator's "
                                  "time: \"held until 08:00 (quiet hours)\"")),
    }, ["id", "channel", "status"]),
    "ItemEvent": obj({"kind": STR, "occurred_at": DATETIME, "data": nullable({"type": "object"})}, ["kind", "occurred_at"]),
    "Item": obj({
        "tracking_number": STR, "service": STR, "service_name": nullable(obj({"pl": STR, "en": STR, "uk": STR})),
        "status": {"type": "string", "enum": list(STATUSES)}, "sender": obj({"name": STR}, ["name"]),
        "sender_reference": nullable(STR),
        "content_sha256": nullable({"type": "string", "description": "the sender's commitment to the letter's content"}),
        "recipient": obj({"name": STR, "address": obj({}), "phone": nullable(STR), "email": nullable(STR),
                          "language": nullable(STR)}, ["name", "address"]),
        "registered_at": DATETIME, "collect_by": nullable(DATETIME), "verify_url": {"type": "string", "format": "uri"},
        "cases": {"type": "array", "description": "complaints about this item (see case.* webhook events)",
                  "items": obj({"case_number": STR, "status": STR, "kind": STR, "decision": nullable(STR),
                                "due_at": DATETIME}, ["case_number", "status"])},
        "notice_finding": nullable(obj({"case_number": STR, "decision": STR, "decided_at": DATETIME,
                                        "text": obj({"pl": STR, "en": STR, "uk": STR})}, ["case_number"],
                                       description="an upheld complaint found the notice was not left: "
                                                   "the deemed-service date is contested")),
        "deadlines": nullable({"type": "object", "description": "collection and deemed-service dates once a notice was left"}),
        "attempts": {"type": "array", "items": ref("Attempt")},
        "notifications": {"type": "array", "items": ref("Notification")},
        "events": {"type": "array", "items": ref("ItemEvent")},
    }, ["tracking_number", "service", "status", "recipient", "registered_at", "verify_url", "attempts",
        "notifications", "events"], description="The whole record of an item: attempts, alerts and their statuses, events."),
    "ItemSummary": obj({
        "tracking_number": STR, "service": STR, "status": STR, "sender_reference": nullable(STR),
        "recipient": obj({"name": STR, "city": STR, "country": STR}, ["name", "city", "country"]),
        "registered_at": DATETIME, "collect_by": nullable(DATETIME), "alerts_failed": BOOL,
        "verify_url": {"type": "string", "format": "uri"},
    }, ["tracking_number", "service", "status", "recipient", "registered_at", "alerts_failed", "verify_url"], extra=False),
    "ItemPage": obj({
        "items": {"type": "array", "items": ref("ItemSummary")}, "page": INT, "per_page": INT, "total": INT,
        "next": nullable(STR), "prev": nullable(STR),
    }, ["items", "page", "per_page", "total", "next", "prev"], extra=False),
    "BulkRequest": obj({"items": {"type": "array", "minItems": 1, "maxItems": 10_000, "items": ref("NewItem")}}, ["items"]),
    "BulkResult": obj({
        "import_id": INT, "status": {"const": "imported"}, "registered": INT,
        "tracking_numbers": {"type": "array", "items": STR},
    }, ["import_id", "status", "registered", "tracking_numbers"], extra=False),
    "ImportReport": obj({
        "id": INT, "source": {"type": "string", "enum": ["csv", "api"]}, "filename": nullable(STR),
        "status": {"type": "string", "enum": [s.value for s in ImportStatus]}, "total_rows": INT, "rejected_rows": INT,
        "errors": {"type": "array", "items": obj({"row": INT, "field": STR, "message": STR}, ["row", "field", "message"])},
        "created_at": DATETIME,
    }, ["id", "source", "status", "total_rows", "rejected_rows", "errors", "created_at"], extra=False),
    "Scan": obj({
        "tracking_number": {"type": "string", "pattern": S10},
        "outcome": {"type": "string", "enum": [o.value for o in Outcome]},
        "occurred_at": {"type": "string", "format": "date-time", "description": "device time, with a time zone"},
        "location": nullable(obj({"lat": {"type": "number", "minimum": -90, "maximum": 90},
                                  "lon": {"type": "number", "minimum": -180, "maximum": 180},
                                  "accuracy_m": {"type": "number", "minimum": 0}}, ["lat", "lon", "accuracy_m"])),
        "no_fix": {"type": "boolean", "description": "true (with location null) when the device had no position "
                   "fix: recorded and flagged as such"},
        "pickup_point": nullable({"type": "string", "maxLength": 40}),
        "sequence": {"type": "integer", "minimum": 1, "description": "enrolled handhelds: the device's scan counter, "
                     "only ever increasing; gaps, reordering and repeats are flagged on the attempt"},
        "signature": {"type": "string", "description": "enrolled handhelds: ECDSA P-256/SHA-256 signature (raw r||s, "
                      "base64url) over the canonical scan encoding 'awizo-scan-v1' (notices/scan_signature.py); "
                      "a scan that does not verify is refused with 422"},
        "sent_at": {"type": "string", "format": "date-time", "description": "enrolled handhelds: device clock when "
                    "sending; a disagreement with the server clock beyond a tolerance is flagged"},
    }, ["tracking_number", "outcome", "occurred_at", "location"]),
    "ScanCorrection": obj({
        "outcome": {"type": "string", "enum": [o.value for o in Outcome], "description": "the right outcome"},
        "pickup_point": nullable({"type": "string", "minLength": 1, "maxLength": 40}),
    }, ["outcome"]),
    "ScanResult": {"allOf": [ref("Attempt"), obj({"tracking_number": STR, "item_status": STR, "verify_url": STR},
                                                 ["tracking_number", "item_status", "verify_url"])]},
    "WebhookEndpoint": obj({
        "id": INT, "url": {"type": "string", "format": "uri"}, "event_types": {"type": "array", "items": STR},
        "description": nullable(STR), "created_at": DATETIME,
        "secret": {"type": "string", "description": "HMAC-SHA256 signing secret (whsec_…)"},
    }, ["id", "url", "event_types", "created_at"], extra=False),
    "NewWebhookEndpoint": obj({
        "url": {"type": "string", "format": "uri", "maxLength": 2000},
        "event_types": EVENT_TYPE_LIST,
        "description": nullable({"type": "string", "maxLength": 200}),
    }, ["url"]),
    "WebhookUpdate": obj({
        "url": {"type": "string", "format": "uri", "maxLength": 2000}, "event_types": EVENT_TYPE_LIST,
        "rotate_secret": BOOL,
    }),
    "WebhookDelivery": obj({
        "id": INT, "endpoint_id": INT, "event_id": STR, "event_type": STR,
        "status": {"type": "string", "enum": ["queued", "sending", "sent", "failed", "cancelled"]},
        "tries": INT, "last_error": nullable(STR), "response_code": nullable(STR), "created_at": DATETIME,
        "sent_at": nullable(DATETIME), "next_attempt_at": nullable(DATETIME),
    }, ["id", "endpoint_id", "event_id", "event_type", "status", "tries", "created_at"], extra=False),
    "WebhookEvent": obj({
        "id": STR, "type": STR, "created_at": DATETIME,
        "data": obj({"item": {"type": "object"}, "event": {"type": "object"},
                     "tree_head": {"type": "object", "description": "signed tree head of the transparency log"}}),
    }, ["id", "type", "created_at", "data"],
        description="Body of a callback POSTed to an endpoint. Headers: Awizo-Event-Id, Awizo-Event-Type, Awizo-Timestamp, "
                    "Awizo-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, '<t>.<raw body>')>. Refuse timestamps older "
                    "than 5 minutes; drop duplicates by Awizo-Event-Id; answer 2xx (410 stops retries)."),
    "ApiKey": obj({
        "id": INT, "name": STR, "prefix": STR, "created_at": DATETIME, "last_used_at": nullable(DATETIME),
        "revoked_at": nullable(DATETIME), "key": {"type": "string", "description": "only in the answer to POST: shown once"},
    }, ["id", "name", "prefix", "created_at", "last_used_at", "revoked_at"], extra=False),
    "TreeHead": obj({"origin": STR, "tree_size": INT, "root_hash": STR, "timestamp": DATETIME, "timestamp_ms": INT,
                     "note": STR}, ["tree_size", "root_hash"]),
    "ProofVerdict": obj({
        "verdict": {"type": "string", "enum": ["authentic_current", "authentic_superseded", "authentic_contradicted",
                                               "authentic_unknown", "altered", "unknown"]},
        "document": {"type": "string", "enum": ["authentic", "altered", "unknown"]},
        "record": {"type": "string", "enum": ["current", "superseded", "contradicted", "unknown"]},
        "tracking_number": nullable(STR), "version": nullable(INT), "problems": {"type": "array", "items": STR},
    }, ["verdict"]),
    "CollectionInput": obj({
        "collected_at": DATETIME,
        "collected_by": {"type": "string", "minLength": 1, "maxLength": 200, "description": "name of the person who collected"},
        "id_type": {"type": "string", "enum": [d.value for d in IdDocument], "description": "the identity document shown"},
        "id_last_digits": {"type": "string", "pattern": "^[0-9A-Za-z]{3,4}$",
                           "description": "last 3 or 4 characters of the document number"},
    }, ["collected_by", "id_type", "id_last_digits"]),
    "Collection": obj({"tracking_number": STR, "status": STR, "deadlines": nullable({"type": "object"})},
                      ["tracking_number", "status"]),
}
