"""The OpenAPI document is complete, well-formed, and what the server really answers."""
from __future__ import annotations

import re
import uuid

from jsonschema import Draft202012Validator

from tests.api_contract.conftest import assert_matches
from tests.conftest import item_payload, scan_payload, tracking_number


def documented_operations(document: dict) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}


def served_operations(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", rule.rule[len("/api/v1"):])
        found |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def test_every_api_route_is_documented_and_nothing_else(app, openapi):
    assert served_operations(app) == documented_operations(openapi)


def test_document_is_openapi_3_1_with_valid_schemas(openapi):
    assert openapi["openapi"] == "3.1.0" and openapi["servers"][0]["url"].endswith("/api/v1")
    for schema in openapi["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    operation_ids = [op["operationId"] for ops in openapi["paths"].values() for op in ops.values()]
    assert len(operation_ids) == len(set(operation_ids))
    for path, ops in openapi["paths"].items():
        for method, op in ops.items():
            for name in re.findall(r"{([a-z_]+)}", path):
                assert any(p["name"] == name and p["in"] == "path" for p in op.get("parameters", [])), (method, path, name)
            assert op["responses"], (method, path)


def _corrected(api, dev):
    """A fresh notice, corrected at once: the 201 answer."""
    number = tracking_number()
    api.register(tracking_number=number)
    scanned = api.client.post("/api/v1/scans", json=scan_payload(number),
                              headers={**dev, "Idempotency-Key": uuid.uuid4().hex}).get_json()
    response = api.client.post(f"/api/v1/scans/{scanned['id']}/correction", json={"outcome": "delivered"}, headers=dev)
    assert response.status_code == 201
    return response


def test_real_answers_match_the_document(api, world, openapi):
    a = api.auth(world.key_a)
    dev = api.auth(world.device)
    n = world.number_a
    calls = [
        ("post", "/items", lambda: api.client.post("/api/v1/items", json=item_payload(), headers=a)),
        ("post", "/items", lambda: api.client.post("/api/v1/items", json=item_payload(tracking_number=n), headers=a)),
        ("post", "/items", lambda: api.client.post("/api/v1/items", json={"service": 1}, headers=a)),
        ("post", "/items", lambda: api.client.post("/api/v1/items", data="x", headers=a)),
        ("get", "/items", lambda: api.client.get("/api/v1/items?per_page=1&status=awaiting_collection", headers=a)),
        ("get", "/items", lambda: api.client.get("/api/v1/items?page=0", headers=a)),
        ("get", "/items", lambda: api.client.get("/api/v1/items")),
        ("get", "/items", lambda: api.client.get("/api/v1/items", headers=dev)),
        ("post", "/items/bulk", lambda: api.client.post("/api/v1/items/bulk", json={"items": [item_payload()]}, headers=a)),
        ("post", "/items/bulk", lambda: api.client.post("/api/v1/items/bulk", json={"items": [{}]}, headers=a)),
        ("get", "/imports/{import_id}", lambda: api.client.get(f"/api/v1/imports/{world.import_a}", headers=a)),
        ("get", "/items/{tracking_number}", lambda: api.client.get(f"/api/v1/items/{n}", headers=a)),
        ("get", "/items/{tracking_number}", lambda: api.client.get("/api/v1/items/RR123456785PL", headers=a)),
        ("get", "/items/{tracking_number}/proof.pdf", lambda: api.client.get(f"/api/v1/items/{n}/proof.pdf", headers=a)),
        ("get", "/items/{tracking_number}/proofs", lambda: api.client.get(f"/api/v1/items/{n}/proofs", headers=a)),
        ("get", "/items/{tracking_number}/proofs/{version}.pdf",
         lambda: api.client.get(f"/api/v1/items/{n}/proofs/1.pdf", headers=a)),
        ("get", "/proofs.zip", lambda: api.client.get(f"/api/v1/proofs.zip?items={n}", headers=a)),
        ("get", "/proofs.zip", lambda: api.client.get("/api/v1/proofs.zip", headers=a)),
        ("post", "/proofs/verify", lambda: api.client.post("/api/v1/proofs/verify", data=b"%PDF-1.4 x",
                                                          headers={"Content-Type": "application/pdf"})),
        ("post", "/scans", lambda: api.client.post("/api/v1/scans", json=scan_payload(n, outcome="delivered"),
                                                  headers={**dev, "Idempotency-Key": uuid.uuid4().hex})),
        ("post", "/scans", lambda: api.client.post("/api/v1/scans", json=scan_payload(n), headers=dev)),
        ("post", "/scans/{attempt_id}/correction", lambda: _corrected(api, dev)),
        ("post", "/scans/{attempt_id}/correction",
         lambda: api.client.post("/api/v1/scans/999999/correction", json={"outcome": "delivered"}, headers=dev)),
        ("post", "/scans/{attempt_id}/correction",
         lambda: api.client.post("/api/v1/scans/1/correction", json={"outcome": 1}, headers=dev)),
        ("get", "/tasks", lambda: api.client.get("/api/v1/tasks", headers=dev)),
        ("get", "/statements", lambda: api.client.get("/api/v1/statements", headers=dev)),
        ("post", "/statements/{statement_id}",
         lambda: api.client.post("/api/v1/statements/999999", json={"answer": "x"}, headers=dev)),
        ("post", "/statements/{statement_id}",
         lambda: api.client.post("/api/v1/statements/999999", json={"answer": 1}, headers=dev)),
        ("get", "/webhooks", lambda: api.client.get("/api/v1/webhooks", headers=a)),
        ("post", "/webhooks", lambda: api.client.post("/api/v1/webhooks", json={"url": "https://h.example.com/"}, headers=a)),
        ("post", "/webhooks", lambda: api.client.post("/api/v1/webhooks", json={"url": "nope"}, headers=a)),
        ("get", "/webhooks/{endpoint_id}", lambda: api.client.get(f"/api/v1/webhooks/{world.webhook_a}", headers=a)),
        ("patch", "/webhooks/{endpoint_id}", lambda: api.client.patch(
            f"/api/v1/webhooks/{world.webhook_a}", json={"event_types": ["item.registered"]}, headers=a)),
        ("post", "/webhooks/{endpoint_id}/test", lambda: api.client.post(f"/api/v1/webhooks/{world.webhook_a}/test", headers=a)),
        ("get", "/webhooks/{endpoint_id}/deliveries",
         lambda: api.client.get(f"/api/v1/webhooks/{world.webhook_a}/deliveries", headers=a)),
        ("get", "/sender", lambda: api.client.get("/api/v1/sender", headers=a)),
        ("patch", "/sender", lambda: api.client.patch("/api/v1/sender", json={"contact_email": "b@sad.example.com"},
                                                      headers=a)),
        ("patch", "/sender", lambda: api.client.patch("/api/v1/sender", json={"contact_email": "b@"}, headers=a)),
        ("get", "/api-keys", lambda: api.client.get("/api/v1/api-keys", headers=a)),
        ("post", "/api-keys", lambda: api.client.post("/api/v1/api-keys", json={"name": "x"}, headers=a)),
        ("get", "/log/tree-head", lambda: api.client.get("/api/v1/log/tree-head")),
        ("get", "/log/keys.pem", lambda: api.client.get("/api/v1/log/keys.pem")),
        ("get", "/log/keys", lambda: api.client.get("/api/v1/log/keys")),
        ("get", "/log/entries/{index}/inclusion", lambda: api.client.get("/api/v1/log/entries/0/inclusion")),
        ("get", "/log/consistency", lambda: api.client.get("/api/v1/log/consistency?first=1&second=2")),
        ("get", "/log/items/{tracking_number}", lambda: api.client.get(f"/api/v1/log/items/{n}?since=1")),
        ("get", "/log/vkey", lambda: api.client.get("/api/v1/log/vkey")),
        ("get", "/log/checkpoints", lambda: api.client.get("/api/v1/log/checkpoints?limit=2")),
        ("get", "/log/checkpoints", lambda: api.client.get("/api/v1/log/checkpoints?after=x")),
        ("get", "/log/entries", lambda: api.client.get("/api/v1/log/entries?start=0&limit=2")),
        ("get", "/log/entries", lambda: api.client.get("/api/v1/log/entries")),
        ("get", "/log/items/{tracking_number}", lambda: api.client.get("/api/v1/log/items/RR000000000PL")),
        ("get", "/openapi.json", lambda: api.client.get("/api/v1/openapi.json")),
        ("post", "/items/{tracking_number}/collection",
         lambda: api.client.post(f"/api/v1/items/{n}/collection", json={}, headers=dev)),
        ("delete", "/webhooks/{endpoint_id}", lambda: api.client.delete(f"/api/v1/webhooks/{world.webhook_a}", headers=a)),
        ("delete", "/api-keys/{key_id}", lambda: api.client.delete("/api/v1/api-keys/999999", headers=a)),
    ]
    for method, path, call in calls:
        assert_matches(openapi, call(), path, method)
    covered = {(m.upper(), p) for m, p, _ in calls}
    assert covered == documented_operations(openapi)


def test_a_route_without_a_declared_operation_stops_the_document():
    from flask import Flask

    from app.web.apidoc import Answer, build, operation
    from app.web.problems import api_blueprint

    bp = api_blueprint("probe", __name__)

    @operation("probeDocumented", tag="Meta", answers={200: Answer("OK", schema={"type": "object"})})
    @bp.get("/documented")
    def documented():
        return {}

    @bp.get("/forgotten/<int:thing_id>")
    def forgotten(thing_id):
        return {}

    app = Flask(__name__)
    app.register_blueprint(bp)
    try:
        build(app)
    except LookupError as exc:
        assert "/api/v1/forgotten/<int:thing_id>" in str(exc)
    else:
        raise AssertionError("an undocumented route was left out silently")


def test_request_schemas_are_the_validating_models(openapi, api):
    """What the document promises is what the server checks: the same limits, the same names."""
    scan = openapi["components"]["schemas"]["Scan"]
    assert set(scan["required"]) == {"tracking_number", "outcome", "occurred_at", "location"}
    limit = openapi["components"]["schemas"]["NewApiKey"]["properties"]["name"]["maxLength"]
    headers = api.auth(api.sender_key)
    assert api.client.post("/api/v1/api-keys", json={"name": "k" * limit}, headers=headers).status_code == 201
    refused = api.client.post("/api/v1/api-keys", json={"name": "k" * (limit + 1)}, headers=headers)
    assert refused.status_code == 422 and refused.get_json()["errors"] == [
        {"field": "name", "message": f"must be at most {limit} characters"}]
