"""A sender's integration settings over the API: webhook endpoints, their delivery log, API keys."""
from __future__ import annotations

from flask import g, make_response, request, url_for

from app.accounts import service as accounts
from app.errors import Problem
from app.extensions import db
from app.models import ApiKey
from app.models.types import iso, utcnow
from app.senders import webhooks as hooks
from app.senders.item_queries import parse_page
from app.web.api_auth import sender_required
from app.web.problems import ApiError, api_blueprint, json_body

bp = api_blueprint("sender_settings_api", __name__)


@bp.get("/webhooks")
@sender_required
def list_webhooks():
    return {"webhooks": [hooks.endpoint_data(e) for e in hooks.list_endpoints(db.session, g.sender.id)],
            "event_types": sorted(hooks.EVENT_TYPES)}


@bp.post("/webhooks")
@sender_required
def create_webhook():
    body = json_body()
    if not isinstance(body, dict):
        raise ApiError(422, "Invalid request", "The body must be a JSON object.", "validation-error", field="body")
    endpoint = hooks.create_endpoint(db.session, g.sender.id, body.get("url", ""), body.get("event_types"),
                                     body.get("description"), utcnow())
    response = make_response(hooks.endpoint_data(endpoint, with_secret=True), 201)
    response.headers["Location"] = url_for("sender_settings_api.get_webhook", endpoint_id=endpoint.id)
    return response


@bp.get("/webhooks/<int(max=2147483647):endpoint_id>")
@sender_required
def get_webhook(endpoint_id: int):
    return hooks.endpoint_data(hooks.endpoint_for_sender(db.session, g.sender.id, endpoint_id), with_secret=True)


@bp.patch("/webhooks/<int(max=2147483647):endpoint_id>")
@sender_required
def update_webhook(endpoint_id: int):
    body = json_body()
    if not isinstance(body, dict):
        raise ApiError(422, "Invalid request", "The body must be a JSON object.", "validation-error", field="body")
    rotate = body.get("rotate_secret", False)
    if not isinstance(rotate, bool):
        raise ApiError(422, "Invalid request", "rotate_secret must be true or false.", "validation-error",
                       field="rotate_secret")
    endpoint = hooks.endpoint_for_sender(db.session, g.sender.id, endpoint_id)
    hooks.update_endpoint(db.session, endpoint, url=body.get("url"), event_types=body.get("event_types"),
                          rotate_secret=rotate)
    return hooks.endpoint_data(endpoint, with_secret=True)


@bp.delete("/webhooks/<int(max=2147483647):endpoint_id>")
@sender_required
def delete_webhook(endpoint_id: int):
    hooks.delete_endpoint(db.session, hooks.endpoint_for_sender(db.session, g.sender.id, endpoint_id), utcnow())
    return "", 204


@bp.post("/webhooks/<int(max=2147483647):endpoint_id>/test")
@sender_required
def test_webhook(endpoint_id: int):
    endpoint = hooks.endpoint_for_sender(db.session, g.sender.id, endpoint_id)
    event_id = hooks.send_test_event(db.session, endpoint, utcnow())
    return {"event_id": event_id, "status": "queued"}, 202


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


@bp.get("/api-keys")
@sender_required
def list_api_keys():
    keys = db.session.scalars(db.select(ApiKey).where(ApiKey.sender_id == g.sender.id).order_by(ApiKey.id)).all()
    return {"api_keys": [key_data(k) for k in keys]}


@bp.post("/api-keys")
@sender_required
def create_api_key():
    body = json_body()
    name = body.get("name") if isinstance(body, dict) else None
    if not isinstance(name, str):
        raise ApiError(422, "Invalid request", "name is required.", "validation-error", field="name")
    created = accounts.create_api_key(db.session, g.sender.id, name, utcnow())
    return {**key_data(created.key), "key": created.secret}, 201


@bp.delete("/api-keys/<int(max=2147483647):key_id>")
@sender_required
def revoke_api_key(key_id: int):
    if key_id == g.api_key.id:
        raise ApiError(409, "Conflict", "A key cannot revoke itself; use another key or the portal.", "conflict",
                       field="key_id")
    accounts.revoke_api_key(db.session, g.sender.id, key_id, utcnow())
    return "", 204
