"""A sender's integration settings over the API: webhook endpoints, their delivery log, API keys."""
from __future__ import annotations

from flask import g, make_response, request, url_for
from flask_babel import gettext

from app.accounts import service as accounts
from app.errors import Problem
from app.extensions import db
from app.models import ApiKey
from app.models.types import iso, utcnow
from app.senders import webhooks as hooks
from app.senders.api_models import ApiKey as ApiKeyAnswer
from app.senders.api_models import (
    ApiKeyList,
    DeliveryPage,
    NewApiKey,
    NewWebhookEndpoint,
    Page,
    Queued,
    WebhookEndpoint,
    WebhookList,
    WebhookUpdate,
)
from app.senders.item_queries import parse_page
from app.web.api_auth import sender_required
from app.web.apidoc import Answer, operation, validate
from app.web.i18n import current_language
from app.web.problems import ApiError, api_blueprint, json_body

bp = api_blueprint("sender_settings_api", __name__)
SENDER_ERRORS = (401, 403, 429)
ENDPOINT_FROM_BODY = {"endpoint_id": "$response.body#/id"}


@operation("listWebhooks", tag="Webhooks", summary="Your callback endpoints", auth="sender",
           description="Event types are described in the language asked for with `Accept-Language` "
                       "(`pl`, `en`, `uk`; Polish otherwise), named in `Content-Language`; the type names "
                       "themselves never change.",
           answers={200: Answer("OK", WebhookList, headers={"Content-Language": {"schema": {"type": "string"}}})},
           problems=SENDER_ERRORS)
@bp.get("/webhooks")
@sender_required
def list_webhooks():
    types = sorted(hooks.EVENT_TYPES)
    response = make_response({
        "webhooks": [hooks.endpoint_data(e) for e in hooks.list_endpoints(db.session, g.sender.id)],
        "event_types": types,
        "event_type_descriptions": {t: gettext(hooks.EVENT_TYPES[t]) for t in types},
    })
    response.headers["Content-Language"] = current_language()
    return response


@operation("createWebhook", tag="Webhooks", summary="Add a callback endpoint",
           description="The answer carries the signing `secret`. Every event is POSTed as a WebhookEvent.",
           auth="sender", body=NewWebhookEndpoint,
           answers={201: Answer("Created", WebhookEndpoint, headers={"Location": {"schema": {"type": "string"}}})},
           problems=(400, 422, *SENDER_ERRORS), links={201: dict.fromkeys((
               "getWebhook", "updateWebhook", "testWebhook", "listWebhookDeliveries", "deleteWebhook"),
               ENDPOINT_FROM_BODY)})
@bp.post("/webhooks")
@sender_required
def create_webhook():
    new: NewWebhookEndpoint = validate(NewWebhookEndpoint, json_body())
    endpoint = hooks.create_endpoint(db.session, g.sender.id, new.url, new.event_types, new.description, utcnow())
    response = make_response(hooks.endpoint_data(endpoint, with_secret=True), 201)
    response.headers["Location"] = url_for("sender_settings_api.get_webhook", endpoint_id=endpoint.id)
    return response


@operation("getWebhook", tag="Webhooks", auth="sender", answers={200: Answer("OK", WebhookEndpoint)},
           problems=(404, *SENDER_ERRORS))
@bp.get("/webhooks/<int(max=2147483647):endpoint_id>")
@sender_required
def get_webhook(endpoint_id: int):
    return hooks.endpoint_data(hooks.endpoint_for_sender(db.session, g.sender.id, endpoint_id), with_secret=True)


@operation("updateWebhook", tag="Webhooks", summary="Change URL, events, or rotate the secret", auth="sender",
           body=WebhookUpdate, answers={200: Answer("OK", WebhookEndpoint)}, problems=(400, 404, 422, *SENDER_ERRORS))
