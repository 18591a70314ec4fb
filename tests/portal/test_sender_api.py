"""The sender API beyond one item: list with filters and pages, bulk registration, keys, webhooks."""
from __future__ import annotations

from tests.conftest import item_payload


def test_list_items_pages_and_filters(api):
    numbers = [api.register(sender_reference=f"REF-{i}").get_json()["tracking_number"] for i in range(5)]
    api.scan(numbers[0])
    h = api.auth(api.sender_key)
    page = api.client.get("/api/v1/items?per_page=2", headers=h).get_json()
    assert page["total"] == 5 and len(page["items"]) == 2 and page["next"] and page["prev"] is None
    second = api.client.get(page["next"], headers=h).get_json()
    assert len(second["items"]) == 2 and not {i["tracking_number"] for i in second["items"]} & {
        i["tracking_number"] for i in page["items"]}
    waiting = api.client.get("/api/v1/items?status=awaiting_collection", headers=h).get_json()
    assert [i["tracking_number"] for i in waiting["items"]] == [numbers[0]]
    soon = api.client.get("/api/v1/items?deadline_within_days=30", headers=h).get_json()
    assert [i["tracking_number"] for i in soon["items"]] == [numbers[0]]
    by_ref = api.client.get("/api/v1/items?q=ref-3", headers=h).get_json()
    assert [i["tracking_number"] for i in by_ref["items"]] == [numbers[3]]
    by_number = api.client.get(f"/api/v1/items?q={numbers[2].lower()}", headers=h).get_json()
    assert [i["tracking_number"] for i in by_number["items"]] == [numbers[2]]


def test_list_items_rejects_bad_filters_naming_the_parameter(api):
    response = api.client.get("/api/v1/items?status=lost&per_page=5000", headers=api.auth(api.sender_key))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert {e["field"] for e in response.get_json()["errors"]} == {"status", "per_page"}


def test_bulk_registers_all_or_nothing(api):
    h = api.auth(api.sender_key)
    good = [item_payload() for _ in range(3)]
    bad = item_payload(tracking_number="RR123456784PL")
    rejected = api.client.post("/api/v1/items/bulk", json={"items": [*good, bad]}, headers=h)
    assert rejected.status_code == 422
    assert rejected.get_json()["errors"][0]["field"] == "items[3].tracking_number"
    assert api.client.get("/api/v1/items", headers=h).get_json()["total"] == 0
    created = api.client.post("/api/v1/items/bulk", json={"items": good}, headers=h)
    assert created.status_code == 201
    assert created.get_json()["tracking_numbers"] == [p["tracking_number"] for p in good]
    assert api.client.get("/api/v1/items", headers=h).get_json()["total"] == 3
    again = api.client.post("/api/v1/items/bulk", json={"items": [good[0]]}, headers=h)
    assert again.status_code == 422 and "already registered" in again.get_json()["errors"][0]["message"]
    report = api.client.get(created.headers["Location"], headers=h).get_json()
    assert report["status"] == "imported" and report["total_rows"] == 3


def test_api_keys_created_shown_once_used_and_revoked(api):
    h = api.auth(api.sender_key)
    created = api.client.post("/api/v1/api-keys", json={"name": "court system"}, headers=h)
    assert created.status_code == 201
    key = created.get_json()["key"]
    assert api.client.get("/api/v1/items", headers=api.auth(key)).status_code == 200
    listed = api.client.get("/api/v1/api-keys", headers=h).get_json()["api_keys"]
    mine = next(k for k in listed if k["name"] == "court system")
    assert "key" not in mine and mine["last_used_at"] is not None and key.startswith(mine["prefix"])
    assert api.client.delete(f"/api/v1/api-keys/{mine['id']}", headers=h).status_code == 204
    assert api.client.get("/api/v1/items", headers=api.auth(key)).status_code == 401


def test_webhook_endpoint_lifecycle_and_events_queued(api):
    h = api.auth(api.sender_key)
    created = api.client.post("/api/v1/webhooks", json={"url": "https://hooks.example.com/awizo",
                                                        "event_types": ["item.attempt_recorded"]}, headers=h)
    assert created.status_code == 201 and created.get_json()["secret"].startswith("whsec_")
    endpoint_id = created.get_json()["id"]
    number = api.register().get_json()["tracking_number"]
    api.scan(number)
    log = api.client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries", headers=h).get_json()
    assert [d["event_type"] for d in log["deliveries"]] == ["item.attempt_recorded"]
    assert api.client.post(f"/api/v1/webhooks/{endpoint_id}/test", headers=h).status_code == 202
    assert api.client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries", headers=h).get_json()["total"] == 2
    bad = api.client.post("/api/v1/webhooks", json={"url": "ftp://x"}, headers=h)
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "url"
    assert api.client.delete(f"/api/v1/webhooks/{endpoint_id}", headers=h).status_code == 204
    assert api.client.get(f"/api/v1/webhooks/{endpoint_id}", headers=h).status_code == 404


def test_api_is_rate_limited_per_key(app, api):
    app.config["API_RATE_LIMIT"] = "5 per minute"
    other = api.new_sender("Inny nadawca")
    statuses = [api.client.get("/api/v1/items", headers=api.auth(api.sender_key)).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    limited = api.client.get("/api/v1/items", headers=api.auth(api.sender_key))
    assert limited.mimetype == "application/problem+json" and "Retry-After" in limited.headers
    assert api.client.get("/api/v1/items", headers=api.auth(other)).status_code == 200


def test_event_types_are_described_in_the_language_asked_for(api):
    h = api.auth(api.sender_key)
    english = api.client.get("/api/v1/webhooks", headers={**h, "Accept-Language": "en-GB,en;q=0.9"})
    assert english.status_code == 200 and english.headers["Content-Language"] == "en"
    body = english.get_json()
    assert body["event_type_descriptions"]["item.collected"] == "Item collected"
    assert set(body["event_type_descriptions"]) == set(body["event_types"])  # machine names unchanged
    polish = api.client.get("/api/v1/webhooks", headers={**h, "Accept-Language": "pl"}).get_json()
    assert polish["event_type_descriptions"]["item.collected"] == "Przesyłka odebrana"
    assert polish["event_types"] == body["event_types"]
