"""The sender's system receives signed case events; checks on attempts join the gathered evidence."""
from __future__ import annotations

from app.cases import set_checks_for_attempt
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


def test_checks_handed_in_appear_in_the_evidence_with_their_figures(app, cases):
    def checks(session, attempt):
        return [{"code": "far_from_address", "text": {"pl": "Skan 2,1 km od adresu", "en": "Scanned 2.1 km away"},
                 "distance_m": 2100.0}]

    set_checks_for_attempt(app, checks)
    _, token, _ = cases.item_with_notice()
    filed = cases.file(token).json
    path = filed["case_url"].replace("http://awizo.test", "")
    attempt = cases.client.get(path, headers={"Accept": "application/json"}).json["evidence"]["attempts"][0]
    assert attempt["checks"][0]["code"] == "far_from_address" and attempt["distance_m"] == 2100.0
    assert "Scanned 2.1 km away" in cases.client.get(path + "?lang=en").text
