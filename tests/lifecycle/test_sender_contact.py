"""The sender's contact address hears of deemed service, through the outbox, once."""
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import OutboxMessage
from tests.conftest import tracking_number


def test_the_sender_is_told_of_deemed_service_at_its_contact_address(api, lc):
    """The end of an official letter's cycle reaches the court's registry by e-mail, through the outbox."""
    notice = datetime(2026, 3, 23, 9, 0, tzinfo=timezone.utc)
    api.client.patch("/api/v1/sender", json={"contact_email": "biuro@sad.example.com"}, headers=api.auth(api.sender_key))
    number = tracking_number()
    with time_machine.travel(notice, tick=False) as clock:
        assert api.register(tracking_number=number, service="pl_official_letter").status_code == 201
        assert api.scan(number, occurred_at=notice.isoformat()).status_code == 201
        clock.move_to(datetime(2026, 3, 31, 6, 0, tzinfo=timezone.utc))
        lc.sweep()  # the repeat notice falls due
        clock.move_to(notice + timedelta(days=8, hours=1))
        assert api.scan(number, occurred_at=(notice + timedelta(days=8)).isoformat()).status_code == 201
        clock.move_to(datetime(2026, 4, 7, 22, 0, tzinfo=timezone.utc) + timedelta(days=1))
        lc.sweep()
    told = lc.messages(number, "sender_deemed_served")
    assert [(m.channel, m.recipient) for m in told] == [("email", "biuro@sad.example.com")]
    assert number in told[0].subject and "07.04.2026" in told[0].subject
    with lc.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.purpose == "sender_deemed_served")) == 1
