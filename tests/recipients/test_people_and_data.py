"""Delegates, preferences, export and deletion, and the staff timeline of one person."""
from __future__ import annotations

import json

import sqlalchemy as sa

from app.accounts import service as accounts
from app.extensions import db
from app.messaging import suppressions
from app.messaging.outbox_settings import OutboxSettings
from app.models import Attempt, OutboxMessage
from app.models.subscriptions import Contact, Subscriber
from app.models.types import utcnow
from tests.recipients.conftest import csrf_from, errors_in

PHONE = "+48601234999"
EMAIL = "jan@example.org"
DELEGATE_PHONE = "+48602555777"
DELEGATE_EMAIL = "adwokat@example.org"


def _confirmed_subscriber(rec) -> str:
    """A holder with both contacts confirmed; returns the management token."""
    token = rec.signed_up(claim_code=rec.claim_code(rec.item_at()))
    page = f"/alerts/m/{token}"
    with rec.app.app_context():
        contact_id = db.session.scalar(sa.select(Contact.id).where(Contact.channel == "sms"))
    assert rec.post(f"{page}/contacts/{contact_id}/code", {"code": rec.sms_code(PHONE)}, page=page).status_code == 302
    link = rec.email_link(EMAIL).split("awizo.test")[1]
    assert rec.post(link, {}).status_code == 200
    return token


def test_delegate_gets_alerts_only_after_confirming_their_own_contact(app, client, rec):
    token = _confirmed_subscriber(rec)
    page = f"/alerts/m/{token}"
    added = rec.post(f"{page}/delegates", {"delegate_name": "Anna Nowak", "delegate_role": "attorney",
                                           "delegate_phone": "602 555 777", "delegate_email": DELEGATE_EMAIL,
                                           "delegate_language": "en"}, page=page)
    assert added.status_code == 302
    assert "Anna Nowak" in client.get(page).get_data(as_text=True)
    item = rec.item_at()
    assert rec.alert_targets(item) == {("sms", PHONE), ("email", EMAIL)}

    invitation = rec.messages("confirm_sms", DELEGATE_PHONE)[-1].body
    assert "Jan" in invitation and "/alerts/code" in invitation
    code = rec.sms_code(DELEGATE_PHONE)
    wrong = rec.post("/alerts/code", {"phone": DELEGATE_PHONE, "code": f"{(int(code) + 1) % 1_000_000:06d}"})
    assert wrong.status_code == 422
    assert rec.alert_targets(item) == {("sms", PHONE), ("email", EMAIL)}

    right = rec.post("/alerts/code?lang=en", {"phone": "602555777", "code": code})
    assert right.status_code == 200 and "Contact confirmed" in right.get_data(as_text=True)
    assert rec.alert_targets(item) == {("sms", PHONE), ("email", EMAIL), ("sms", DELEGATE_PHONE)}
    rec.post(rec.email_link(DELEGATE_EMAIL).split("awizo.test")[1], {})
    assert ("email", DELEGATE_EMAIL) in rec.alert_targets(item)

    # The holder removes the delegate: their alerts stop.
    with app.app_context():
        delegate_id = db.session.scalar(sa.select(Subscriber.id).where(Subscriber.principal_id.is_not(None)))
    assert rec.post(f"{page}/delegates/{delegate_id}/remove", {}, page=page).status_code == 302
    assert rec.alert_targets(item) == {("sms", PHONE), ("email", EMAIL)}


def test_preferences_stop_a_channel_and_change_language_and_quiet_hours(app, client, rec):
    token = _confirmed_subscriber(rec)
    page = f"/alerts/m/{token}"
    bad = rec.post(f"{page}/preferences", {"channels": ["email"], "language": "en", "quiet_start": "25:00",
                                           "quiet_end": "07:00"}, page=page)
    assert bad.status_code == 422 and errors_in(bad.get_data(as_text=True))
    saved = rec.post(f"{page}/preferences", {"channels": ["email"], "language": "en", "quiet_start": "22:30",
                                             "quiet_end": "07:00"}, page=page)
    assert saved.status_code == 302
    assert rec.alert_targets(rec.item_at()) == {("email", EMAIL)}
    with app.app_context():
        holder = db.session.scalar(sa.select(Subscriber))
        assert (holder.language, holder.quiet_start, holder.quiet_end) == ("en", "22:30", "07:00")
        sms = OutboxMessage(channel="sms", recipient=PHONE, purpose="notice_left", body="x", dedupe_key="t")
        quiet = OutboxSettings.from_app(app).quiet_hours(db.session, sms)
        assert (quiet.start.isoformat(), quiet.end.isoformat()) == ("22:30:00", "07:00:00")
    assert "Settings" in client.get(f"{page}?lang=en").get_data(as_text=True)


