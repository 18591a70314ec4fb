"""Fixtures for the handheld: an enrolled device whose key lives in the test, a live server,
and headless Chromium (Debian's /usr/bin/chromium through Playwright)."""
from __future__ import annotations

import base64
import os
import socket
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from notices.scan_signature import SignedScan, canonical_bytes
from tests.support import required

CHROMIUM = required.CHROMIUM
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def new_code(app, carrier_id: int, label: str = "test handheld") -> str:
    from app.delivery.enrolments import create_enrolment
    from app.extensions import db

    with app.app_context():
        return create_enrolment(db.session, carrier_id, label, created_by="staff@example.com",
                                now=datetime.now(timezone.utc))[1]


@dataclass
class SigningDevice:
    """A handheld in the test: its own P-256 key, its token, and its sequence counter."""

    client: object
    key: ec.EllipticCurvePrivateKey
    token: str = ""
    device_id: int = 0
    sequence: int = 0
    sent: list = field(default_factory=list)

    @property
    def public_key_b64(self) -> str:
        spki = self.key.public_key().public_bytes(serialization.Encoding.DER,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo)
        return base64.b64encode(spki).decode()

    def enrol(self, code: str):
        response = self.client.post("/h/api/enrol", json={"code": code, "public_key": self.public_key_b64})
        if response.status_code == 201:
            self.token, self.device_id = response.json["token"], response.json["device"]["id"]
        return response

    def sign(self, payload: dict) -> str:
        loc = payload.get("location")
        scan = SignedScan(
            tracking_number=payload["tracking_number"], outcome=payload["outcome"],
            occurred_at=datetime.fromisoformat(payload["occurred_at"].replace("Z", "+00:00")),
            latitude=loc["lat"] if loc else None, longitude=loc["lon"] if loc else None,
            accuracy_m=loc["accuracy_m"] if loc else None, no_fix=bool(payload.get("no_fix")),
            pickup_point=payload.get("pickup_point"), sequence=payload["sequence"])
        r, s = decode_dss_signature(self.key.sign(canonical_bytes(scan), ec.ECDSA(hashes.SHA256())))
        raw = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def payload(self, number: str, *, sequence: int | None = None, **overrides) -> dict:
        if sequence is None:
            self.sequence += 1
            sequence = self.sequence
        now = datetime.now(timezone.utc)
        payload = {
            "tracking_number": number, "outcome": "notice_left",
            "occurred_at": (now - timedelta(minutes=1)).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "location": {"lat": 52.2297, "lon": 21.0122, "accuracy_m": 8.5},
            "no_fix": False, "pickup_point": None, "sequence": sequence,
        }
        payload.update(overrides)
        payload["signature"] = self.sign(payload)
        payload["sent_at"] = now.isoformat().replace("+00:00", "Z")
        return payload

    def post(self, payload: dict, key: str | None = None, **tamper):
        body = {**payload, **tamper}
        return self.client.post("/api/v1/scans", json=body, headers={
            "Authorization": f"Bearer {self.token}", "Idempotency-Key": key or uuid.uuid4().hex})


@pytest.fixture
def device(app, client, api):
    handheld = SigningDevice(client, ec.generate_private_key(ec.SECP256R1()))
    response = handheld.enrol(new_code(app, api.carrier_id))
    assert response.status_code == 201, response.json
    return handheld


# -- a live server and Chromium ------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer(str):
    """The base URL of the test app served on localhost; ``stop()``/``start()`` take the
    server down and bring it back on the same port (a network that really is gone)."""

    def __new__(cls, app, port: int):
        self = super().__new__(cls, f"http://localhost:{port}")
        self.app, self.port, self._server, self._thread = app, port, None, None
        return self

    def start(self) -> None:
        from werkzeug.serving import make_server

        self._server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)
            self._server = None


@pytest.fixture
def live_server(app):
    """The test app served on localhost by werkzeug in a thread (same database as the test)."""
    server = LiveServer(app, _free_port())
    app.config["PUBLIC_BASE_URL"] = str(server)
    server.start()
    yield server
    server.stop()


def browser_env() -> dict:
    """Chromium's environment: never under libfaketime, where its pages do not load (.ci/at-time)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("LD_PRELOAD", "FAKETIME"))}


def with_server_clock(context):
    """The pages of ``context`` read the server's clock (the same one, unless the suite runs with a
    moved clock, which Chromium does not get): a device whose clock is right."""
    context.clock.set_system_time(datetime.now(timezone.utc))
    return context


@pytest.fixture(scope="module")
def playwright_instance():
    try:
        from playwright import sync_api
    except ImportError:
        required.missing("Playwright", "the playwright package is not installed")
    with sync_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def chromium(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
                                                  env=browser_env())
    yield browser
    browser.close()
