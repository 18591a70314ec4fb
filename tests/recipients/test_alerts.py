"""A left notice reaches confirmed subscribers at the address and their confirmed delegates."""
from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models.subscriptions import Contact
from tests.recipients.test_people_and_data import DELEGATE_PHONE, EMAIL, PHONE, _confirmed_subscriber


def _notice_left_to(rec, number: str) -> set[tuple[str, str]]:
    item_id = _item_id(rec, number)
    return {(m.channel, m.recipient) for m in rec.messages("notice_left") if m.item_id == item_id}


def _item_id(rec, number: str) -> int:
    from app.models import Item

    with rec.app.app_context():
        return db.session.scalar(sa.select(Item.id).where(Item.tracking_number == number))


def test_notice_alerts_reach_subscribers_and_confirmed_delegates_only(app, client, rec, api):
    token = _confirmed_subscriber(rec)
    page = f"/alerts/m/{token}"
    rec.post(f"{page}/delegates", {"delegate_name": "Anna Nowak", "delegate_role": "family",
                                   "delegate_phone": DELEGATE_PHONE, "delegate_language": "en"}, page=page)

    first = rec.item_at()  # the sender gave no phone or e-mail for this item
    assert api.scan(first).status_code in (200, 201)
    assert _notice_left_to(rec, first) == {("sms", PHONE), ("email", EMAIL)}
    email = next(m for m in rec.messages("notice_left", EMAIL) if m.item_id == _item_id(rec, first))
    assert "/alerts/m/" in email.body  # the way to change or stop the alerts

    rec.post("/alerts/code", {"phone": DELEGATE_PHONE, "code": rec.sms_code(DELEGATE_PHONE)})
    second = rec.item_at()
    api.scan(second)
    assert _notice_left_to(rec, second) == {("sms", PHONE), ("email", EMAIL), ("sms", DELEGATE_PHONE)}
    delegate_sms = next(m for m in rec.messages("notice_left", DELEGATE_PHONE))
    assert delegate_sms.language == "en" and "awaits" in delegate_sms.body
    assert delegate_sms.body.startswith("Awizo (addressee: Jan Kowalski): ")   # whose letter it is
    holder_sms = next(m for m in rec.messages("notice_left", PHONE) if m.item_id == _item_id(rec, second))
    assert "Jan Kowalski" not in holder_sms.body


def test_no_alert_before_the_address_is_proven(app, rec, api):
    token = rec.signed_up(proof="letter", email="", channels=["sms"])
    with app.app_context():
        contact_id = db.session.scalar(sa.select(Contact.id))
    page = f"/alerts/m/{token}"
    rec.post(f"{page}/contacts/{contact_id}/code", {"code": rec.sms_code(PHONE)}, page=page)
    number = rec.item_at()
    api.scan(number)
    assert _notice_left_to(rec, number) == set()


def test_the_public_record_links_to_the_sign_up(client, rec, api):
    number = rec.item_at()
    token = api.item(number).get_json()["verify_url"].rsplit("/", 1)[1]
    html = client.get(f"/v/{token}").get_data(as_text=True)
    assert 'href="/alerts/?lang=' in html


def test_the_home_page_links_to_the_sign_up(client):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert 'href="/alerts/?lang=en"' in html and "Sign up for SMS and e-mail" in html


def test_a_contact_given_by_a_sender_is_used_for_that_item_only(rec, api):
    with_phone = rec.item_at(phone="+48603000111")
    api.scan(with_phone)
    assert _notice_left_to(rec, with_phone) == {("sms", "+48603000111")}
    without = rec.item_at()
    api.scan(without)
    assert _notice_left_to(rec, without) == set()


def test_the_settings_page_shows_a_stop_sent_by_sms(app, client, rec):
    from app.messaging import suppressions
    from app.models.types import utcnow

    token = _confirmed_subscriber(rec)
    assert "Odpisz START" not in client.get(f"/alerts/m/{token}").get_data(as_text=True)
    with app.app_context():
        suppressions.suppress(db.session, "sms", PHONE, "stop", now=utcnow(), source="inbound_sms")
        db.session.commit()
    assert "Odpisz START" in client.get(f"/alerts/m/{token}").get_data(as_text=True)


def test_the_sender_sees_its_own_contacts_not_those_the_recipient_registered(app, rec, api):
    from tests.proofs.pdftools import pdf_text

    _confirmed_subscriber(rec)
    number = rec.item_at()  # the sender gave no phone or e-mail for this item
    assert api.scan(number).status_code in (200, 201)
    record = api.item(number).get_json()
    alerts = [n for n in record["notifications"] if n["purpose"] == "notice_left"]
    assert {n["channel"] for n in alerts} == {"sms", "email"}
    assert all(n["to"] is None and n["opted_in"] for n in alerts)
    assert record["recipient"]["opted_in"] == ["email", "sms"]
    text = str(record)
    assert PHONE not in text and EMAIL not in text

    portal_proof = api.client.get(f"/api/v1/items/{number}/proof.pdf", headers=api.auth(api.sender_key))
    proof = " ".join(pdf_text(portal_proof.data).split())
    assert PHONE not in proof and EMAIL not in proof and "recipient opted in" in proof


def test_opting_in_tells_at_once_of_the_items_already_waiting(app, rec, api):
    waiting = rec.item_at()
    other = rec.item_at()
    assert api.scan(waiting).status_code == 201 and api.scan(other).status_code == 201
    token = _confirmed_subscriber(rec)   # signs up with the code from a notice, then confirms SMS and e-mail
    deadline = api.item(waiting).get_json()["deadlines"]["collect_by"]
    day = ".".join(reversed(deadline.split("-")))
    [sms] = rec.messages("catch_up", PHONE)
    [email] = rec.messages("catch_up", EMAIL)
    assert sms.body.startswith("Awizo: czeka już na Ciebie 2 przes.;") and day in sms.body
    for number in (waiting, other):
        assert number in email.body
        assert api.item(number).get_json()["verify_url"] in email.body
    assert "uznana za doręczoną" in email.body                    # official letters: the deemed-service date
    assert len(rec.messages("catch_up")) == 2                      # once per contact, not again

    page = rec.client.get(f"/alerts/m/{token}?lang=en").get_data(as_text=True)
    assert "Items waiting for collection" in page
    for number in (waiting, other):
        assert f'>{number}</a>' in page
    assert f"collect by {day}" in page