@bp.patch("/webhooks/<int(max=2147483647):endpoint_id>")
@sender_required
def update_webhook(endpoint_id: int):
    change: WebhookUpdate = validate(WebhookUpdate, json_body())
    endpoint = hooks.endpoint_for_sender(db.session, g.sender.id, endpoint_id)
    hooks.update_endpoint(db.session, endpoint, url=change.url, event_types=change.event_types,
                          rotate_secret=bool(change.rotate_secret))
    return hooks.endpoint_data(endpoint, with_secret=True)


@operation("deleteWebhook", tag="Webhooks", auth="sender", answers={204: Answer("Deleted")},
           problems=(404, *SENDER_ERRORS))
@bp.delete("/webhooks/<int(max=2147483647):endpoint_id>")
@sender_required
def delete_webhook(endpoint_id: int):
    hooks.delete_endpoint(db.session, hooks.endpoint_for_sender(db.session, g.sender.id, endpoint_id), utcnow())
    return "", 204


@operation("testWebhook", tag="Webhooks", summary="Queue a webhook.test event", auth="sender",
           answers={202: Answer("Queued", Queued)}, problems=(404, *SENDER_ERRORS))
@bp.post("/webhooks/<int(max=2147483647):endpoint_id>/test")
@sender_required
def test_webhook(endpoint_id: int):
    endpoint = hooks.endpoint_for_sender(db.session, g.sender.id, endpoint_id)
    event_id = hooks.send_test_event(db.session, endpoint, utcnow())
    return {"event_id": event_id, "status": "queued"}, 202


@operation("listWebhookDeliveries", tag="Webhooks", summary="Delivery log, newest first", auth="sender",
           query=Page, answers={200: Answer("OK", DeliveryPage)}, problems=(404, 422, *SENDER_ERRORS))
@bp.get("/webhooks/<int(max=2147483647):endpoint_id>/deliveries")
@sender_required
def webhook_deliveries(endpoint_id: int):
    hooks.endpoint_for_sender(db.session, g.sender.id, endpoint_id)
    problem = Problem()
    page, per_page = parse_page(request.args, problem)
    problem.raise_if_any()
    rows, total = hooks.deliveries(db.session, g.sender.id, endpoint_id, limit=per_page, offset=(page - 1) * per_page)
    return {"deliveries": [hooks.delivery_data(d) for d in rows], "page": page, "per_page": per_page, "total": total}


def key_data(key: ApiKey) -> dict:
    return {"id": key.id, "name": key.name, "prefix": key.prefix, "created_at": iso(key.created_at),
            "last_used_at": iso(key.last_used_at), "revoked_at": iso(key.revoked_at)}


@operation("listApiKeys", tag="API keys", auth="sender", answers={200: Answer("OK", ApiKeyList)},
           problems=SENDER_ERRORS)
@bp.get("/api-keys")
@sender_required
def list_api_keys():
    keys = db.session.scalars(db.select(ApiKey).where(ApiKey.sender_id == g.sender.id).order_by(ApiKey.id)).all()
    return {"api_keys": [key_data(k) for k in keys]}


@operation("createApiKey", tag="API keys", summary="A new key, shown once in `key`", auth="sender", body=NewApiKey,
           answers={201: Answer("Created", ApiKeyAnswer)}, problems=(400, 422, *SENDER_ERRORS),
           links={201: {"revokeApiKey": {"key_id": "$response.body#/id"}}})
@bp.post("/api-keys")
@sender_required
def create_api_key():
    new: NewApiKey = validate(NewApiKey, json_body())
    created = accounts.create_api_key(db.session, g.sender.id, new.name, utcnow())
    return {**key_data(created.key), "key": created.secret}, 201


@operation("revokeApiKey", tag="API keys", auth="sender",
           description="A key cannot revoke itself (409): use another key or the portal.",
           answers={204: Answer("Revoked")}, problems=(404, 409, *SENDER_ERRORS))
@bp.delete("/api-keys/<int(max=2147483647):key_id>")
@sender_required
def revoke_api_key(key_id: int):
    if key_id == g.api_key.id:
        raise ApiError(409, "Conflict", "A key cannot revoke itself; use another key or the portal.", "conflict",
                       field="key_id")
    accounts.revoke_api_key(db.session, g.sender.id, key_id, utcnow())
    return "", 204
