"""CI cannot go green by skipping: a missing component fails the run and names itself.

Each case runs pytest in a separate process (on a small, fast test module) with one component
taken away, once as CI (``CI=true``) and once as a workstation.
"""
from __future__ import annotations

import hashlib
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import required

ROOT = Path(__file__).resolve().parents[2]
SMALL_TESTS = "tests/unit/test_s10.py"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pytest(env_changes: dict[str, str | None], *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "TEST_DATABASE_URL", "AWIZO_SQLITE_PASS")}
    # The check looks at these; a healthy baseline unless the case takes one away.
    env.update({"AWIZO_SQLITE_PASS": "1"})
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False)


@pytest.mark.parametrize(("taken_away", "named"), [
    ({"TEST_REDIS_URL": f"redis://127.0.0.1:{_closed_port()}/0"}, "Redis"),
    ({"TEST_CHROMIUM": "/nonexistent/chromium"}, "Chromium"),
    ({"TEST_TWILIO_SPEC": "/nonexistent/twilio_api_v2010.json"}, "Twilio API description"),
    ({"AWIZO_SQLITE_PASS": None}, "PostgreSQL"),
])
def test_a_ci_run_without_a_component_fails_naming_it(taken_away, named):
    in_ci = _pytest({**taken_away, "CI": "true"}, SMALL_TESTS)
    assert in_ci.returncode != 0
    output = in_ci.stdout + in_ci.stderr
    assert "CI: required test components are missing" in output and named in output, output[-2000:]

    on_a_workstation = _pytest(taken_away, SMALL_TESTS)
    assert on_a_workstation.returncode == 0, on_a_workstation.stdout[-2000:]


def test_a_test_needing_a_missing_component_fails_in_ci_and_skips_elsewhere():
    """Locally the Redis test skips with the reason; in CI the same run fails naming Redis."""
    gone = {"TEST_REDIS_URL": f"redis://127.0.0.1:{_closed_port()}/0"}
    test = "tests/portal/test_accounts.py::test_sign_in_limits_are_kept_in_redis_when_configured"
    locally = _pytest(gone, test, "-rs")
    assert locally.returncode == 0 and "1 skipped" in locally.stdout and "Redis missing" in locally.stdout
    in_ci = _pytest({**gone, "CI": "true"}, test)
    assert in_ci.returncode != 0 and "Redis" in in_ci.stdout + in_ci.stderr


def test_the_ci_database_check_uses_the_url_it_is_given():
    port = _closed_port()
    down = subprocess.run([str(ROOT / ".ci" / "check-database"), f"postgresql://postgres@127.0.0.1:{port}/postgres"],
                          capture_output=True, text=True, env={**os.environ, "PG_WAIT_SECONDS": "1"}, timeout=60, check=False)
    assert down.returncode == 1 and f"127.0.0.1:{port}" in down.stderr
    wrong = subprocess.run([str(ROOT / ".ci" / "check-database"), "sqlite:///instance/awizo.sqlite3"],
                           capture_output=True, text=True, timeout=60, check=False)
    assert wrong.returncode != 0 and "postgresql://" in wrong.stderr
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith("postgresql"):
        up = subprocess.run([str(ROOT / ".ci" / "check-database"), url], capture_output=True, text=True, timeout=60, check=False)
        assert up.returncode == 0, up.stderr


def test_the_twilio_description_is_in_the_repository_with_its_licence_and_origin():
    spec = ROOT / "tests" / "support" / "twilio" / "twilio_api_v2010.json"
    assert spec == required.TWILIO_SPEC or os.environ.get("TEST_TWILIO_SPEC")
    readme = (spec.parent / "README.md").read_text()
    assert "github.com/twilio/twilio-oai" in readme
    assert hashlib.sha256(spec.read_bytes()).hexdigest() in readme
    assert "MIT License" in (spec.parent / "LICENSE").read_text()
    # Nothing the tests or the Makefile use lives outside the clone.
    for path in [*ROOT.glob("tests/**/*.py"), ROOT / "Makefile", ROOT / ".ci" / "run"]:
        if path != Path(__file__):
            assert "shared/twilio" not in path.read_text(), path


def test_python_and_npm_dependencies_install_from_hash_pinned_locks():
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r requirements-dev.lock" in makefile and "npm ci" in makefile
    for lock, inputs in (("requirements.lock", ["requirements.txt"]),
                         ("requirements-dev.lock", ["requirements.txt", "requirements-dev.txt"])):
        text = (ROOT / lock).read_text()
        pins = re.findall(r"^([A-Za-z0-9_.\-]+)==\S+ \\\n((?:\s+--hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)", text, re.M)
        pinned = {name.lower().replace("_", "-") for name, _ in pins}
        assert len(pins) == len(re.findall(r"^[A-Za-z0-9_.\-]+==", text, re.M))  # every pin has hashes
        for source in inputs:
            for line in (ROOT / source).read_text().splitlines():
                if line and not line.startswith(("#", "-r")):
                    assert re.split(r"[\[=]", line)[0].lower().replace("_", "-") in pinned, (lock, line)
    npm_lock = (ROOT / "tools" / "package-lock.json").read_text()
    assert '"node_modules/@stoplight/prism-cli"' in npm_lock and '"integrity": "sha512-' in npm_lock
