"""Opting in: proof of access to the address, confirmed contacts, lockout after wrong codes."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.errors import ValidationFailed
from app.extensions import db
from app.models.subscriptions import Contact, Subscriber
from app.models.types import utcnow
from app.recipients import subscriptions
from tests.recipients.conftest import errors_in

PHONE = "+48601234999"
EMAIL = "jan@example.org"


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_sign_up_without_proof_of_address_is_refused(app, rec):
    response = rec.sign_up(claim_code="")
    assert response.status_code == 422
    assert any("kod z awiza" in e for e in errors_in(response.get_data(as_text=True)))
    assert _count(app, Subscriber) == 0
    assert rec.messages() == []


def test_claim_code_for_another_address_is_refused(app, rec):
    elsewhere = rec.item_at({"line1": "ul. Długa 5", "postal_code": "00-238", "city": "Warszawa", "country": "PL"})
    code = rec.claim_code(elsewhere)
    response = rec.sign_up(claim_code=code)
    assert response.status_code == 422
    assert any("nie pasuje do podanego adresu" in e for e in errors_in(response.get_data(as_text=True)))
    assert _count(app, Subscriber) == 0
    assert rec.alert_targets(rec.item_at()) == set()


def test_claim_code_from_the_notice_activates_and_each_contact_is_confirmed(app, client, rec):
    code = rec.claim_code(rec.item_at())
    response = rec.sign_up(claim_code=code.lower().replace("-", " "))
    assert response.status_code == 302
    manage = response.location
    page = client.get(manage).get_data(as_text=True)
    assert "Adres potwierdzony" in page

    # Nothing goes to unconfirmed contacts.
    later_item = rec.item_at()
    assert rec.alert_targets(later_item) == set()

    sms_code = rec.sms_code(PHONE)
    contact_id = _contact_id(app, "sms")
    confirmed = rec.post(f"/alerts/m/{manage.split('/alerts/m/')[1].split('?')[0]}/contacts/{contact_id}/code",
                         {"code": sms_code}, page=manage)
    assert confirmed.status_code == 302
    assert "potwierdzony" in client.get(manage).get_data(as_text=True)
    assert rec.alert_targets(later_item) == {("sms", PHONE)}

    link = rec.email_link(EMAIL)
    assert link in rec.messages("confirm_email", EMAIL)[-1].body_html  # text and HTML parts
    path = link.split("awizo.test")[1]
    assert "Potwierdzam" in client.get(path).get_data(as_text=True)
    assert rec.alert_targets(later_item) == {("sms", PHONE)}  # opening the link alone confirms nothing
    assert rec.post(path, {}).status_code == 200
    assert rec.alert_targets(later_item) == {("sms", PHONE), ("email", EMAIL)}

    # The same paper code cannot be used twice.
    again = rec.sign_up(claim_code=code, phone="+48601000111", email="")
    assert again.status_code == 422


def test_codes_are_stored_only_as_hashes(app, rec):
    code = rec.claim_code(rec.item_at())
    rec.sign_up(claim_code=code)
    sms_code = rec.sms_code(PHONE)
    with app.app_context():
        dump = " ".join(str(v) for row in db.session.execute(sa.text("SELECT * FROM claim_codes")) for v in row)
        dump += " ".join(str(v) for row in db.session.execute(sa.text("SELECT * FROM subscriber_contacts")) for v in row)
    canonical = code.replace("-", "")
    assert canonical not in dump.replace("-", "") and sms_code not in dump


def _contact_id(app, channel: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Contact.id).where(Contact.channel == channel).order_by(Contact.id.desc()))


def test_wrong_sms_codes_lock_the_contact(app, client, rec):
    token = rec.signed_up(claim_code=rec.claim_code(rec.item_at()), email="", channels=["sms"])
    right = rec.sms_code(PHONE)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    contact_id = _contact_id(app, "sms")
    url, page = f"/alerts/m/{token}/contacts/{contact_id}/code", f"/alerts/m/{token}"
    for _ in range(subscriptions.MAX_CODE_FAILURES - 1):
        response = rec.post(url, {"code": wrong}, page=page)
        assert response.status_code == 422
        assert any("Kod jest nieprawidłowy" in e for e in errors_in(response.get_data(as_text=True)))
    locked = rec.post(url, {"code": wrong}, page=page)
    assert any("Za dużo błędnych prób" in e for e in errors_in(locked.get_data(as_text=True)))
    # Even the right code is refused now, and the page says the contact is locked.
    after = rec.post(url, {"code": right}, page=page)
    assert after.status_code == 422
    assert "zablokowany" in client.get(page).get_data(as_text=True)
    assert rec.alert_targets(rec.item_at()) == set()


def test_sms_code_expires(app, rec):
    rec.signed_up(claim_code=rec.claim_code(rec.item_at()), email="", channels=["sms"])
    code = rec.sms_code(PHONE)
    with app.app_context():
        contact = db.session.scalar(sa.select(Contact))
        late = utcnow() + timedelta(minutes=subscriptions.SMS_CODE_MINUTES + 1)
        try:
            subscriptions.confirm_sms_code(db.session, contact, code, secret=app.config["SECRET_KEY"],
                                           base_url=app.config["PUBLIC_BASE_URL"], now=late)
        except ValidationFailed as exc:
            assert exc.errors[0].message == "code_expired"
        else:
            raise AssertionError("an expired code was accepted")
        assert contact.confirmed_at is None


def test_code_sent_by_letter_activates_a_pending_subscription(app, client, rec, runner):
    response = rec.sign_up(proof="letter", email="", channels=["sms"])
    manage = response.location
    assert "Czekamy na kod" in client.get(manage).get_data(as_text=True)
    token = manage.split("/alerts/m/")[1].split("?")[0]
    rec.post(f"/alerts/m/{token}/contacts/{_contact_id(app, 'sms')}/code", {"code": rec.sms_code(PHONE)}, page=manage)
    item = rec.item_at()
    assert rec.alert_targets(item) == set()  # confirmed phone, but the address is not proven yet

    with app.app_context():
        subscriber_id = db.session.scalar(sa.select(Subscriber.id))
    due = runner.invoke(args=["recipients", "letters-due"])
    assert due.exit_code == 0 and due.output == ""
    issued = runner.invoke(args=["recipients", "letter-code", str(subscriber_id)])
    assert issued.exit_code == 0, issued.output
    letter_code = issued.output.strip().splitlines()[-1]
    assert "Polna 12/4" in issued.output and letter_code in issued.output
    assert str(subscriber_id) in runner.invoke(args=["recipients", "letters-due"]).output

    wrong = rec.post(f"/alerts/m/{token}/address", {"claim_code": "AAAA-BBBB-CC"}, page=manage)
    assert wrong.status_code == 422
    ok = rec.post(f"/alerts/m/{token}/address", {"claim_code": letter_code}, page=manage)
    assert ok.status_code == 302
    assert "Adres potwierdzony" in client.get(manage).get_data(as_text=True)
    assert rec.alert_targets(item) == {("sms", PHONE)}


def test_tampered_management_link_is_refused(app, client, rec):
    response = rec.sign_up(claim_code=rec.claim_code(rec.item_at()))
    token = response.location.split("/alerts/m/")[1].split("?")[0]
    assert client.get(f"/alerts/m/{token}").status_code == 200
    assert client.get(f"/alerts/m/{token[:-2]}xx").status_code == 404


def test_the_code_printed_on_the_handheld_notice_signs_the_recipient_up(app, client, rec, api):
    number = rec.item_at()
    assert api.scan(number).status_code == 201
    printed = api.client.get(f"/h/api/notice/{number}", headers=api.auth(api.device_token)).json["claim_code"]
    reprinted = api.client.get(f"/h/api/notice/{number}", headers=api.auth(api.device_token)).json["claim_code"]
    assert printed == reprinted
    response = rec.sign_up(claim_code=printed)
    assert response.status_code == 302
    assert "Adres potwierdzony" in client.get(response.location).get_data(as_text=True)
