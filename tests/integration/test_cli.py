"""Operators set up senders and carriers from the command line."""
import sqlalchemy as sa

from app.extensions import db
from app.models import ApiKey, Device
from tests.conftest import item_payload, scan_payload


def test_sender_and_carrier_created_from_the_cli_can_use_the_api(runner, client, app):
    result = runner.invoke(args=["senders", "create", "Sąd Okręgowy w Krakowie"])
    assert result.exit_code == 0, result.output
    api_key = result.output.strip().splitlines()[-1]
    result = runner.invoke(args=["carriers", "create", "Piotr Doręczyciel"])
    assert result.exit_code == 0, result.output
    device_token = result.output.strip().splitlines()[-1]

    payload = item_payload()
    created = client.post("/api/v1/items", json=payload, headers={"Authorization": f"Bearer {api_key}"})
    assert created.status_code == 201
    scanned = client.post("/api/v1/scans", json=scan_payload(payload["tracking_number"]),
                          headers={"Authorization": f"Bearer {device_token}", "Idempotency-Key": "k-1"})
    assert scanned.status_code == 201
    # With no options, the carrier's notices point at the configured default pickup point.
    assert scanned.json["pickup_point"]["code"] == app.config["DEFAULT_PICKUP_POINT_CODE"]

    with app.app_context():
        stored = db.session.scalars(sa.select(ApiKey.key_hash)).all() + db.session.scalars(sa.select(Device.token_hash)).all()
    assert api_key not in stored and device_token not in stored
    assert all(len(h) == 64 for h in stored)


def test_duplicate_sender_name_is_refused(runner):
    assert runner.invoke(args=["senders", "create", "ZUS Oddział Testowy"]).exit_code == 0
    again = runner.invoke(args=["senders", "create", "ZUS Oddział Testowy"])
    assert again.exit_code != 0
    assert "already exists" in again.output


def test_unknown_pickup_point_is_refused(runner):
    result = runner.invoke(args=["carriers", "create", "X", "--pickup-point", "NOPE"])
    assert result.exit_code != 0
    assert "NOPE" in result.output
