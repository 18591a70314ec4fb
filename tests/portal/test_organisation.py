"""A sender's contact e-mail: set in the portal, over the API or at creation, and written to."""
import sqlalchemy as sa

from app.extensions import db
from app.models import Sender
from tests.portal.conftest import post_form


def test_the_api_reads_and_sets_only_the_keys_own_organisation(api, people):
    a, b = api.auth(api.sender_key), api.auth(people.key_b)
    assert api.client.get("/api/v1/sender", headers=a).json == {"name": api.client.get("/api/v1/sender", headers=a).json["name"],
                                                                 "contact_email": None}
    changed = api.client.patch("/api/v1/sender", json={"contact_email": "  Biuro@Sad.Example.com "}, headers=a)
    assert changed.status_code == 200 and changed.json["contact_email"] == "Biuro@sad.example.com"
    assert api.client.get("/api/v1/sender", headers=b).json["contact_email"] is None   # B is untouched
    assert api.client.patch("/api/v1/sender", json={"contact_email": None}, headers=a).json["contact_email"] is None


def test_a_bad_contact_address_is_refused_naming_the_field(api):
    for body in ({"contact_email": "not an address"}, {"contact_email": 42}, {"contact_email": "a@" + "b" * 400 + ".pl"},
                 {}):
        response = api.client.patch("/api/v1/sender", json=body, headers=api.auth(api.sender_key))
        assert response.status_code == 422 and response.mimetype == "application/problem+json", body
        assert response.json["errors"][0]["field"] == "contact_email"


def test_an_admin_sets_it_in_the_portal_and_a_clerk_cannot(app, people):
    admin = people.client("admin@a.example.com")
    page = admin.get("/portal/organisation")
    assert page.status_code == 200 and "Contact e-mail" in admin.get("/portal/organisation?lang=en").text
    bad = post_form(admin, "/portal/organisation", {"contact_email": "biuro@"})
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.text
    saved = post_form(admin, "/portal/organisation", {"contact_email": "sekretariat@sad.example.com"})
    assert saved.status_code == 200
    with app.app_context():
        assert db.session.get(Sender, people.sender_a_id).contact_email == "sekretariat@sad.example.com"
        assert db.session.get(Sender, people.sender_b_id).contact_email is None
    clerk = people.client("clerk@a.example.com")
    assert clerk.get("/portal/organisation").status_code in (302, 403)


def test_senders_create_takes_a_contact_address(app, runner):
    bad = runner.invoke(args=["senders", "create", "Sąd Okręgowy", "--contact-email", "nope"])
    assert bad.exit_code != 0 and "--contact-email" in bad.output
    ok = runner.invoke(args=["senders", "create", "Sąd Okręgowy", "--contact-email", "Kancelaria@Sad.example.com"])
    assert ok.exit_code == 0, ok.output
    with app.app_context():
        assert db.session.scalar(sa.select(Sender.contact_email).where(Sender.name == "Sąd Okręgowy")) == \
            "Kancelaria@sad.example.com"
