"""Shared fixtures: the app on SQLite or PostgreSQL, clients, and factories.

The database comes from ``TEST_DATABASE_URL``: unset means SQLite (a migrated template file
copied for each test); a PostgreSQL URL means a fresh database created for this run,
migrated once and truncated after each test.
"""
from __future__ import annotations

import os
import shutil
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

os.environ.setdefault("SECRET_KEY", "test-secret-key")
for _name in ("DATABASE_URL", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER",
              "TWILIO_API_BASE_URL", "SMTP_HOST", "SMTP_USERNAME", "SMTP_PASSWORD", "PUBLIC_BASE_URL"):
    os.environ.pop(_name, None)
# Command-line output in English whatever the developer's locale (app/web/cli_text.py); the tests
# of other languages pass AWIZO_LANG to the command they run.
os.environ["AWIZO_LANG"] = "en"

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from notices import s10  # noqa: E402
from tests.support import required  # noqa: E402

# Fixture modules owned by each area (real local servers: SMTP, Twilio-compatible, TSA…).
pytest_plugins: list[str] = ["tests.support.twilio_server", "tests.support.smtp_server", "tests.support.tsa"]

PUBLIC_BASE_URL = "http://awizo.test"


def pytest_sessionstart(session):
    """In CI (CI=true), refuse to run without Redis, Chromium, PostgreSQL or the Twilio description."""
    required.check_all()
    _compile_catalogs()


def _compile_catalogs() -> None:
    """The .mo files as `make i18n-compile` builds them, when a .po is newer (pytest run directly)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    from notices.i18n import LOCALE_DIR

    for po in LOCALE_DIR.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        with mo.open("wb") as target:
            write_mo(target, catalog)


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade(revision="heads")
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.engine.dispose()


@pytest.fixture(scope="session")
def database(tmp_path_factory):
    """Yields a callable giving a clean, migrated database URL for each test."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        template = tmp_path_factory.mktemp("db") / "template.sqlite3"
        _migrate(f"sqlite:///{template}")
        counter = iter(range(1_000_000))

        def fresh() -> str:
            copy = template.with_name(f"test-{next(counter)}.sqlite3")
            shutil.copyfile(template, copy)
            return f"sqlite:///{copy}"

        yield fresh
        return

    from app.settings import database_uri

    admin_url = sa.engine.make_url(database_uri(base, "."))
    name = f"awizo_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    _migrate(url)
    engine = sa.create_engine(url)
    tables = ", ".join(f'"{t}"' for t in db.metadata.tables)

    def fresh() -> str:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        return url

    yield fresh
    engine.dispose()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def app_config(database):
    """Overridable test configuration; external providers are off unless a test turns them on."""
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database(),
        "SECRET_KEY": "test-secret-key",
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "WTF_CSRF_ENABLED": True,
        "TWILIO_ACCOUNT_SID": None,
        "TWILIO_AUTH_TOKEN": None,
        "TWILIO_FROM_NUMBER": None,
        "TWILIO_API_BASE_URL": None,
        "SMTP_HOST": None,
    }


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db_session(app):
    with app.app_context():
        yield db.session


# -- factories -----------------------------------------------------------------------------

_serials = iter(range(10_000_000, 99_999_999, 7919))


def tracking_number(service: str = "RR", country: str = "PL") -> str:
    """A fresh, valid S10 number for each call."""
    return s10.make(service, next(_serials), country)


def item_payload(**overrides) -> dict:
    payload = {
        "tracking_number": tracking_number(),
        "service": "pl_official_letter",
        "sender_reference": "SYGN. I C 123/26",
        "recipient": {
            "name": "Jan Kowalski",
            "address": {"line1": "ul. Polna 12 m. 4", "postal_code": "00-950", "city": "Warszawa", "country": "PL"},
            "phone": "+48601234567",
            "email": "jan.kowalski@example.com",
            "language": "pl",
        },
    }
    payload.update(overrides)
    return payload


def scan_payload(number: str, **overrides) -> dict:
    payload = {
        "tracking_number": number,
        "outcome": "notice_left",
        "occurred_at": (datetime.now(timezone.utc) - timedelta(minutes=2)).isoformat(),
        "location": {"lat": 52.2297, "lon": 21.0122, "accuracy_m": 8.5},
    }
    payload.update(overrides)
    return payload


class Api:
    """Small helper around the test client that knows the demo sender and carrier tokens."""

    def __init__(self, app, client):
        from app.delivery.cli import create_carrier
        from app.senders.cli import create_sender

        self.app, self.client = app, client
        with app.app_context():
            self.sender, self.sender_key = create_sender("Sąd Rejonowy Testowo")
            self.carrier, self.device_token = create_carrier("Anna Listonosz")
            self.sender_id, self.carrier_id = self.sender.id, self.carrier.id

    def new_sender(self, name: str) -> str:
        from app.senders.cli import create_sender

        with self.app.app_context():
            return create_sender(name)[1]

    def new_carrier(self, name: str) -> str:
        from app.delivery.cli import create_carrier

        with self.app.app_context():
            return create_carrier(name)[1]

    @staticmethod
    def auth(token: str, **headers) -> dict:
        return {"Authorization": f"Bearer {token}", **headers}

    def register(self, key: str | None = None, **overrides):
        return self.client.post("/api/v1/items", json=item_payload(**overrides),
                                headers=self.auth(key or self.sender_key))

    def scan(self, number: str, key: str | None = None, token: str | None = None, **overrides):
        return self.client.post("/api/v1/scans", json=scan_payload(number, **overrides),
                                headers=self.auth(token or self.device_token, **{"Idempotency-Key": key or uuid.uuid4().hex}))

    def item(self, number: str, key: str | None = None):
        return self.client.get(f"/api/v1/items/{number}", headers=self.auth(key or self.sender_key))


@pytest.fixture
def api(app, client):
    return Api(app, client)
