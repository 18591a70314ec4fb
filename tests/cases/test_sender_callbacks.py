"""The sender's system receives signed case events; checks on attempts join the gathered evidence."""
from __future__ import annotations

import html

from tests.checks.test_attempt_checks import HOME, KM_PER_DEG_LAT
from tests.portal import test_webhook_delivery as webhooks
from tests.portal.test_webhook_delivery import run_worker

# The same local receiver and settings as the webhook delivery tests.
app_config = webhooks.app_config
receiver = webhooks.receiver


def test_the_senders_system_gets_a_signed_case_opened_event(app, api, cases, receiver):
    created = api.client.post("/api/v1/webhooks", json={"url": receiver.url, "event_types": ["case.opened"]},
                              headers=api.auth(api.sender_key)).json
    receiver.secret = created["secret"]
    number, token, attempt_id = cases.item_with_notice()
    filed = cases.file(token, attempt_id=attempt_id, contact={"email": "private@example.com"}).json
    run_worker(app)
    assert receiver.refused == 0
    (event,) = receiver.received
    assert event["type"] == "case.opened"
    assert event["data"]["item"]["tracking_number"] == number
    assert event["data"]["event"]["data"]["case_number"] == filed["case_number"]
    assert event["data"]["event"]["data"]["attempt_id"] == attempt_id
    assert "private@example.com" not in str(event)  # the recipient's contact is not the sender's business


def test_the_attempts_checks_and_print_appear_in_the_evidence_with_their_figures(app, cases, api):
    """A scan 2.1 km north of the address point: the case shows the check, the distance, no print."""
    address = {"line1": "ul. Polna 12", "postal_code": "00-950", "city": "Warszawa", "country": "PL",
               "location": dict(HOME)}
    created = api.register(recipient={"name": "Jan Kowalski", "address": address, "email": "jan@example.com"})
    number, token = created.json["tracking_number"], created.json["verify_url"].rsplit("/", 1)[1]
    north = {"lat": HOME["lat"] + 2.1 / KM_PER_DEG_LAT, "lon": HOME["lon"], "accuracy_m": 10.0}
    assert api.scan(number, location=north).status_code == 201
    path = cases.file(token).json["case_url"].replace("http://awizo.test", "")
    attempt = cases.client.get(path, headers={"Accept": "application/json"}).json["evidence"]["attempts"][0]
    far = next(c for c in attempt["checks"] if c["code"] == "far_from_address")
    assert round(far["distance_m"]) == 2100 and round(attempt["distance_m"]) == 2100
    assert attempt["paper_notice_printed"] is False
    assert "2.1 km" in far["text"]["en"] and "2,1 km" in far["text"]["pl"]
    assert far["text"]["en"] in html.unescape(cases.client.get(path + "?lang=en").text)

    assert api.client.post(f"/h/api/notice/{number}/printed", headers=api.auth(api.device_token)).status_code == 201
    attempt = cases.client.get(path, headers={"Accept": "application/json"}).json["evidence"]["attempts"][0]
    assert attempt["paper_notice_printed"] is True
