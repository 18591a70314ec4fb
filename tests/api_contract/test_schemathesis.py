"""The API fuzzed from its own OpenAPI document: no server errors, answers as documented."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig

from tests.support.web_process import gunicorn

# Every built-in check runs. The tests give the credential (the auth checks probe it without a
# token and with a wrong one), so the generator leaves the Authorization header alone. Two
# settings say what JSON Schema cannot: no string may hold a NUL (the API refuses it anywhere,
# 422), and schema-valid data may still be refused with 422 when
# a rule beyond the schema applies (an S10 check digit, a log index past the log's size, a
# number too large for the database, "items= or from= and to="); a 5xx never passes.
CONFIG_TOML = """
[generation]
allow-x00 = false
with-security-parameters = false

[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]
"""
CONFIG = SchemathesisConfig.from_str(CONFIG_TOML)


@pytest.fixture
def app_config(app_config):
    # The fuzzer makes many calls with one key; the per-key limit is tested elsewhere.
    return {**app_config, "API_RATE_LIMIT": "100000 per minute"}


def test_api_conforms_to_its_document(app, world):
    """Every operation, fuzzed with examples drawn from the document (valid and invalid data)."""
    tokens = {"senderKey": world.key_a, "deviceToken": world.device}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)
    failures = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for credential in tokens:
            headers = {"Authorization": f"Bearer {tokens[credential]}"}

            @given(case=operation.as_strategy())
            @settings(max_examples=20, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))
            def fuzz(case):  # every built-in check; called at once, so `headers` is this iteration's
                case.call_and_validate(headers=headers)  # noqa: B023

            try:
                fuzz()
            except (Exception, BaseExceptionGroup) as exc:  # collect them all: one report names each broken operation
                failures.append(f"{credential} {operation.method.upper()} {operation.path}: {exc}")
    assert operations >= 25
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("credential", ["senderKey", "deviceToken"])
def test_api_conforms_when_links_are_followed(app, world, credential, tmp_path):
    """Stateful, against gunicorn: Schemathesis follows the document's links (register → read →
    proofs; create a webhook → change, test, delete it; create a key → revoke it; scan →
    collection) with every check, as its command line runs in CI. Bounded to a minute or so."""
    token = {"senderKey": world.key_a, "deviceToken": world.device}[credential]
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG_TOML)
    st = str(Path(sys.executable).with_name("schemathesis"))
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], API_RATE_LIMIT="100000 per minute") as base:
        run = subprocess.run(
            [st, "--config-file", str(config), "run", f"{base}/api/v1/openapi.json", "--url", f"{base}/api/v1",
             "--phases", "stateful", "--checks", "all", "--max-examples", "100", "--seed", "18",
             "-H", f"Authorization: Bearer {token}"],
            cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-6000:]
    assert "No issues found" in output, output[-3000:]
    covered = int(re.search(r"API Links:\s+(\d+) covered", output).group(1))
    if credential == "senderKey":  # the links were followed: what was created was then read, changed, deleted
        assert covered >= 3, output[-3000:]