def test_export_holds_everything_and_delete_keeps_attempts_without_contacts(app, client, rec, api):
    token = _confirmed_subscriber(rec)
    page = f"/alerts/m/{token}"
    # An alert went to the person's phone (the sender gave the same number for an item).
    number = rec.item_at(phone=PHONE)
    scan = api.scan(number)
    assert scan.status_code in (200, 201), scan.get_json()
    alerts = rec.messages("notice_left", PHONE)
    assert alerts
    suppressions_ts = utcnow()
    with app.app_context():
        suppressions.suppress(db.session, "sms", PHONE, "stop", now=suppressions_ts, source="inbound_sms")
        db.session.commit()

    exported = client.get(f"{page}/export.json")
    assert exported.status_code == 200 and "attachment" in exported.headers["Content-Disposition"]
    data = json.loads(exported.data)
    assert data["name"] == "Jan Kowalski" and data["address"]["line1"] == "Polna 12/4"
    assert {(c["channel"], c["address"]) for c in data["contacts"]} == {("sms", PHONE), ("email", EMAIL)}
    assert all(c["confirmed_at"] for c in data["contacts"])
    kinds = [e["kind"] for e in data["events"]]
    assert {"subscribed", "address_verified", "contact_confirmed"} <= set(kinds)
    purposes = {m["purpose"] for m in data["messages"]}
    assert {"confirm_sms", "confirm_email", "notice_left"} <= purposes
    assert any(m["item"] == number for m in data["messages"])
    assert data["opt_outs"][0]["reason"] == "stop"
    assert data["claim_codes"][0]["kind"] == "notice"
    assert data["quiet_hours"] == {"start": "21:00", "end": "08:00", "timezone": "Europe/Warsaw"}

    with app.app_context():
        attempts_before = db.session.scalar(sa.select(sa.func.count()).select_from(Attempt))
    unconfirmed = rec.post(f"{page}/delete", {}, page=f"{page}/delete")
    assert unconfirmed.status_code == 422
    deleted = rec.post(f"{page}/delete", {"confirm": "yes"}, page=f"{page}/delete")
    assert deleted.status_code == 200 and "Subskrypcja usunięta" in deleted.get_data(as_text=True)

    assert client.get(page).status_code == 404  # the signed link is dead
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == attempts_before
        holder = db.session.scalar(sa.select(Subscriber))
        assert holder.status == "deleted" and holder.name is None and holder.address_line1 is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact)) == 0
        kept = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id.in_([m.id for m in alerts]))).all()
        assert kept and all(m.recipient == "[redacted]" for m in kept)
        everything = " ".join(f"{m.recipient} {m.body}" for m in db.session.scalars(sa.select(OutboxMessage)))
        assert PHONE not in everything and EMAIL not in everything
    assert rec.alert_targets(rec.item_at()) == set()


def test_staff_read_one_timeline_per_person(app, client, rec, api):
    token = _confirmed_subscriber(rec)
    number = rec.item_at(phone=PHONE)
    api.scan(number)
    with app.app_context():
        suppressions.suppress(db.session, "sms", PHONE, "stop", now=utcnow(), source="inbound_sms")
        db.session.commit()
        subscriber_id = db.session.scalar(sa.select(Subscriber.id))
    page = f"/alerts/staff/{subscriber_id}"
    assert client.get(page).status_code == 302  # not signed in: to the sign-in page

    with app.app_context():
        accounts.create_user(db.session, "staff@example.org", "staff", None, password="staff-password-1")
        db.session.commit()
    login_page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": "staff@example.org", "password": "staff-password-1",
                                "csrf_token": csrf_from(login_page)})
    found = client.get("/alerts/staff/?q=601234999").get_data(as_text=True)
    assert "Jan Kowalski" in found
    html = client.get(f"{page}?lang=en").get_data(as_text=True)
    timeline = html.split('data-testid="timeline"')[1]
    for kind in ("subscribed", "address_verified", "message_confirm_sms", "contact_confirmed",
                 "message_notice_left", "opted_out"):
        assert kind in timeline, kind
    assert number in timeline
    assert timeline.index("subscribed") < timeline.index("message_notice_left") < timeline.index("opted_out")
    assert token  # the person's own link is not needed by staff


def test_staff_see_an_alert_held_by_the_persons_quiet_hours_and_until_when(app, client, rec, api):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    night = datetime(2026, 12, 4, 22, 40, tzinfo=ZoneInfo("Europe/Warsaw"))  # quiet hours 21:00–08:00
    with time_machine.travel(night, tick=False):
        _confirmed_subscriber(rec)
        number = rec.item_at(phone=PHONE)
        assert api.scan(number).status_code == 201
        with app.app_context():
            subscriber_id = db.session.scalar(sa.select(Subscriber.id))
            accounts.create_user(db.session, "staff@example.org", "staff", None, password="staff-password-1")
            db.session.commit()
        login_page = client.get("/login").get_data(as_text=True)
        client.post("/login", data={"email": "staff@example.org", "password": "staff-password-1",
                                    "csrf_token": csrf_from(login_page)})
        for lang, words in (("en", "held until 08:00 (quiet hours)"), ("pl", "wstrzymany do 08:00 (godziny ciszy)")):
            timeline = client.get(f"/alerts/staff/{subscriber_id}?lang={lang}").get_data(as_text=True)
            entries = timeline.split('data-testid="timeline"')[1].split("<li>")
            [sms] = [e for e in entries if "message_notice_left" in e and "channel=sms" in e]
            [mail] = [e for e in entries if "message_notice_left" in e and "channel=email" in e]
            assert words in sms and "status=queued" not in sms, sms
            assert "status=sent" in mail or "status=queued" in mail
            assert "08:00" not in mail
