"""The campaign's abuse cases against real processes: gunicorn as in the Procfile, and clients
in processes of their own (run with TEST_DATABASE_URL for PostgreSQL, as CI does).

- a byte-identical signed scan replayed by other processes with fresh Idempotency-Keys is one
  attempt, and every replay gets the first answer; a different scan under the used sequence is
  refused and flagged on the record;
- a device of another pickup point cannot record a collection (403 problem+json);
- sender B cannot download sender A's proof version, after A has downloaded it.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.handheld.conftest import SigningDevice, new_code
from tests.support.web_process import gunicorn

ROOT = Path(__file__).resolve().parents[2]

# A client in its own process: POST a JSON file with the given token and a fresh Idempotency-Key.
CLIENT = """
import json, sys, uuid, httpx
url, token, path = sys.argv[1:4]
r = httpx.post(url, content=open(path, "rb").read(), timeout=60, headers={
    "Authorization": "Bearer " + token, "Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex})
print(json.dumps({"status": r.status_code, "type": r.headers.get("content-type"),
                  "replayed": r.headers.get("idempotent-replayed"), "body": r.json()}))
"""


class Http:
    """The minimal client interface SigningDevice needs, over real HTTP."""

    def __init__(self, base: str):
        self.base = base

    def post(self, path: str, json=None, headers=None):
        r = httpx.post(self.base + path, json=json, headers=headers, timeout=60)
        return SimpleNamespace(status_code=r.status_code, json=r.json(), headers=r.headers)


@pytest.fixture
def web(app):
    """gunicorn with two workers on the test database, as the Procfile starts it."""
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"]) as base:
        yield base


def _in_other_processes(url: str, token: str, body_path: Path, copies: int) -> list[dict]:
    """Send the same file from ``copies`` client processes at once; their answers."""
    clients = [subprocess.Popen([sys.executable, "-c", CLIENT, url, token, str(body_path)], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(copies)]
    answers = []
    for client in clients:
        out, err = client.communicate(timeout=120)
        assert client.returncode == 0, err
        answers.append(json.loads(out))
    return answers


def test_a_signed_scan_replayed_by_other_processes_with_fresh_keys_is_one_attempt(web, app, api, tmp_path):
    handheld = SigningDevice(Http(web), ec.generate_private_key(ec.SECP256R1()))
    assert handheld.enrol(new_code(app, api.carrier_id)).status_code == 201
    number = api.register().get_json()["tracking_number"]
    payload = handheld.payload(number)
    first = handheld.post(payload)
    assert first.status_code == 201, first.json

    body = tmp_path / "scan.json"
    body.write_text(json.dumps(payload))
    replays = _in_other_processes(web + "/api/v1/scans", handheld.token, body, copies=4)
    assert [r["status"] for r in replays] == [201] * 4
    assert all(r["replayed"] == "true" and r["body"] == first.json for r in replays)
    record = api.item(number).get_json()
    assert len(record["attempts"]) == 1

    other = api.register().get_json()["tracking_number"]
    forged = handheld.payload(other, sequence=payload["sequence"])
    body.write_text(json.dumps(forged))
    [refused] = _in_other_processes(web + "/api/v1/scans", handheld.token, body, copies=1)
    assert refused["status"] == 409 and refused["type"] == "application/problem+json"
    assert refused["body"]["errors"][0]["field"] == "sequence"
    record = api.item(number).get_json()
    assert len(record["attempts"]) == 1 and "device_sequence_reused" in [e["kind"] for e in record["events"]]
    assert api.item(other).get_json()["attempts"] == []


def test_a_device_of_another_pickup_point_cannot_record_a_collection(web, app, api, tmp_path):
    from app.delivery.cli import create_carrier
    from app.extensions import db
    from app.models import PickupPoint

    with app.app_context():
        db.session.add(PickupPoint(code="POZ-01", name="Placówka Poznań 1", address="ul. Kościuszki 77, Poznań"))
        db.session.commit()
        foreign = create_carrier("Tomasz Poznański", "POZ-01")[1]
    number = api.register().get_json()["tracking_number"]
    assert api.scan(number).status_code == 201  # the notice sends it to WAW-01
    body = tmp_path / "collection.json"
    body.write_text(json.dumps({"collected_by": "Jan Kowalski", "id_type": "id_card", "id_last_digits": "4321"}))
    url = f"{web}/api/v1/items/{number}/collection"
    [refused] = _in_other_processes(url, foreign, body, copies=1)
    assert refused["status"] == 403 and refused["type"] == "application/problem+json"
    assert api.item(number).get_json()["status"] == "awaiting_collection"
    [done] = _in_other_processes(url, api.device_token, body, copies=1)
    assert done["status"] == 201 and done["body"]["status"] == "collected"


def test_another_sender_cannot_download_a_proof_version_the_owner_downloaded(web, api):
    key_b = api.new_sender("Urząd Gamma")
    number = api.register().get_json()["tracking_number"]
    assert api.scan(number).status_code == 201
    a, b = {"Authorization": f"Bearer {api.sender_key}"}, {"Authorization": f"Bearer {key_b}"}
    assert httpx.get(f"{web}/api/v1/items/{number}/proof.pdf", headers=a, timeout=60).status_code == 200
    versions = httpx.get(f"{web}/api/v1/items/{number}/proofs", headers=a, timeout=60).json()["versions"]
    version = versions[0]["version"]
    mine = httpx.get(f"{web}/api/v1/items/{number}/proofs/{version}.pdf", headers=a, timeout=60)
    assert mine.status_code == 200 and mine.content.startswith(b"%PDF")
    theirs = httpx.get(f"{web}/api/v1/items/{number}/proofs/{version}.pdf", headers=b, timeout=60)
    assert theirs.status_code == 404 and theirs.headers["content-type"] == "application/problem+json"
    assert b"%PDF" not in theirs.content
