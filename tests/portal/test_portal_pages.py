"""Portal pages as a clerk and an admin use them (test client; Chromium paths are in test_browser.py)."""
from __future__ import annotations

import io
import re

from tests.conftest import tracking_number
from tests.portal.conftest import csrf_from, post_form


def test_clerk_registers_an_item_in_the_form_and_sees_its_page(people):
    client = people.client("clerk@a.example.com")
    number = tracking_number()
    response = post_form(client, "/portal/items/new", {
        "tracking_number": number.lower(), "service": "pl_official_letter", "sender_reference": "II K 7/26",
        "recipient_name": "Ewa Nowak", "address_line1": "ul. Długa 1", "postal_code": "00-001", "city": "Warszawa",
        "country": "PL", "phone": "601 234 567", "email": "ewa@example.com", "language": "pl"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/portal/items/{number}")
    page = client.get(response.headers["Location"]).text
    assert number in page and "Ewa Nowak" in page and "+48601234567" in page
    listing = client.get("/portal/?q=ewa").text
    assert number in listing


def test_form_shows_what_is_wrong_next_to_the_field(people):
    client = people.client("clerk@a.example.com")
    response = post_form(client, "/portal/items/new", {
        "tracking_number": "RR123456784PL", "service": "pl_official_letter", "recipient_name": "Ewa",
        "address_line1": "ul. Długa 1", "postal_code": "00-001", "city": "Warszawa", "country": "PL",
        "phone": "12"})
    assert response.status_code == 422
    assert 'id="tracking_number-error"' in response.text and 'id="phone-error"' in response.text
    assert "check digit" in response.text


def test_item_page_shows_attempt_position_alerts_and_proof_link(people, api):
    number = api.register().get_json()["tracking_number"]
    assert api.scan(number).status_code == 201
    client = people.client("clerk@a.example.com")
    page = client.get(f"/portal/items/{number}").text
    assert "52.22970, 21.01220" in page and "±8.5 m" in page
    assert "notice left" in page and "EMH" in page
    assert "+48601234567" in page  # the SMS alert and its status
    assert f"/portal/items/{number}/proof.pdf" in page


def test_list_filters_by_status_and_failed_alerts(app, people, api):
    from app.extensions import db
    from app.models import OutboxMessage

    waiting = api.register().get_json()["tracking_number"]
    api.scan(waiting)
    other = api.register().get_json()["tracking_number"]
    client = people.client("clerk@a.example.com")
    page = client.get("/portal/?status=awaiting_collection").text
    assert waiting in page and other not in page
    assert waiting not in client.get("/portal/?alerts_failed=true").text
    with app.app_context():
        message = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.channel == "sms"))
        message.status = "failed"
        db.session.commit()
    failed_page = client.get("/portal/?alerts_failed=true").text
    assert (waiting in failed_page and "alert failed" in failed_page) or "powiadomienie nieudane" in failed_page


def test_list_pages(people, api):
    for _ in range(30):
        api.register()
    client = people.client("clerk@a.example.com")
    first = client.get("/portal/").text
    assert "1 / 2" in first and 'rel="next"' in first
    second = client.get("/portal/?page=2").text
    assert len(re.findall(r'name="tracking_number" value=', second)) == 5


def test_admin_creates_key_sees_it_once_and_revokes_it(people, api):
    client = people.client("admin@a.example.com")
    response = post_form(client, "/portal/api-keys", {"name": "EZD"})
    page = client.get(response.headers["Location"]).text
    key = re.search(r'id="new-key">([^<]+)<', page).group(1)
    assert api.client.get("/api/v1/items", headers=api.auth(key)).status_code == 200
    again = client.get("/portal/api-keys").text
    assert key not in again and "EZD" in again
    key_id = re.findall(r"/portal/api-keys/(\d+)/revoke", again)[0]
    post_form(client, f"/portal/api-keys/{key_id}/revoke", page_url="/portal/api-keys")
    assert api.client.get("/api/v1/items", headers=api.auth(key)).status_code == 401


