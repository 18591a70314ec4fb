"""Messaging tests: providers are wired to the real local servers a test asks for.

A test that uses ``smtp_server`` gets SMTP pointed at it; ``twilio_stub`` or ``prism_server``
turn Twilio on against that server; ``quiet_hours_on`` keeps the default 21:00–08:00 SMS
quiet hours (off otherwise, so results do not depend on the hour the suite runs).
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tests.support.twilio_server import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, TEST_FROM_NUMBER


@pytest.fixture
def quiet_hours_on():
    return "21:00-08:00"


@pytest.fixture
def app_config(app_config, request):
    cfg = dict(app_config, SMS_QUIET_HOURS="off", SMS_RATE_PER_SECOND=1000, TWILIO_AUTH_TOKEN=TEST_AUTH_TOKEN,
               OUTBOX_BACKOFF_SECONDS=30, OUTBOX_MAX_ATTEMPTS=5, MAIL_FROM="Awizo <awizo@awizo.test>")
    names = request.fixturenames
    if "quiet_hours_on" in names:
        cfg["SMS_QUIET_HOURS"] = request.getfixturevalue("quiet_hours_on")
    if "smtp_server" in names:
        server = request.getfixturevalue("smtp_server")
        cfg.update(SMTP_HOST=server.host, SMTP_PORT=server.port)
    base = None
    if "twilio_stub" in names:
        base = request.getfixturevalue("twilio_stub").url
    elif "prism_server" in names:
        base = request.getfixturevalue("prism_server").url
    if base:
        cfg.update(TWILIO_ACCOUNT_SID=TEST_ACCOUNT_SID, TWILIO_FROM_NUMBER=TEST_FROM_NUMBER,
                   TWILIO_API_BASE_URL=base)
    return cfg


@pytest.fixture
def outbox(app):
    """Read the outbox as a test would check it: a list of plain dicts, oldest first."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import OutboxMessage

    def read(**filters) -> list[dict]:
        with app.app_context():
            rows = db.session.scalars(sa.select(OutboxMessage).filter_by(**filters).order_by(OutboxMessage.id)).all()
            result = [{c.name: getattr(row, c.name) for c in OutboxMessage.__table__.columns} for row in rows]
            db.session.remove()
            return result

    return read


@pytest.fixture
def worker(app, runner):
    """Run ``flask worker --once`` the way an operator would; returns the CLI result."""
    def run():
        result = runner.invoke(args=["worker", "--once"])
        assert result.exit_code == 0, result.output + repr(result.exception)
        return result

    return run


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)
