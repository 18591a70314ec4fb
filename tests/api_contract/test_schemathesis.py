"""The API fuzzed from its own OpenAPI document: no server errors, answers as documented."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]


@pytest.fixture
def app_config(app_config):
    # The fuzzer makes many calls with one key; the per-key limit is tested elsewhere.
    return {**app_config, "API_RATE_LIMIT": "100000 per minute"}


def test_api_conforms_to_its_document(app, world):
    """Every operation, fuzzed with examples drawn from the document (valid and invalid data)."""
    tokens = {"senderKey": world.key_a, "deviceToken": world.device}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        security = operation.definition.raw.get("security") or []
        headers = {"Authorization": f"Bearer {tokens[next(iter(security[0]))]}"} if security else {}

        @given(case=operation.as_strategy())
        @settings(max_examples=20, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            fuzz()
        except Exception as exc:  # collect them all: one report names every broken operation
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert operations >= 25
    assert not failures, "\n\n".join(failures)
