"""Callbacks end to end: a real HTTP receiver that checks signatures, goes down, comes back,
and gets every event exactly once, through the outbox worker."""
from __future__ import annotations

import json
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from app.messaging.providers.webhook import verify_signature
from app.models.types import utcnow


class Receiver:
    """A sender's system: accepts only correctly signed, fresh calls; remembers every event id."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.secret = None
        self.received: list[dict] = []
        self.refused = 0
        self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/awizo-events"

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                signature = self.headers.get("Awizo-Signature", "")
                if not verify_signature(receiver.secret, signature, body):
                    receiver.refused += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                event = json.loads(body)
                assert event["id"] == self.headers["Awizo-Event-Id"]
                receiver.received.append(event)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        HTTPServer.allow_reuse_address = True
        self.server = HTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WEBHOOK_ALLOW_PRIVATE_NETWORKS": True, "WEBHOOK_TIMEOUT_SECONDS": 5}


@pytest.fixture
def receiver():
    receiver = Receiver()
    receiver.start()
    yield receiver
    if receiver.server is not None:
        try:
            receiver.stop()
        except OSError:
            pass


def run_worker(app, hours_later: float = 0):
    from app.extensions import db
    from app.messaging import delivery
    from app.messaging.outbox_settings import OutboxSettings
    from app.messaging.providers import channels

    with app.app_context():
        return delivery.run_once(db.session, channels(app), OutboxSettings.from_app(app),
                               clock=lambda: utcnow() + timedelta(hours=hours_later))


def test_receiver_goes_down_comes_back_and_gets_every_event_once(app, api, receiver):
    h = api.auth(api.sender_key)
    created = api.client.post("/api/v1/webhooks", json={
        "url": receiver.url, "event_types": ["item.registered", "item.attempt_recorded"]}, headers=h).get_json()
    receiver.secret = created["secret"]
    first = api.register().get_json()["tracking_number"]
    run_worker(app)
    assert [e["type"] for e in receiver.received] == ["item.registered"]
    assert receiver.received[0]["data"]["item"]["tracking_number"] == first
    assert "tree_head" in receiver.received[0]["data"]

    receiver.stop()  # the sender's system is down
    second = api.register().get_json()["tracking_number"]
    api.scan(first)
    run_worker(app)
    log = api.client.get(f"/api/v1/webhooks/{created['id']}/deliveries", headers=h).get_json()["deliveries"]
    waiting = [d for d in log if d["status"] == "queued"]
    assert len(waiting) == 2 and all("Could not reach" in d["last_error"] and d["tries"] == 1 for d in waiting)
    assert all(d["next_attempt_at"] for d in waiting)

    receiver.start()  # back up; the retries are due later (backoff), so let time pass
    run_worker(app)
    assert len(receiver.received) == 1  # not before the backoff ends
    run_worker(app, hours_later=2)
    run_worker(app, hours_later=4)  # nothing left to send twice
    ids = [e["id"] for e in receiver.received]
    assert len(ids) == len(set(ids)) == 3
    assert sorted((e["type"], e["data"]["item"]["tracking_number"]) for e in receiver.received) == sorted([
        ("item.registered", first), ("item.registered", second), ("item.attempt_recorded", first)])
    log = api.client.get(f"/api/v1/webhooks/{created['id']}/deliveries", headers=h).get_json()["deliveries"]
    assert {d["status"] for d in log} == {"sent"}
    assert receiver.refused == 0


def test_wrong_secret_is_refused_by_the_receiver_and_retried_after_rotation(app, api, receiver):
    h = api.auth(api.sender_key)
    created = api.client.post("/api/v1/webhooks", json={"url": receiver.url}, headers=h).get_json()
    receiver.secret = "whsec_not_the_right_one"
    api.client.post(f"/api/v1/webhooks/{created['id']}/test", headers=h)
    run_worker(app)
    assert receiver.refused == 1 and receiver.received == []
    log = api.client.get(f"/api/v1/webhooks/{created['id']}/deliveries", headers=h).get_json()["deliveries"]
    assert log[0]["status"] == "queued" and log[0]["response_code"] == "401"
    rotated = api.client.patch(f"/api/v1/webhooks/{created['id']}", json={"rotate_secret": True}, headers=h).get_json()
    receiver.secret = rotated["secret"]
    run_worker(app, hours_later=2)
    assert [e["type"] for e in receiver.received] == ["webhook.test"]


def test_signature_rules():
    from app.messaging.providers.webhook import sign

    body = b'{"id":"evt_1"}'
    header = sign("s3cret", 1_800_000_000, body)
    assert verify_signature("s3cret", header, body, now=1_800_000_100)
    assert not verify_signature("s3cret", header, body + b" ", now=1_800_000_100)  # body changed
    assert not verify_signature("other", header, body, now=1_800_000_100)  # wrong secret
    assert not verify_signature("s3cret", header, body, now=1_800_000_000 + 301)  # replayed later
    assert not verify_signature("s3cret", "garbage", body, now=1_800_000_000)


def test_private_addresses_are_refused_unless_allowed(app, api):
    from app.messaging.providers.webhook import WebhookChannel
    from app.models import OutboxMessage

    channel = WebhookChannel(lambda message: "secret", allow_private_networks=False)
    message = OutboxMessage(id=1, channel="webhook", recipient="http://127.0.0.1:9/x", body="{}",
                            headers={"event_id": "evt_1", "event_type": "webhook.test"})
    result = channel.deliver(message)
    assert not result.ok and result.permanent and result.error_code == "private-address"
