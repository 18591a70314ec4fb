"""A real SMTP server (aiosmtpd) on loopback, which tests can stop and start again."""
from __future__ import annotations

import email
import email.policy
import threading

import pytest
from aiosmtpd.controller import Controller

from tests.support.twilio_server import free_port


class _Handler:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_RCPT(self, smtp_server, session, envelope, address, rcpt_options):
        if address.lower() in self.server.reject:
            return self.server.reject[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp_server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.server.lock:
            self.server.messages.append(message)
            self.server.sessions.append(id(session))
        return "250 Message accepted for delivery"


class SmtpServer:
    """``messages`` holds every accepted e-mail (parsed); ``reject[address]`` refuses a recipient;
    ``sessions`` the SMTP session (connection) each one came on."""

    def __init__(self):
        self.port = free_port()
        self.host = "127.0.0.1"
        self.messages: list = []
        self.sessions: list[int] = []
        self.reject: dict[str, str] = {}
        self.lock = threading.Lock()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(_Handler(self), hostname=self.host, port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list:
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]


@pytest.fixture
def smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()
