"""Who may call what: every documented API operation, with two senders and a carrier device.

Each operation is classified once below; a new endpoint that is not added here fails
``test_every_operation_is_in_the_matrix``, so no endpoint escapes the matrix.
"""
from __future__ import annotations

import uuid

import pytest

from tests.conftest import item_payload, scan_payload

SENDER, DEVICE, PUBLIC = "sender", "device", "public"


def operations(w):
    """(method, documented path, kind, concrete URL for sender A's resources, JSON body or None)."""
    n = w.number_a
    return [
        ("POST", "/items", SENDER, "/api/v1/items", item_payload),
        ("GET", "/items", SENDER, "/api/v1/items", None),
        ("POST", "/items/bulk", SENDER, "/api/v1/items/bulk", lambda: {"items": [item_payload()]}),
        ("GET", "/imports/{import_id}", SENDER, f"/api/v1/imports/{w.import_a}", None),
        ("GET", "/items/{tracking_number}", SENDER, f"/api/v1/items/{n}", None),
        ("GET", "/items/{tracking_number}/proof.pdf", SENDER, f"/api/v1/items/{n}/proof.pdf", None),
        ("GET", "/items/{tracking_number}/proofs", SENDER, f"/api/v1/items/{n}/proofs", None),
        ("GET", "/items/{tracking_number}/proofs/{version}.pdf", SENDER,
         f"/api/v1/items/{n}/proofs/{w.proof_version_a}.pdf", None),
        ("GET", "/proofs.zip", SENDER, f"/api/v1/proofs.zip?items={n}", None),
        ("GET", "/webhooks", SENDER, "/api/v1/webhooks", None),
        ("POST", "/webhooks", SENDER, "/api/v1/webhooks", lambda: {"url": "https://hooks.example.com/b"}),
        ("GET", "/webhooks/{endpoint_id}", SENDER, f"/api/v1/webhooks/{w.webhook_a}", None),
        ("PATCH", "/webhooks/{endpoint_id}", SENDER, f"/api/v1/webhooks/{w.webhook_a}", lambda: {"rotate_secret": True}),
        ("POST", "/webhooks/{endpoint_id}/test", SENDER, f"/api/v1/webhooks/{w.webhook_a}/test", None),
        ("GET", "/webhooks/{endpoint_id}/deliveries", SENDER, f"/api/v1/webhooks/{w.webhook_a}/deliveries", None),
        ("DELETE", "/webhooks/{endpoint_id}", SENDER, f"/api/v1/webhooks/{w.webhook_a}", None),
        ("GET", "/sender", SENDER, "/api/v1/sender", None),
        ("PATCH", "/sender", SENDER, "/api/v1/sender", lambda: {"contact_email": "b@example.org"}),
        ("GET", "/api-keys", SENDER, "/api/v1/api-keys", None),
        ("POST", "/api-keys", SENDER, "/api/v1/api-keys", lambda: {"name": "b"}),
        ("DELETE", "/api-keys/{key_id}", SENDER, f"/api/v1/api-keys/{w.key_id_a}", None),
        ("POST", "/scans", DEVICE, "/api/v1/scans", lambda: scan_payload(n, outcome="refused")),
        ("POST", "/scans/{attempt_id}/correction", DEVICE, "/api/v1/scans/1/correction",
         lambda: {"outcome": "delivered"}),
        ("POST", "/items/{tracking_number}/collection", DEVICE, f"/api/v1/items/{n}/collection",
         lambda: {"collected_by": "Jan Kowalski", "id_type": "id_card", "id_last_digits": "4321"}),
        ("GET", "/tasks", DEVICE, "/api/v1/tasks", None),
        ("GET", "/statements", DEVICE, "/api/v1/statements", None),
        ("POST", "/statements/{statement_id}", DEVICE, "/api/v1/statements/1", lambda: {"answer": "x"}),
        ("POST", "/proofs/verify", PUBLIC, "/api/v1/proofs/verify", None),
        ("GET", "/log/tree-head", PUBLIC, "/api/v1/log/tree-head", None),
        ("GET", "/log/keys.pem", PUBLIC, "/api/v1/log/keys.pem", None),
        ("GET", "/log/entries/{index}/inclusion", PUBLIC, "/api/v1/log/entries/0/inclusion", None),
        ("GET", "/log/consistency", PUBLIC, "/api/v1/log/consistency?first=1&second=1", None),
        ("GET", "/log/items/{tracking_number}", PUBLIC, f"/api/v1/log/items/{w.number_a}", None),
        ("GET", "/log/vkey", PUBLIC, "/api/v1/log/vkey", None),
        ("GET", "/log/checkpoints", PUBLIC, "/api/v1/log/checkpoints", None),
        ("GET", "/log/entries", PUBLIC, "/api/v1/log/entries?start=0", None),
        ("GET", "/openapi.json", PUBLIC, "/api/v1/openapi.json", None),
    ]


