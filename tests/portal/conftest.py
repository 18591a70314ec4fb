"""Fixtures for the sender portal: people of two senders, signed-in clients."""
from __future__ import annotations

import re

import pytest

from app.accounts import service as accounts
from app.extensions import db


class People:
    """Two senders (A and B), each with an admin and a clerk; passwords are known."""

    PASSWORD = "correct horse battery"

    def __init__(self, app, api):
        from app.models import Sender

        self.app, self.api = app, api
        self.key_b = api.new_sender("Urząd Skarbowy Beta")
        with app.app_context():
            a = db.session.get(Sender, api.sender_id)
            b = db.session.scalar(db.select(Sender).where(Sender.name == "Urząd Skarbowy Beta"))
            self.sender_a_id, self.sender_b_id = a.id, b.id
            for email, role, sender in (("admin@a.example.com", "sender_admin", a), ("clerk@a.example.com", "sender_clerk", a),
                                        ("admin@b.example.com", "sender_admin", b), ("clerk@b.example.com", "sender_clerk", b)):
                accounts.create_user(db.session, email, role, sender, password=self.PASSWORD)
            accounts.create_user(db.session, "staff@operator.example.com", "staff", None, password=self.PASSWORD)

    def client(self, email: str):
        client = self.app.test_client()
        login(client, email, self.PASSWORD)
        return client


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(client, email: str, password: str, follow: bool = False):
    page = client.get("/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_from(page.text)},
                       follow_redirects=follow)


def post_form(client, url: str, data: dict | None = None, page_url: str | None = None, **kwargs):
    """Submit a form the way a browser does: with the CSRF token of the page it is on."""
    page = client.get(page_url or url)
    return client.post(url, data={"csrf_token": csrf_from(page.text), **(data or {})}, **kwargs)


@pytest.fixture
def people(app, api):
    return People(app, api)


@pytest.fixture
def app_config(app_config):
    """Cheap Argon2 parameters: the portal tests create and sign in many people."""
    return {**app_config, "PASSWORD_HASH_CHEAP": True}
