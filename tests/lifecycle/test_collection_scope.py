"""Collection at the counter is scoped and bounded; scans outside a carrier's scope are flagged.

Collection cancels deemed service, so only a device of the item's pickup point (or of the carrier
that left the notice) may record it, with who collected and a moment between the notice and now.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from app.extensions import db
from app.models import PickupPoint
from tests.conftest import tracking_number

NOTICE = datetime(2026, 3, 23, 9, 0, tzinfo=timezone.utc)
NOW = NOTICE + timedelta(days=2)
COLLECTOR = {"collected_by": "Jan Kowalski", "id_type": "id_card", "id_last_digits": "4321"}


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def krakow_token(api):
    """A device of a carrier based at another pickup point (Kraków)."""
    from app.delivery.cli import create_carrier

    with api.app.app_context():
        db.session.add(PickupPoint(code="KRK-01", name="Placówka Kraków 1", address="ul. Westerplatte 20, Kraków"))
        db.session.commit()
        return create_carrier("Ewa Krakowska", "KRK-01")[1]


def _noticed(api, clock) -> str:
    """An item registered the evening before NOTICE, with a notice left at NOTICE; the clock stays at NOW."""
    clock.move_to(NOTICE - timedelta(hours=12))
    number = tracking_number()
    assert api.register(tracking_number=number).status_code == 201
    clock.move_to(NOW)
    assert api.scan(number, occurred_at=NOTICE.isoformat()).status_code == 201
    return number


def _collect(api, number: str, token: str, **body):
    return api.client.post(f"/api/v1/items/{number}/collection", json={**COLLECTOR, **body}, headers=api.auth(token))


def test_a_device_of_another_pickup_point_cannot_record_a_collection(api, clock, krakow_token):
    number = _noticed(api, clock)
    refused = _collect(api, number, krakow_token)
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert "pickup point" in refused.json["detail"]
    record = api.item(number).json
    assert record["status"] == "awaiting_collection" and record["deadlines"]["stage"] != "collected"
    assert "collected" not in [e["kind"] for e in record["events"]]


def test_the_counter_of_the_items_pickup_point_records_who_collected(api, clock):
    number = _noticed(api, clock)
    counter = api.new_carrier("Okienko WAW-01")  # another carrier, same pickup point
    done = _collect(api, number, counter, collected_at=(NOTICE + timedelta(days=1)).isoformat())
    assert done.status_code == 201, done.json
    event = next(e for e in api.item(number).json["events"] if e["kind"] == "collected")
    assert event["data"]["collector"] == {"name": "Jan Kowalski", "id_type": "id_card", "id_last_digits": "4321"}
    assert event["occurred_at"] == "2026-03-24T09:00:00Z"


def test_who_collected_is_required_and_named_field_by_field(api, clock):
    number = _noticed(api, clock)
    missing = api.client.post(f"/api/v1/items/{number}/collection", json={}, headers=api.auth(api.device_token))
    assert missing.status_code == 422 and missing.mimetype == "application/problem+json"
    assert {e["field"] for e in missing.json["errors"]} == {"collected_by", "id_type", "id_last_digits"}
    bad = _collect(api, number, api.device_token, id_type="library_card", id_last_digits="12-45")
    assert {e["field"] for e in bad.json["errors"]} == {"id_type", "id_last_digits"}
    assert api.item(number).json["status"] == "awaiting_collection"


@pytest.mark.parametrize(("moment", "words"), [
    (datetime(2000, 1, 1, tzinfo=timezone.utc), "before the notice"),
    (NOTICE - timedelta(minutes=1), "before the notice"),
    (NOTICE + timedelta(days=3), "future"),
])
def test_a_collection_cannot_be_dated_outside_notice_and_now(api, clock, moment, words):
    number = _noticed(api, clock)
    refused = _collect(api, number, api.device_token, collected_at=moment.isoformat())
    assert refused.status_code == 422
    assert refused.json["errors"][0]["field"] == "collected_at" and words in refused.json["errors"][0]["message"]
    assert api.item(number).json["status"] == "awaiting_collection"


def test_a_collection_cannot_be_dated_before_registration(api, clock):
    number = tracking_number()
    assert api.register(tracking_number=number).status_code == 201  # registered at NOW
    # A device clock a few minutes behind the sender's system (within the margin scans are allowed).
    early = api.scan(number, occurred_at=(NOW - timedelta(minutes=4)).isoformat())
    assert early.status_code == 201  # the notice keeps its own (slightly earlier) time
    refused = _collect(api, number, api.device_token, collected_at=(NOW - timedelta(minutes=2)).isoformat())
    assert refused.status_code == 422 and "registered" in refused.json["errors"][0]["message"]


def test_the_operator_can_leave_collections_to_staff_only(api, app, runner, clock):
    app.config["COLLECTION_SCOPE"] = "staff_only"
    number = _noticed(api, clock)
    refused = _collect(api, number, api.device_token)
    assert refused.status_code == 403 and "staff" in refused.json["detail"]
    result = runner.invoke(args=["lifecycle", "collected", number, "--by", "Jan Kowalski", "--id-type", "id_card",
                                 "--id-last-digits", "4321", "--staff", "kasjer 3"])
    assert result.exit_code == 0, result.output
    assert api.item(number).json["status"] == "collected"


def test_the_public_record_shows_initials_not_the_collectors_document(api, client, clock):
    number = _noticed(api, clock)
    assert _collect(api, number, api.device_token).status_code == 201
    token = api.item(number).json["verify_url"].rsplit("/", 1)[1]
    public = client.get(f"/v/{token}", headers={"Accept": "application/json"})
    assert public.status_code == 200
    event = next(e for e in public.json["events"] if e["kind"] == "collected")
    assert event["data"]["collected_by"] == "J. K." or "Kowalski" not in event["data"]["collected_by"]
    assert "Kowalski" not in public.text and "4321" not in public.text
    assert "Kowalski" not in client.get(f"/v/{token}").text


def test_a_scan_of_an_item_waiting_at_another_pickup_point_is_flagged(api, app, clock, krakow_token):
    number = _noticed(api, clock)
    foreign = api.scan(number, token=krakow_token, outcome="notice_left",
                       occurred_at=(NOTICE + timedelta(days=1)).isoformat())
    assert foreign.status_code == 201
    flags = foreign.json["device_evidence"]["flags"]
    assert "outside_carrier_scope" in flags
    assert foreign.json["device_evidence"]["details"]["item_pickup_point"] == "WAW-01"
    own = api.item(number).json["attempts"][0]["device_evidence"]
    assert own is None or "outside_carrier_scope" not in own["flags"]

    app.config["DEVICE_SCOPE"] = "refuse"
    refused = api.scan(number, token=krakow_token, occurred_at=(NOTICE + timedelta(days=1, hours=1)).isoformat())
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert refused.json["errors"][0]["field"] == "tracking_number"
    assert len(api.item(number).json["attempts"]) == 2


def test_token_only_devices_say_they_are_a_convenience_and_production_refuses_them(api, app, clock):
    number = tracking_number()
    clock.move_to(NOTICE - timedelta(hours=1))
    assert api.register(tracking_number=number).status_code == 201
    clock.move_to(NOW)
    allowed = api.scan(number, occurred_at=NOTICE.isoformat())
    assert allowed.status_code == 201 and "development convenience" in allowed.headers["Warning"]

    app.config["REQUIRE_SIGNED_DEVICES"] = True
    refused = api.scan(number, occurred_at=(NOTICE + timedelta(hours=1)).isoformat())
    assert refused.status_code == 403 and refused.json["type"].endswith("signed-device-required")
    assert _collect(api, number, api.device_token).status_code == 403
    assert api.item(number).json["status"] == "awaiting_collection"
    assert len(api.item(number).json["attempts"]) == 1