def call(api, method, url, body, token=None):
    headers = {"Idempotency-Key": uuid.uuid4().hex}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return api.client.open(url, method=method, json=body() if body else None, headers=headers)


def test_every_operation_is_in_the_matrix(world, openapi):
    documented = {(m.upper(), p) for p, ops in openapi["paths"].items() for m in ops}
    assert {(m, p) for m, p, *_ in operations(world)} == documented


@pytest.mark.parametrize("kind", [SENDER, DEVICE])
def test_protected_operations_refuse_no_token_and_the_wrong_kind_of_token(api, world, kind):
    wrong = world.device if kind == SENDER else world.key_a
    for method, path, k, url, body in operations(world):
        if k != kind:
            continue
        anonymous = call(api, method, url, body)
        assert anonymous.status_code == 401, (method, path)
        assert anonymous.mimetype == "application/problem+json"
        assert call(api, method, url, body, "awz_sk_unknown_token").status_code == 401, (method, path)
        assert call(api, method, url, body, wrong).status_code == 403, (method, path)


def test_sender_b_cannot_reach_anything_of_sender_a(api, world):
    """B's key gets 404 for every one of A's resources, and lists hold none of A's things."""
    b = world.key_b
    for method, path, kind, url, body in operations(world):
        if kind != SENDER:
            continue
        response = call(api, method, url, body, b)
        if "{" in path:
            assert response.status_code == 404, (method, path, response.status_code)
        elif path == "/items" and method == "GET":
            assert world.number_a not in [i["tracking_number"] for i in response.get_json()["items"]]
            assert response.get_json()["total"] == 1  # only the one B itself registered just before
        elif path == "/webhooks" and method == "GET":
            assert world.webhook_a not in [e["id"] for e in response.get_json()["webhooks"]]
        elif path == "/api-keys" and method == "GET":
            assert world.key_id_a not in [k["id"] for k in response.get_json()["api_keys"]]
        elif path == "/sender":  # the key's own organisation, never A's
            assert response.status_code == 200 and response.get_json()["name"] == "Urząd Beta"
        elif path == "/proofs.zip":
            assert response.status_code == 422 and "not registered by this sender" in response.get_json()["errors"][0]["message"]
        else:  # creating things of its own is allowed
            assert response.status_code == 201, (method, path, response.status_code)
    # …and A's things are all still there and unchanged.
    a = api.auth(world.key_a)
    assert api.client.get(f"/api/v1/items/{world.number_a}", headers=a).status_code == 200
    assert api.client.get(f"/api/v1/webhooks/{world.webhook_a}", headers=a).status_code == 200
    assert api.client.get("/api/v1/items", headers=a).status_code == 200
    assert world.key_id_a in [k["id"] for k in api.client.get("/api/v1/api-keys", headers=a).get_json()["api_keys"]]


def test_sender_a_can_use_every_sender_operation_on_its_own_things(api, world):
    for method, path, kind, url, body in operations(world):
        if kind != SENDER or path == "/api-keys/{key_id}":
            continue
        response = call(api, method, url, body, world.key_a)
        assert response.status_code in {200, 201, 202, 204}, (method, path, response.status_code)
        if "proofs/{version}" in path:
            assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")


def test_public_operations_need_no_token(api, world):
    for method, path, kind, url, body in operations(world):
        if kind == PUBLIC and path != "/proofs/verify":
            assert call(api, method, url, body).status_code == 200, path


