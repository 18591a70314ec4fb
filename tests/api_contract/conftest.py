"""Fixtures for the API contract: two senders with data, a carrier, and the OpenAPI document."""
from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.conftest import item_payload

DOC_URI = "urn:awizo:openapi"


class World:
    """Sender A (with an item, a scan, a webhook endpoint, an import) and sender B, each with a key."""

    def __init__(self, api):
        self.api = api
        self.key_a, self.key_b, self.device = api.sender_key, api.new_sender("Urząd Beta"), api.device_token
        h = api.auth(self.key_a)
        self.number_a = api.register().get_json()["tracking_number"]
        assert api.scan(self.number_a).status_code == 201
        self.webhook_a = api.client.post("/api/v1/webhooks", json={"url": "https://hooks.example.com/a"},
                                         headers=h).get_json()["id"]
        self.import_a = api.client.post("/api/v1/items/bulk", json={"items": [item_payload()]},
                                        headers=h).get_json()["import_id"]
        keys = api.client.get("/api/v1/api-keys", headers=h).get_json()["api_keys"]
        self.key_id_a = keys[0]["id"]
        # A downloads its proof once, so proof version 1 exists and refusing it to B means something.
        assert api.client.get(f"/api/v1/items/{self.number_a}/proof.pdf", headers=h).status_code == 200
        versions = api.client.get(f"/api/v1/items/{self.number_a}/proofs", headers=h).get_json()
        self.proof_version_a = versions["versions"][0]["version"]


@pytest.fixture
def world(api):
    return World(api)


@pytest.fixture
def openapi(client):
    return client.get("/api/v1/openapi.json").get_json()


def validator_for(document: dict, schema: dict) -> Draft202012Validator:
    """A JSON Schema validator for ``schema`` whose '#/components/...' references resolve in ``document``."""
    registry = Registry().with_resource(DOC_URI, Resource.from_contents(document, default_specification=DRAFT202012))
    return Draft202012Validator(_rebase(schema), registry=registry)


def _rebase(schema):
    if isinstance(schema, dict):
        return {k: (DOC_URI + v if k == "$ref" and isinstance(v, str) and v.startswith("#") else _rebase(v))
                for k, v in schema.items()}
    if isinstance(schema, list):
        return [_rebase(v) for v in schema]
    return schema


def assert_matches(document: dict, response, path: str, method: str) -> None:
    """The response's status, content type and body are the ones the document promises."""
    operation = document["paths"][path][method]
    declared = operation["responses"].get(str(response.status_code))
    assert declared is not None, f"{method.upper()} {path} answered {response.status_code}, not documented"
    content = declared.get("content")
    if not content:
        assert not response.data, "documented without a body"
        return
    assert response.mimetype in content, f"{response.mimetype} not in {list(content)}"
    schema = content[response.mimetype].get("schema", {})
    if response.mimetype.endswith("json"):
        errors = sorted(validator_for(document, schema).iter_errors(response.get_json()), key=str)
        assert not errors, f"{method.upper()} {path}: {errors[0]}"
