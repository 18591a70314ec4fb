"""Enrolment codes work once and expire; a revoked device is refused at once."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric import ec

from app.extensions import db
from app.models import Device
from app.models.handheld import DeviceEnrolment
from tests.conftest import tracking_number
from tests.handheld.conftest import SigningDevice, new_code


def handheld(client):
    return SigningDevice(client, ec.generate_private_key(ec.SECP256R1()))


def test_enrolment_stores_the_public_key_and_the_code_only_hashed(app, client, api):
    code = new_code(app, api.carrier_id)
    device = handheld(client)
    response = device.enrol(code)
    assert response.status_code == 201
    assert response.json["carrier"]["name"] == "Anna Listonosz"
    assert response.json["pickup_point"]["code"] == "WAW-01"
    with app.app_context():
        stored = db.session.get(Device, device.device_id)
        assert stored.public_key == device.public_key_b64 and stored.enrolled_at is not None
        enrolment = db.session.scalar(sa.select(DeviceEnrolment))
        assert code.replace("-", "") not in enrolment.code_hash and enrolment.used_at is not None


def test_a_code_works_only_once(app, client, api):
    code = new_code(app, api.carrier_id)
    assert handheld(client).enrol(code).status_code == 201
    again = handheld(client).enrol(code)
    assert again.status_code == 403 and again.json["errors"][0]["field"] == "code"


def test_an_expired_code_is_refused(app, client, api):
    code = new_code(app, api.carrier_id)
    with app.app_context():
        enrolment = db.session.scalar(sa.select(DeviceEnrolment))
        enrolment.expires_at = datetime.now(timezone.utc) - timedelta(seconds=1)
        db.session.commit()
    assert handheld(client).enrol(code).status_code == 403


@pytest.mark.parametrize("key", ["", "bm90IGEga2V5", None])
def test_a_bad_public_key_is_refused(app, client, api, key):
    response = client.post("/h/api/enrol", json={"code": new_code(app, api.carrier_id), "public_key": key})
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "public_key"


def test_a_revoked_device_is_refused_at_once(app, client, api, device):
    number = tracking_number()
    api.register(tracking_number=number)
    from app.delivery.enrolments import revoke_device

    with app.app_context():
        revoke_device(db.session, device.device_id, now=datetime.now(timezone.utc))
    response = device.post(device.payload(number))
    assert response.status_code == 401
    assert client.get("/h/api/me", headers={"Authorization": f"Bearer {device.token}"}).status_code == 401


def test_a_key_already_enrolled_cannot_take_a_second_code(app, client, api, device):
    again = client.post("/h/api/enrol", json={"code": new_code(app, api.carrier_id), "public_key": device.public_key_b64})
    assert again.status_code == 409 and again.json["errors"][0]["field"] == "public_key"


def test_staff_pages_need_a_staff_account(app, client):
    response = client.get("/staff/devices")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_command_line_prints_a_one_time_enrolment_link(app, runner, client, api):
    result = runner.invoke(args=["carriers", "enrol", str(api.carrier_id), "--label", "Zebra TC21"])
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith("http://awizo.test/h/enrol#code=")
    device = handheld(client)
    assert device.enrol(link.split("#code=")[1]).status_code == 201
    with app.app_context():
        assert db.session.get(Device, device.device_id).label == "Zebra TC21"
    assert runner.invoke(args=["carriers", "enrol", "999"]).exit_code != 0
