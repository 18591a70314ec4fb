"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json.

Generated (``app.web.apidoc``) from the routes, the ``@operation`` each API view declares and
the pydantic models that validate requests and describe answers; built once per process. It
is checked against the server in tests (every route is documented; answers are validated;
schemathesis fuzzes the API from it), so an endpoint added without documenting it fails the
suite, and this document cannot even be built.
"""
from __future__ import annotations

from typing import Any

from flask import current_app

from app.senders.api_models import WebhookEvent
from app.senders.imports import COLUMNS
from app.web.apidoc import Answer, Operation, build, operation
from app.web.problems import api_blueprint
from notices.i18n import translations

bp = api_blueprint("openapi", __name__)

TAGS = ("Items", "Proofs", "Webhooks", "API keys", "Organisation", "Carriers", "Transparency log", "Meta")
CSV_DOC = "\n".join(f"- `{name}`{' (required)' if required else ''}: {translations('en').gettext(description)}"
                    for name, required, description, _ in COLUMNS)
DESCRIPTION = (
    "Register registered-mail items, follow each delivery attempt, get signed callbacks and download "
    "proofs.\n\nAuthentication: `Authorization: Bearer <key>` — a sender API key (`awz_sk_…`, created "
    "by a sender admin in the portal or with POST /api-keys) or a carrier device token. Errors are "
    "`application/problem+json` (RFC 9457) with `errors[].field` naming each bad field. Lists take "
    "`page` and `per_page`. Each sender API key may make a limited number of calls per minute (429 with "
    "Retry-After beyond that).\n\nThe portal's CSV import uses these columns (the same rules as "
    f"POST /items):\n{CSV_DOC}")
WEBHOOKS = {"itemEvent": Operation("itemEvent", tag="Webhooks", summary="An item event, signed", body=WebhookEvent,
                                   answers={200: Answer("Any 2xx acknowledges the event")})}


def document() -> dict:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    base_url = app.config["PUBLIC_BASE_URL"]
    cached: dict[str, Any] | None = app.extensions.get("awizo.openapi")
    if cached is None or cached["servers"][0]["url"] != f"{base_url}/api/v1":
        generated = build(app, webhooks=WEBHOOKS)
        cached = app.extensions["awizo.openapi"] = {
            "openapi": "3.1.0",
            "info": {"title": "Awizo API", "version": "1", "description": DESCRIPTION},
            "servers": [{"url": f"{base_url}/api/v1"}],
            "tags": [{"name": n} for n in TAGS],
            **generated,
        }
    return cached


@operation("getOpenApi", tag="Meta", summary="This document",
           answers={200: Answer("OK", schema={"type": "object"})})
@bp.get("/openapi.json")
def openapi_document():
    return document()