def test_callbacks_reach_only_the_items_sender(api, world, app):
    from app.extensions import db
    from app.models import WebhookDelivery

    b = api.auth(world.key_b)
    hook_b = api.client.post("/api/v1/webhooks", json={"url": "https://hooks.example.com/b"}, headers=b).get_json()["id"]
    api.scan(world.number_a, outcome="refused")
    with app.app_context():
        to_b = db.session.scalars(db.select(WebhookDelivery).where(WebhookDelivery.endpoint_id == hook_b)).all()
        assert to_b == []


def test_portal_pages_of_sender_a_are_404_for_sender_b(app, api, world):
    from app.accounts import service as accounts
    from tests.portal.conftest import csrf_from, login

    with app.app_context():
        from app.extensions import db
        from app.models import Sender

        sender_b = db.session.scalar(db.select(Sender).where(Sender.name == "Urząd Beta"))
        accounts.create_user(db.session, "admin@beta.example.com", "sender_admin", sender_b, password="correct horse b")
    client = app.test_client()
    login(client, "admin@beta.example.com", "correct horse b")
    for url in (f"/portal/items/{world.number_a}", f"/portal/items/{world.number_a}/proof.pdf",
                f"/portal/imports/{world.import_a}", f"/portal/webhooks/{world.webhook_a}"):
        assert client.get(url).status_code == 404, url
    assert f"/portal/items/{world.number_a}" not in client.get(f"/portal/?q={world.number_a}").text
    assert client.get(f"/portal/proofs.zip?tracking_number={world.number_a}").status_code == 422
    # Admin actions on A's things: refused, and nothing of A's changes.
    token = csrf_from(client.get("/portal/people").text)
    for url in (f"/portal/webhooks/{world.webhook_a}/test", f"/portal/webhooks/{world.webhook_a}/rotate",
                f"/portal/webhooks/{world.webhook_a}/delete", f"/portal/api-keys/{world.key_id_a}/revoke"):
        assert client.post(url, data={"csrf_token": token}).status_code == 404, url
    with app.app_context():
        from app.models import User

        accounts.create_user(db.session, "clerk@alpha.example.com", "sender_clerk",
                             db.session.get(Sender, api.sender_id), password="correct horse a")
        clerk_a = db.session.scalar(db.select(User).where(User.email == "clerk@alpha.example.com")).id
    client.post(f"/portal/people/{clerk_a}/disable", data={"csrf_token": token})
    a = api.auth(world.key_a)
    assert api.client.get(f"/api/v1/webhooks/{world.webhook_a}", headers=a).status_code == 200
    assert api.client.get(f"/api/v1/webhooks/{world.webhook_a}/deliveries", headers=a).get_json()["total"] == 1
    assert api.client.get("/api/v1/items", headers=api.auth(world.key_a)).status_code == 200
    with app.app_context():
        assert db.session.get(User, clerk_a).disabled_at is None


def test_a_device_of_another_pickup_point_cannot_collect_and_its_scans_are_flagged(api, world, app):
    """Collection cancels deemed service: a device outside the item's pickup point is refused."""
    from app.delivery.cli import create_carrier
    from app.extensions import db
    from app.models import PickupPoint

    with app.app_context():
        db.session.add(PickupPoint(code="GDA-01", name="Placówka Gdańsk 1", address="ul. Długa 22, Gdańsk"))
        db.session.commit()
        foreign = create_carrier("Marek Gdański", "GDA-01")[1]
    body = {"collected_by": "Jan Kowalski", "id_type": "id_card", "id_last_digits": "4321"}
    refused = call(api, "POST", f"/api/v1/items/{world.number_a}/collection", lambda: body, foreign)
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert refused.get_json()["errors"][0]["field"] == "Authorization"
    scan = call(api, "POST", "/api/v1/scans", lambda: scan_payload(world.number_a, outcome="refused"), foreign)
    assert scan.status_code == 201 and "outside_carrier_scope" in scan.get_json()["device_evidence"]["flags"]
    record = api.item(world.number_a).get_json()
    assert "collected" not in [e["kind"] for e in record["events"]]
