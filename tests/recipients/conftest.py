"""Fixtures for the recipients' pages: items at an address, claim codes, the outbox, forms."""
from __future__ import annotations

import re
from html import unescape

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Item, OutboxMessage
from app.models.types import utcnow
from app.recipients import subscriptions

ADDRESS = {"line1": "ul. Polna 12 m. 4", "postal_code": "00-950", "city": "Warszawa", "country": "PL"}


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def errors_in(html: str) -> list[str]:
    """Error sentences shown next to fields and in the summary at the top of the form."""
    found = re.findall(r'<p class="error"[^>]*>([^<]+)</p>', html)
    summary = re.search(r'id="error-summary">(.*?)</div>', html, re.S)
    if summary:
        found += re.findall(r"<li>(?:<a [^>]*>)?([^<]+)", summary.group(1))
    return [unescape(m) for m in found]


class Recipients:
    """Drives the /alerts pages like a person with a browser-less client would."""

    def __init__(self, app, client, api):
        self.app, self.client, self.api = app, client, api

    def item_at(self, address: dict | None = None, phone: str | None = None, email: str | None = None) -> str:
        recipient = {"name": "Jan Kowalski", "address": address or ADDRESS, "language": "pl"}
        if phone:
            recipient["phone"] = phone
        if email:
            recipient["email"] = email
        response = self.api.register(recipient=recipient)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["tracking_number"]

    def claim_code(self, number: str) -> str:
        with self.app.app_context():
            item = db.session.scalar(sa.select(Item).where(Item.tracking_number == number))
            code = subscriptions.issue_claim_code(db.session, item, now=utcnow(), secret=self.app.config["SECRET_KEY"])
            db.session.commit()
            return code

    def form(self, **overrides) -> dict:
        data = {"name": "Jan Kowalski", "line1": "Polna 12/4", "postal_code": "00950", "city": "warszawa",
                "country": "PL", "phone": "601 234 999", "email": "jan@example.org", "channels": ["sms", "email"],
                "language": "pl", "quiet_start": "21:00", "quiet_end": "08:00", "proof": "code", "claim_code": ""}
        data.update(overrides)
        return data

    def post(self, url: str, data: dict | None = None, page: str | None = None):
        html = self.client.get(page or url).get_data(as_text=True)
        return self.client.post(url, data={**(data or {}), "csrf_token": csrf_from(html)})

    def sign_up(self, **overrides):
        return self.post("/alerts/", self.form(**overrides))

    def signed_up(self, **overrides) -> str:
        """Sign up and return the token of the management link the person is sent to."""
        response = self.sign_up(**overrides)
        assert response.status_code == 302, errors_in(response.get_data(as_text=True))
        return response.location.split("/alerts/m/")[1].split("?")[0]

    def messages(self, purpose: str | None = None, recipient: str | None = None) -> list[OutboxMessage]:
        with self.app.app_context():
            stmt = sa.select(OutboxMessage).order_by(OutboxMessage.id)
            if purpose:
                stmt = stmt.where(OutboxMessage.purpose == purpose)
            if recipient:
                stmt = stmt.where(OutboxMessage.recipient == recipient)
            rows = list(db.session.scalars(stmt))
            db.session.expunge_all()
            return rows

    def sms_code(self, phone: str) -> str:
        body = self.messages("confirm_sms", phone)[-1].body
        return re.search(r"\b(\d{6})\b", body).group(1)

    def email_link(self, address: str) -> str:
        body = self.messages("confirm_email", address)[-1].body
        return re.search(r"(https?://\S+/alerts/confirm/\S+)", body).group(1)

    def alert_targets(self, number: str) -> set[tuple[str, str]]:
        with self.app.app_context():
            item = db.session.scalar(sa.select(Item).where(Item.tracking_number == number))
            found = subscriptions.alert_recipients(db.session, item, base_url="http://awizo.test", now=utcnow(),
                                                   secret=self.app.config["SECRET_KEY"])
            return {(r.channel, r.address) for r in found}


@pytest.fixture
def rec(app, client, api):
    return Recipients(app, client, api)
