"""From his alerts page a recipient acts on an item waiting at his confirmed address, without a code."""
from __future__ import annotations

from tests.recipients.conftest import csrf_from
from tests.recipients.test_people_and_data import EMAIL, PHONE, _confirmed_subscriber


def test_the_management_page_links_each_waiting_item_to_its_actions(app, rec, api):
    number = rec.item_at()
    assert api.scan(number).status_code == 201
    token = _confirmed_subscriber(rec)
    page = rec.client.get(f"/alerts/m/{token}?lang=en").get_data(as_text=True)
    url = f"/alerts/m/{token}/items/{number}/actions"
    assert url in page

    form = rec.client.get(f"{url}?lang=en").get_data(as_text=True)
    assert 'name="claim_code"' not in form             # the signed link and the confirmed address prove it
    done = rec.client.post(f"{url}?lang=en", data={
        "csrf_token": csrf_from(form), "action": "authorise_collector", "name": "Anna Nowak",
        "id_type": "id_card", "id_last_digits": "0042"})
    assert done.status_code == 200
    assert f"Item {number}: Anna Nowak may collect it" in done.get_data(as_text=True)
    sent = {(m.channel, m.recipient) for m in rec.messages("recipient_action")}
    assert {("sms", PHONE), ("email", EMAIL)} <= sent
    event = next(e for e in api.item(number).get_json()["events"] if e["kind"] == "recipient_action")
    assert event["data"]["via"] == "manage" and event["data"]["name"] == "Anna Nowak"
    public = api.client.get(f"/v/{api.item(number).get_json()['verify_url'].rsplit('/', 1)[-1]}",
                            headers={"Accept": "application/json"}).get_json()
    shown = next(e for e in public["events"] if e["kind"] == "recipient_action")["data"]
    assert "id_last_digits" not in shown and "Nowak" not in shown["name"]

    no_csrf = rec.client.post(url, data={"action": "authorise_collector", "name": "Ewa Nowak",
                                         "id_type": "id_card", "id_last_digits": "0043"})
    assert no_csrf.status_code == 400


def test_an_item_at_another_address_is_not_his(app, rec, api):
    token = _confirmed_subscriber(rec)
    elsewhere = rec.item_at(address={"line1": "ul. Leśna 3", "postal_code": "00-950", "city": "Warszawa",
                                     "country": "PL"})
    assert api.scan(elsewhere).status_code == 201
    assert rec.client.get(f"/alerts/m/{token}/items/{elsewhere}/actions").status_code == 404
    assert rec.client.get(f"/alerts/m/not-a-token/items/{elsewhere}/actions").status_code == 404
