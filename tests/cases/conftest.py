"""Fixtures for cases: an item with a notice left, its record token, people who sign in."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.accounts import service as accounts
from app.extensions import db
from app.models import Item, OutboxMessage, Sender
from app.models.cases import Case

PASSWORD = "correct horse battery"


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


class Cases:
    """Registers items, leaves notices, files cases and reads what went out."""

    def __init__(self, app, client, api):
        self.app, self.client, self.api = app, client, api
        with app.app_context():
            sender = db.session.get(Sender, api.sender_id)
            accounts.create_user(db.session, "admin@sender.example.com", "sender_admin", sender, password=PASSWORD)
            accounts.create_user(db.session, "staff@operator.example.com", "staff", None, password=PASSWORD)

    def item_with_notice(self, **overrides) -> tuple[str, str, int]:
        """(tracking number, record token, attempt id) of an item whose notice was 'left'."""
        created = self.api.register(**overrides)
        assert created.status_code == 201, created.text
        number = created.json["tracking_number"]
        scanned = self.api.scan(number)
        assert scanned.status_code in (200, 201), scanned.text
        token = created.json["verify_url"].rsplit("/", 1)[1]
        with self.app.app_context():
            item = db.session.scalar(sa.select(Item).where(Item.tracking_number == number))
            return number, token, item.attempts[0].id

    def file(self, token: str, **overrides):
        body = {"kind": "no_notice_found", "message": "Nie było żadnego awizo w skrzynce.",
                "contact": {"email": "jan@example.com"}}
        body.update(overrides)
        return self.client.post(f"/v/{token}/cases", json=body)

    def messages(self, purpose: str | None = None, channel: str | None = None) -> list[OutboxMessage]:
        with self.app.app_context():
            query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
            if purpose:
                query = query.where(OutboxMessage.purpose == purpose)
            if channel:
                query = query.where(OutboxMessage.channel == channel)
            rows = db.session.scalars(query).all()
            db.session.expunge_all()
            return list(rows)

    def case(self, number: str) -> Case:
        with self.app.app_context():
            case = db.session.scalar(sa.select(Case).where(Case.number == number))
            db.session.expunge_all()
            return case

    def case_token(self, number: str) -> str:
        """The case link's token, as the messages carry it."""
        from app.cases.links import case_token

        case = self.case(number)
        return case_token(self.app.config["SECRET_KEY"], case.link_nonce)

    def confirm_email(self, address: str) -> None:
        """Open the confirmation link from the e-mail and press its button."""
        message = [m for m in self.messages("confirm_email") if m.recipient == address][-1]
        link = re.search(r"/c/confirm/[\w-]+", message.body).group(0)
        page = self.client.get(link)
        assert page.status_code == 200
        done = self.client.post(link, data={"csrf_token": csrf_from(page.text)})
        assert done.status_code == 200

    def staff_client(self):
        client = self.app.test_client()
        page = client.get("/login")
        client.post("/login", data={"email": "staff@operator.example.com", "password": PASSWORD,
                                    "csrf_token": csrf_from(page.text)})
        return client


@pytest.fixture
def cases(app, client, api):
    return Cases(app, client, api)
