"""Components the suite needs: skipped with the reason on a workstation, a failure in CI.

In CI (``CI=true``) a suite that goes green because Redis, Chromium, PostgreSQL or the Twilio
API description was missing would prove nothing, so every such skip becomes a failure naming
the component, and :func:`check_all` refuses to start a CI run without them.

PostgreSQL: ``make test`` runs the suite on SQLite first (``AWIZO_SQLITE_PASS=1``) and then on
``TEST_DATABASE_URL``; PostgreSQL-only tests wait for that second pass. A CI run with neither
is refused.
"""
from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
TWILIO_SPEC = Path(os.environ.get("TEST_TWILIO_SPEC") or ROOT / "tests" / "support" / "twilio" / "twilio_api_v2010.json")
CHROMIUM = os.environ.get("TEST_CHROMIUM") or "/usr/bin/chromium"
REDIS_URL = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def missing(component: str, reason: str) -> None:
    """Skip the test locally; in CI fail it, naming the missing component."""
    if in_ci():
        pytest.fail(f"CI: {component} is required and missing: {reason}", pytrace=False)
    pytest.skip(f"{component} missing: {reason}")


def postgresql_only(url: str, why: str) -> None:
    """For a test that means something on PostgreSQL only: on SQLite it waits for the PostgreSQL pass."""
    if url.startswith("postgresql"):
        return
    if in_ci() and os.environ.get("AWIZO_SQLITE_PASS") != "1":
        pytest.fail(f"CI: PostgreSQL is required and missing: {why} (set TEST_DATABASE_URL)", pytrace=False)
    pytest.skip(f"{why}; runs in the PostgreSQL pass (TEST_DATABASE_URL)")


def redis_reachable(url: str = REDIS_URL) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=2):
            return True
    except OSError:
        return False


def problems() -> list[str]:
    """What a CI run lacks, one sentence per component (empty when everything is there)."""
    found = []
    if not TWILIO_SPEC.exists():
        found.append(f"the Twilio API description ({TWILIO_SPEC})")
    if not redis_reachable():
        found.append(f"Redis ({REDIS_URL} does not answer)")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        found.append(f"Chromium ({CHROMIUM} not found)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        found.append("Playwright (the playwright package is not installed)")
    for tool, package in (("pdfsig", "poppler-utils"), ("certutil", "libnss3-tools")):
        if not shutil.which(tool):
            found.append(f"{tool} ({package}, installed by make system-deps)")
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql") and os.environ.get("AWIZO_SQLITE_PASS") != "1":
        found.append("PostgreSQL (TEST_DATABASE_URL is not a postgresql:// URL)")
    return found


def check_all() -> None:
    """In CI, stop before the first test when a component is missing, naming each."""
    if in_ci() and (lacking := problems()):
        pytest.exit("CI: required test components are missing: " + "; ".join(lacking), returncode=1)
