"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json.

It is checked against the server in tests (every route is documented; responses are
validated; schemathesis fuzzes the API from it), so an endpoint added without documenting
it fails the suite.
"""
from __future__ import annotations

from functools import cache

from flask import current_app

from app.senders.imports import COLUMNS
from app.senders.item_queries import MAX_PER_PAGE, STATUSES
from app.senders.openapi_schemas import DATETIME, INT, MAX_ID, SCHEMAS, STR, nullable, obj, ref
from app.web.problems import api_blueprint
from notices.i18n import translations

bp = api_blueprint("openapi", __name__)

PROBLEM = {"application/problem+json": {"schema": ref("Problem")}}


def problems(*codes: int) -> dict:
    text = {400: "Bad request (e.g. the body is not JSON)", 401: "Missing, unknown or revoked token",
            403: "Wrong kind of token for this endpoint", 404: "Not found (or not yours)",
            409: "Conflict", 413: "Too large", 422: "Invalid data; `errors` names each field",
            429: "Rate limit of this API key exceeded (see Retry-After)"}
    return {str(c): {"description": text[c], "content": PROBLEM} for c in codes}


def json_ok(schema: dict, description: str = "OK", code: int = 200, headers: dict | None = None) -> dict:
    response = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return {str(code): response}


def body(schema: dict, required: bool = True) -> dict:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


TOKEN_ONLY_HEADERS = {"Warning": {"description": "Sent to token-only (not enrolled) devices: a development convenience.",
                                  "schema": {"type": "string"}}}
SENDER: list[dict[str, list[str]]] = [{"senderKey": []}]
DEVICE: list[dict[str, list[str]]] = [{"deviceToken": []}]
NUMBER = {"name": "tracking_number", "in": "path", "required": True, "schema": {"type": "string"},
          "description": "UPU S10 item number"}
ENDPOINT_ID = {"name": "endpoint_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID}}


def query(name: str, schema: dict, description: str = "", **more) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description, **more}


PAGE = [query("page", {"type": "integer", "minimum": 1, "maximum": 1_000_000}, "page number, from 1"),
        query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}, "items per page (default 50)")]
ITEM_FILTERS = [
    query("q", {"type": "string", "maxLength": 100}, "search: tracking number (exact), reference or recipient (contains)"),
    query("status", {"type": "array", "items": {"type": "string", "enum": list(STATUSES)}},
          "one or more statuses", style="form", explode=True),
    query("registered_from", {"type": "string", "format": "date"}, "registered on or after (UTC date)"),
    query("registered_to", {"type": "string", "format": "date"}, "registered on or before (UTC date)"),
    query("deadline_within_days", {"type": "integer", "minimum": 0, "maximum": 365},
          "collection deadline between now and now + N days"),
    query("alerts_failed", {"type": "boolean"}, "only items with a failed or undelivered SMS/e-mail alert"),
]
PDF = {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}
SENDER_ERRORS = (401, 403, 429)


def paths() -> dict:
    return {
        "/items": {
            "post": {"operationId": "registerItem", "tags": ["Items"], "summary": "Register an item",
                     "security": SENDER, "requestBody": body(ref("NewItem")),
                     "responses": {**json_ok(ref("Item"), "Registered", 201, {"Location": {"schema": STR}}),
                                   **problems(400, 409, 422, *SENDER_ERRORS)}},
            "get": {"operationId": "listItems", "tags": ["Items"], "summary": "List, search and filter your items",
                    "security": SENDER, "parameters": ITEM_FILTERS + PAGE,
                    "responses": {**json_ok(ref("ItemPage")), **problems(422, *SENDER_ERRORS)}},
        },
        "/items/bulk": {
            "post": {"operationId": "registerItemsBulk", "tags": ["Items"],
                     "summary": "Register many items at once: all of them, or none",
                     "description": "Every item is validated like POST /items. If any is invalid or already registered, "
                                    "nothing is registered and the 422 answer lists `items[i].field` for each problem.",
                     "security": SENDER, "requestBody": body(ref("BulkRequest")),
                     "responses": {**json_ok(ref("BulkResult"), "All registered", 201, {"Location": {"schema": STR}}),
                                   **problems(400, 413, 422, *SENDER_ERRORS)}},
        },
        "/imports/{import_id}": {
            "get": {"operationId": "getImport", "tags": ["Items"], "summary": "The report of a bulk import (API or CSV)",
                    "security": SENDER, "parameters": [{"name": "import_id", "in": "path", "required": True,
                                                        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID}}],
                    "responses": {**json_ok(ref("ImportReport")), **problems(404, *SENDER_ERRORS)}},
        },
        "/items/{tracking_number}": {
            "get": {"operationId": "getItem", "tags": ["Items"], "summary": "An item's record and timeline",
                    "security": SENDER, "parameters": [NUMBER],
                    "responses": {**json_ok(ref("Item")), **problems(404, *SENDER_ERRORS)}},
        },
        "/items/{tracking_number}/proof.pdf": {
            "get": {"operationId": "getProof", "tags": ["Proofs"], "summary": "The proof record as PDF",
                    "security": SENDER, "parameters": [NUMBER],
                    "responses": {"200": {"description": "PDF", "content": PDF}, **problems(404, *SENDER_ERRORS)}},
        },
        "/items/{tracking_number}/proofs": {
            "get": {"operationId": "listProofVersions", "tags": ["Proofs"], "summary": "Proof versions issued for an item",
                    "security": SENDER, "parameters": [NUMBER],
                    "responses": {**json_ok(obj({"tracking_number": STR, "versions": {"type": "array", "items": obj({
                        "version": INT, "variant": STR, "sha256": STR, "tree_size": INT, "created_at": DATETIME,
                        "entries": INT})}}, ["tracking_number", "versions"])), **problems(404, *SENDER_ERRORS)}},
        },
        "/items/{tracking_number}/proofs/{version}.pdf": {
            "get": {"operationId": "getProofVersion", "tags": ["Proofs"], "summary": "One earlier proof version",
                    "security": SENDER, "parameters": [NUMBER, {"name": "version", "in": "path", "required": True,
                                                                "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID}}],
                    "responses": {"200": {"description": "PDF", "content": PDF}, **problems(404, *SENDER_ERRORS)}},
        },
        "/proofs.zip": {
            "get": {"operationId": "getProofsZip", "tags": ["Proofs"],
                    "summary": "Proofs in bulk: a zip with a manifest, for items=… or a from/to registration range",
                    "security": SENDER, "parameters": [
                        query("items", {"type": "string"}, "comma-separated tracking numbers"),
                        query("from", {"type": "string", "format": "date"}), query("to", {"type": "string", "format": "date"})],
                    "responses": {"200": {"description": "zip", "content": {"application/zip": {
                        "schema": {"type": "string", "format": "binary"}}}}, **problems(422, *SENDER_ERRORS)}},
        },
        "/proofs/verify": {
            "post": {"operationId": "verifyProof", "tags": ["Proofs"], "summary": "Check an uploaded proof PDF (public)",
                     "requestBody": {"required": True, "content": {
                         "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                         "multipart/form-data": {"schema": obj({"file": {"type": "string", "format": "binary"}}, ["file"])}}},
                     "responses": {**json_ok(ref("ProofVerdict")), **problems(422)}},
        },
        "/scans": {
            "post": {"operationId": "createScan", "tags": ["Carriers"], "summary": "Record a delivery attempt (idempotent)",
                     "security": DEVICE, "parameters": [{"name": "Idempotency-Key", "in": "header", "required": True,
                                                         "schema": {"type": "string", "minLength": 1, "maxLength": 200}}],
                     "requestBody": body(ref("Scan")),
                     "description": "A scan of an item waiting at another carrier's pickup point is flagged "
                                    "`outside_carrier_scope` (or refused 403 when the operator sets DEVICE_SCOPE=refuse). "
                                    "With REQUIRE_SIGNED_DEVICES only enrolled, signing handhelds may scan (403 "
                                    "`signed-device-required`); a token-only device gets a `Warning` header.",
                     "responses": {**json_ok(ref("ScanResult"), "Recorded (or the first answer, replayed)", 201,
                                             TOKEN_ONLY_HEADERS),
                                   **problems(400, 401, 403, 404, 409, 422)}},
        },
        "/scans/{attempt_id}/correction": {
            "post": {"operationId": "correctScan", "tags": ["Carriers"],
                     "summary": "Correct this device's just-recorded scan (an appended attempt)",
                     "security": DEVICE,
                     "parameters": [{"name": "attempt_id", "in": "path", "required": True,
                                     "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}}],
                     "description": "Within SCAN_CORRECTION_WINDOW_SECONDS (default 120) of the scan reaching the "
                                    "server, the device that recorded it may correct its outcome. The attempt is never "
                                    "changed: the correction is a new attempt with `corrects_attempt_id`, same time "
                                    "and place. Later: 409 `correction-window-closed` naming `attempt_id`; a scan "
                                    "already corrected, a correction, or not the item's latest scan: 409; the same "
                                    "outcome: 422.",
                     "requestBody": body(ref("ScanCorrection")),
                     "responses": {**json_ok(ref("ScanResult"), "Corrected", 201, TOKEN_ONLY_HEADERS),
                                   **problems(400, 401, 403, 404, 409, 422)}},
        },
        "/items/{tracking_number}/collection": {
            "post": {"operationId": "recordCollection", "tags": ["Carriers"], "summary": "The item was collected at the counter",
                     "security": DEVICE, "parameters": [NUMBER],
                     "description": "Only a device of the item's pickup point, or of the carrier that left its notice, "
                                    "may record a collection (403 otherwise; COLLECTION_SCOPE=staff_only refuses every "
                                    "device). `collected_at` (default now) may not precede the notice or the registration, "
                                    "nor follow now (422). With REQUIRE_SIGNED_DEVICES only enrolled handhelds may record it.",
                     "requestBody": body(ref("CollectionInput")),
                     "responses": {**json_ok(ref("Collection"), "Already recorded", 200, TOKEN_ONLY_HEADERS),
                                   **json_ok(ref("Collection"), "Recorded", 201, TOKEN_ONLY_HEADERS),
                                   **problems(400, 401, 403, 404, 409, 422)}},
        },
        "/tasks": {
            "get": {"operationId": "listTasks", "tags": ["Carriers"], "summary": "Open tasks of the device's carrier",
                    "security": DEVICE,
                    "responses": {**json_ok(obj({"tasks": {"type": "array", "items": {"type": "object"}}}, ["tasks"])),
                                  **problems(401, 403)}},
        },
        "/statements": {
            "get": {"operationId": "listStatements", "tags": ["Carriers"],
                    "summary": "Statements the operator asked the device's carrier for (complaints)", "security": DEVICE,
                    "responses": {**json_ok(obj({"statements": {"type": "array", "items": {"type": "object"}}},
                                                ["statements"])), **problems(401, 403)}},
        },
        "/statements/{statement_id}": {
            "post": {"operationId": "answerStatement", "tags": ["Carriers"], "summary": "Answer a statement request",
                     "security": DEVICE,
                     "parameters": [{"name": "statement_id", "in": "path", "required": True,
                                     "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}}],
                     "requestBody": body(obj({"answer": {"type": "string", "minLength": 1, "maxLength": 4000}},
                                             ["answer"])),
                     "responses": {**json_ok(obj({"id": INT, "answered_at": DATETIME}), "Answered", 201),
                                   **problems(400, 401, 403, 404, 409, 422)}},
        },
        "/webhooks": {
            "get": {"operationId": "listWebhooks", "tags": ["Webhooks"], "summary": "Your callback endpoints",
                    "security": SENDER, "responses": {**json_ok(obj({
                        "webhooks": {"type": "array", "items": ref("WebhookEndpoint")},
                        "event_types": {"type": "array", "items": STR}}, ["webhooks", "event_types"])),
                        **problems(*SENDER_ERRORS)}},
            "post": {"operationId": "createWebhook", "tags": ["Webhooks"], "summary": "Add a callback endpoint",
                     "description": "The answer carries the signing `secret`. Every event is POSTed as a WebhookEvent.",
                     "security": SENDER, "requestBody": body(ref("NewWebhookEndpoint")),
                     "responses": {**json_ok(ref("WebhookEndpoint"), "Created", 201, {"Location": {"schema": STR}}),
                                   **problems(400, 422, *SENDER_ERRORS)}},
        },
        "/webhooks/{endpoint_id}": {
            "get": {"operationId": "getWebhook", "tags": ["Webhooks"], "security": SENDER, "parameters": [ENDPOINT_ID],
                    "responses": {**json_ok(ref("WebhookEndpoint")), **problems(404, *SENDER_ERRORS)}},
            "patch": {"operationId": "updateWebhook", "tags": ["Webhooks"], "summary": "Change URL, events, or rotate the secret",
                      "security": SENDER, "parameters": [ENDPOINT_ID], "requestBody": body(ref("WebhookUpdate")),
                      "responses": {**json_ok(ref("WebhookEndpoint")), **problems(400, 404, 422, *SENDER_ERRORS)}},
            "delete": {"operationId": "deleteWebhook", "tags": ["Webhooks"], "security": SENDER, "parameters": [ENDPOINT_ID],
                       "responses": {"204": {"description": "Deleted"}, **problems(404, *SENDER_ERRORS)}},
        },
        "/webhooks/{endpoint_id}/test": {
            "post": {"operationId": "testWebhook", "tags": ["Webhooks"], "summary": "Queue a webhook.test event",
                     "security": SENDER, "parameters": [ENDPOINT_ID],
                     "responses": {**json_ok(obj({"event_id": STR, "status": STR}, ["event_id", "status"]), "Queued", 202),
                                   **problems(404, *SENDER_ERRORS)}},
        },
        "/webhooks/{endpoint_id}/deliveries": {
            "get": {"operationId": "listWebhookDeliveries", "tags": ["Webhooks"], "summary": "Delivery log, newest first",
                    "security": SENDER, "parameters": [ENDPOINT_ID, *PAGE],
                    "responses": {**json_ok(obj({"deliveries": {"type": "array", "items": ref("WebhookDelivery")},
                                                 "page": INT, "per_page": INT, "total": INT},
                                                ["deliveries", "page", "per_page", "total"], extra=False)),
                                  **problems(404, 422, *SENDER_ERRORS)}},
        },
        "/sender": {
            "get": {"operationId": "getSender", "tags": ["Organisation"], "security": SENDER,
                    "summary": "The key's organisation: its name and contact e-mail",
                    "responses": {**json_ok(ref("Sender")), **problems(*SENDER_ERRORS)}},
            "patch": {"operationId": "updateSender", "tags": ["Organisation"], "security": SENDER,
                      "summary": "Set or clear the contact e-mail (deemed service, returns and complaints are told there)",
                      "requestBody": body(obj({"contact_email": nullable({"type": "string", "maxLength": 320,
                                                                            "format": "email"})},
                                              ["contact_email"], extra=False)),
                      "responses": {**json_ok(ref("Sender")), **problems(400, 422, *SENDER_ERRORS)}},
        },
        "/api-keys": {
            "get": {"operationId": "listApiKeys", "tags": ["API keys"], "security": SENDER,
                    "responses": {**json_ok(obj({"api_keys": {"type": "array", "items": ref("ApiKey")}}, ["api_keys"])),
                                  **problems(*SENDER_ERRORS)}},
            "post": {"operationId": "createApiKey", "tags": ["API keys"], "summary": "A new key, shown once in `key`",
                     "security": SENDER, "requestBody": body(obj({"name": {"type": "string", "minLength": 1, "maxLength": 100}},
                                                                 ["name"])),
                     "responses": {**json_ok(ref("ApiKey"), "Created", 201), **problems(400, 422, *SENDER_ERRORS)}},
        },
        "/api-keys/{key_id}": {
            "delete": {"operationId": "revokeApiKey", "tags": ["API keys"], "security": SENDER,
                       "parameters": [{"name": "key_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID}}],
                       "description": "A key cannot revoke itself (409): use another key or the portal.",
                       "responses": {"204": {"description": "Revoked"}, **problems(404, 409, *SENDER_ERRORS)}},
        },
        "/log/tree-head": {
            "get": {"operationId": "getTreeHead", "tags": ["Transparency log"], "summary": "The latest signed tree head",
                    "responses": json_ok(ref("TreeHead"))},
        },
        "/log/keys.pem": {
            "get": {"operationId": "getLogKeys", "tags": ["Transparency log"], "summary": "The operator's public keys",
                    "responses": {"200": {"description": "PEM", "content": {"application/x-pem-file": {"schema": STR}}}}},
        },
        "/log/keys": {
            "get": {"operationId": "getKeyHistory", "tags": ["Transparency log"],
                    "summary": "Every key a proof may name, current and retired, with its fingerprint and validity period",
                    "responses": json_ok(obj({"origin": STR, "log_keys": {"type": "array", "items": {"type": "object"}},
                                              "certificates": {"type": "array", "items": {"type": "object"}}},
                                             ["origin", "log_keys", "certificates"]))},
        },
        "/log/entries/{index}/inclusion": {
            "get": {"operationId": "getInclusionProof", "tags": ["Transparency log"],
                    "parameters": [{"name": "index", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID}},
                                   query("tree_size", {"type": "integer", "minimum": 1, "maximum": MAX_ID})],
                    "responses": {**json_ok(obj({"index": INT, "tree_size": INT, "leaf_hash": STR,
                                                 "inclusion_proof": {"type": "array", "items": STR}},
                                                ["index", "tree_size", "leaf_hash", "inclusion_proof"])),
                                  **problems(404, 422)}},
        },
        "/log/items/{tracking_number}": {
            "get": {"operationId": "getItemLogToday", "tags": ["Transparency log"],
                    "summary": "The log today about one item (for python -m notices.verify --log-today)",
                    "parameters": [{"name": "tracking_number", "in": "path", "required": True, "schema": STR},
                                   query("since", {"type": "integer", "minimum": 0, "maximum": MAX_ID})],
                    "responses": {**json_ok(obj({"format": STR, "item": STR, "tree_head": ref("TreeHead"),
                                                 "consistency_proof": {"type": "array", "items": STR},
                                                 "entries": {"type": "array", "items": {"type": "object"}},
                                                 "record_problems": {"type": "array", "items": STR}},
                                                ["format", "item", "tree_head", "entries"])),
                                  **problems(404, 422)}},
        },
        "/log/vkey": {
            "get": {"operationId": "getLogVerifierKey", "tags": ["Transparency log"],
                    "summary": "The log's key as a signed-note verifier key (C2SP vkey)",
                    "responses": {"200": {"description": "vkey", "content": {"text/plain": {"schema": STR}}}}},
        },
        "/log/checkpoints": {
            "get": {"operationId": "listCheckpoints", "tags": ["Transparency log"],
                    "summary": "Every published checkpoint with its witness cosignatures, paged",
                    "parameters": [query("after", {"type": "integer", "minimum": 0, "maximum": MAX_ID}),
                                   query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_ID})],
                    "responses": {**json_ok(obj({"checkpoints": {"type": "array", "items": {"type": "object"}},
                                                 "next_after": {"type": ["integer", "null"]}}, ["checkpoints"])), **problems(422)}},
        },
        "/log/entries": {
            "get": {"operationId": "listLogEntries", "tags": ["Transparency log"],
                    "summary": "Log entries in bulk for monitors (canonical text and leaf hash)",
                    "parameters": [{**query("start", {"type": "integer", "minimum": 0, "maximum": MAX_ID}), "required": True},
                                   query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_ID})],
                    "responses": {**json_ok(obj({"start": INT, "entries": {"type": "array", "items": {"type": "object"}}},
                                                ["start", "entries"])), **problems(422)}},
        },
        "/log/consistency": {
            "get": {"operationId": "getConsistencyProof", "tags": ["Transparency log"],
                    "parameters": [{**query("first", {"type": "integer", "minimum": 1, "maximum": MAX_ID}), "required": True},
                                   {**query("second", {"type": "integer", "minimum": 1, "maximum": MAX_ID}), "required": True}],
                    "responses": {**json_ok(obj({"first": INT, "second": INT, "consistency_proof": {"type": "array", "items": STR}},
                                                ["first", "second", "consistency_proof"])), **problems(422)}},
        },
        "/openapi.json": {
            "get": {"operationId": "getOpenApi", "tags": ["Meta"], "summary": "This document",
                    "responses": json_ok({"type": "object"})},
        },
    }


CSV_DOC = "\n".join(f"- `{name}`{' (required)' if required else ''}: {translations('en').gettext(description)}"
                    for name, required, description, _ in COLUMNS)


@cache
def _document(base_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Awizo API", "version": "1",
            "description": (
                "Register registered-mail items, follow each delivery attempt, get signed callbacks and download "
                "proofs.\n\nAuthentication: `Authorization: Bearer <key>` — a sender API key (`awz_sk_…`, created "
                "by a sender admin in the portal or with POST /api-keys) or a carrier device token. Errors are "
                "`application/problem+json` (RFC 9457) with `errors[].field` naming each bad field. Lists take "
                "`page` and `per_page`. Each sender API key may make a limited number of calls per minute (429 with "
                "Retry-After beyond that).\n\nThe portal's CSV import uses these columns (the same rules as "
                f"POST /items):\n{CSV_DOC}"),
        },
        "servers": [{"url": f"{base_url}/api/v1"}],
        "tags": [{"name": n} for n in ("Items", "Proofs", "Webhooks", "API keys", "Carriers", "Transparency log", "Meta")],
        "paths": with_links(paths()),
        "webhooks": {
            "itemEvent": {"post": {"summary": "An item event, signed", "requestBody": body(ref("WebhookEvent")),
                                   "responses": {"200": {"description": "Any 2xx acknowledges the event"}}}},
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "senderKey": {"type": "http", "scheme": "bearer", "description": "A sender's API key (awz_sk_…)"},
                "deviceToken": {"type": "http", "scheme": "bearer", "description": "A carrier device token (awz_dt_…)"},
            },
        },
    }


# OpenAPI links: where an answer's values lead next (clients and stateful API tests follow them).
NUMBER_FROM_BODY = {"tracking_number": "$response.body#/tracking_number"}
ENDPOINT_FROM_BODY = {"endpoint_id": "$response.body#/id"}
LINKS = {
    ("/items", "post", "201"): dict.fromkeys(("getItem", "getProof", "listProofVersions"), NUMBER_FROM_BODY),
    ("/items/bulk", "post", "201"): {"getImport": {"import_id": "$response.body#/import_id"}},
    ("/items/{tracking_number}/proofs", "get", "200"): {"getProofVersion": {
        "tracking_number": "$response.body#/tracking_number", "version": "$response.body#/versions/0/version"}},
    ("/webhooks", "post", "201"): dict.fromkeys((
        "getWebhook", "updateWebhook", "testWebhook", "listWebhookDeliveries", "deleteWebhook"), ENDPOINT_FROM_BODY),
    ("/api-keys", "post", "201"): {"revokeApiKey": {"key_id": "$response.body#/id"}},
    ("/scans", "post", "201"): {"recordCollection": NUMBER_FROM_BODY},
}


def with_links(document_paths: dict) -> dict:
    for (path, method, status), links in LINKS.items():
        document_paths[path][method]["responses"][status]["links"] = {
            f"{name}Link": {"operationId": name, "parameters": parameters} for name, parameters in links.items()}
    return document_paths


def document() -> dict:
    return _document(current_app.config["PUBLIC_BASE_URL"])


@bp.get("/openapi.json")
def openapi_document():
    return document()