def test_clerk_cannot_manage_keys_webhooks_or_people(people):
    client = people.client("clerk@a.example.com")
    for url in ("/portal/api-keys", "/portal/webhooks", "/portal/people"):
        assert client.get(url).status_code == 403
    token = csrf_from(client.get("/portal/").text)
    assert client.post("/portal/api-keys", data={"name": "x", "csrf_token": token}).status_code == 403


def test_admin_invites_a_clerk_who_signs_up_through_the_link(app, people):
    admin = people.client("admin@a.example.com")
    response = post_form(admin, "/portal/people/invite", {"email": "new.clerk@a.example.com", "role": "sender_clerk"},
                         page_url="/portal/people")
    page = admin.get(response.headers["Location"]).text
    link = re.search(r'id="invitation-link">([^<]+)<', page).group(1)
    from app.extensions import db
    from app.models import OutboxMessage

    with app.app_context():
        mail = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.purpose == "portal_invitation"))
        assert mail.recipient == "new.clerk@a.example.com" and link in mail.body
    path = link.replace("http://awizo.test", "")
    newcomer = app.test_client()
    form = newcomer.get(path)
    assert "new.clerk@a.example.com" in form.text
    done = newcomer.post(path, data={"name": "Nowa", "password": "a long password", "password_confirm": "a long password",
                                     "csrf_token": csrf_from(form.text)})
    assert done.status_code == 302
    assert "Sąd Rejonowy Testowo" in newcomer.get("/portal/").text
    assert newcomer.get(path).status_code == 404  # single use
    assert newcomer.get("/portal/api-keys").status_code == 403  # a clerk


def test_webhook_page_shows_secret_once_and_test_event_in_the_log(people):
    client = people.client("admin@a.example.com")
    response = post_form(client, "/portal/webhooks", {"url": "https://hooks.example.com/in", "description": "EZD"})
    page = client.get(response.headers["Location"]).text
    assert re.search(r'id="webhook-secret">whsec_', page)
    test_url = re.search(r'action="(/portal/webhooks/\d+/test)"', page).group(1)
    post_form(client, test_url, page_url=response.headers["Location"])
    log = client.get(response.headers["Location"]).text
    assert "webhook.test" in log and "queued" in log and "whsec_" not in log


def test_csv_template_downloads_with_documented_columns(people):
    client = people.client("clerk@a.example.com")
    response = client.get("/portal/import/template.csv")
    assert response.mimetype == "text/csv"
    header = response.data.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("tracking_number,service,sender_reference,recipient_name")
    assert "phone" in client.get("/portal/import").text


def test_proofs_zip_contains_the_ticked_items_only(people, api):
    import zipfile

    a = api.register().get_json()["tracking_number"]
    b = api.register().get_json()["tracking_number"]
    c = api.register().get_json()["tracking_number"]
    client = people.client("clerk@a.example.com")
    response = client.get(f"/portal/proofs.zip?tracking_number={a}&tracking_number={b}")
    assert response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert f"proof-{a}-v1.pdf" in names and f"proof-{b}-v1.pdf" in names
    assert not any(c in name for name in names)
    other_sender = people.client("clerk@b.example.com").get(f"/portal/proofs.zip?tracking_number={a}")
    assert other_sender.status_code == 422 and "not registered by this sender" in other_sender.text


def test_proofs_zip_needs_a_range_or_a_selection(people):
    response = people.client("clerk@a.example.com").get("/portal/proofs.zip")
    assert response.status_code == 422 and "registered_from" in response.text


def test_api_reference_page_serves_the_vendored_viewer(client):
    page = client.get("/portal/api-reference")
    assert page.status_code == 200 and "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_the_webhook_page_describes_its_event_types_in_the_page_language(people):
    client = people.client("admin@a.example.com")
    response = post_form(client, "/portal/webhooks", {"url": "https://hooks.example.com/in", "event_types": "item.collected"})
    page = client.get(response.headers["Location"] + "?lang=en").text
    assert '<span class="mono">item.collected</span> — Item collected' in page
    # A bad page number of the delivery log shows the first page.
    assert "1 / 1" in client.get(response.headers["Location"] + "?page=abc&lang=en").text
