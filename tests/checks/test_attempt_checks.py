"""Checks on recorded attempts, end to end through the API, on SQLite and PostgreSQL."""
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.models import AttemptCheck
from notices.checks import haversine_m
from tests.checks.conftest import DEPOT
from tests.conftest import item_payload

HOME = {"lat": 52.2153, "lon": 21.0138}
DATA = Path(__file__).resolve().parents[2] / "app" / "demo" / "data"
KM_PER_DEG_LAT = 111.19508


def at_home(**address):
    payload = item_payload()
    payload["recipient"]["address"] = {**payload["recipient"]["address"], "location": dict(HOME), **address}
    return payload


def register(api, payload=None):
    payload = payload or at_home()
    response = api.client.post("/api/v1/items", json=payload, headers=api.auth(api.sender_key))
    assert response.status_code == 201, response.json
    return payload["tracking_number"], response.json["verify_url"].rsplit("/", 1)[1]


def public_record(api, token, lang="en"):
    response = api.client.get(f"/v/{token}?lang={lang}", headers={"Accept": "application/json"})
    assert response.status_code == 200
    return response.json


def by_code(attempt) -> dict:
    return {c["code"]: c for c in attempt["checks"]}


def test_a_scan_2_km_from_the_address_is_flagged_with_its_distance_in_plain_words(api):
    number, token = register(api)
    north = {"lat": HOME["lat"] + 2.0 / KM_PER_DEG_LAT, "lon": HOME["lon"], "accuracy_m": 12.0}
    assert api.scan(number, location=north).status_code == 201

    [attempt] = public_record(api, token)["attempts"]
    far = by_code(attempt)["far_from_address"]
    assert far == {"code": "far_from_address", "distance_m": 2000, "threshold_m": 150, "accuracy_m": 12.0,
                   "text": "Scanned 2.0 km from the recipient's address (allowed up to 150 m)."}
    assert attempt["distance_from_address"] == {"m": 2000.0, "text": "scanned 2.0 km from your address"}
    page = api.client.get(f"/v/{token}?lang=pl").get_data(as_text=True)
    assert "zeskanowano 2,0 km od Twojego adresu" in page
    assert "Skan wykonano 2,0 km od adresu adresata" in page
    # The public record never gives away where the recipient lives.
    assert str(HOME["lat"]) not in page and "location" not in public_record(api, token)["recipient"]["address"]


def test_a_scan_at_the_address_raises_no_position_check(api):
    number, token = register(api)
    assert api.scan(number, outcome="delivered", location={**HOME, "accuracy_m": 6.0}).status_code == 201
    [attempt] = public_record(api, token)["attempts"]
    assert attempt["checks"] == []
    assert attempt["distance_from_address"]["text"] == "scanned 0 m from your address"


def test_a_scan_at_the_depot_names_the_pickup_point(api, depot):
    number, token = register(api)
    at_depot = {"lat": DEPOT[0] + 0.0003, "lon": DEPOT[1], "accuracy_m": 10.0}
    assert api.scan(number, location=at_depot).status_code == 201
    checks = by_code(public_record(api, token)["attempts"][0])
    assert checks["at_depot"]["pickup_point"] == depot
    assert checks["at_depot"]["depot_distance_m"] == 33
    expected = haversine_m(at_depot["lat"], at_depot["lon"], HOME["lat"], HOME["lon"])
    assert checks["at_depot"]["distance_m"] == round(expected)
    assert checks["far_from_address"]["distance_m"] == round(expected)
    assert checks["at_depot"]["text"].startswith(f"Scanned at the depot / pickup point {depot} (30 m from it)")


def test_two_scans_3_km_apart_20_seconds_apart_raise_implausible_speed(api):
    first, _ = register(api)
    second, token = register(api, at_home(location={"lat": HOME["lat"] + 3.0 / KM_PER_DEG_LAT, "lon": HOME["lon"]}))
    at = datetime.now(timezone.utc) - timedelta(minutes=5)
    assert api.scan(first, outcome="delivered", occurred_at=at.isoformat(),
                    location={**HOME, "accuracy_m": 5.0}).status_code == 201
    there = {"lat": HOME["lat"] + 3.0 / KM_PER_DEG_LAT, "lon": HOME["lon"], "accuracy_m": 5.0}
    assert api.scan(second, outcome="delivered", occurred_at=(at + timedelta(seconds=20)).isoformat(),
                    location=there).status_code == 201
    [attempt] = public_record(api, token)["attempts"]
    speed = by_code(attempt)["implausible_speed"]
    assert speed["distance_m"] == 3000 and speed["seconds"] == 20.0
    assert speed["speed_kmh"] == round(2990 / 20 * 3.6, 1)   # 3000 m less both fixes' 5 m accuracy
    assert "far_from_address" not in by_code(attempt)          # the second scan itself was at its address


def test_the_sender_sees_checks_per_attempt_and_where_the_address_point_came_from(api):
    number, _ = register(api)
    api.scan(number, location={"lat": HOME["lat"] + 1.0 / KM_PER_DEG_LAT, "lon": HOME["lon"], "accuracy_m": 9.0})
    item = api.item(number).json
    assert item["recipient"]["address"]["location"] == {**HOME, "match": "given"}
    assert by_code(item["attempts"][0])["far_from_address"]["distance_m"] == 1000
    assert item["attempts"][0]["checks"][0]["text"].startswith("Skan wykonano 1,0 km")  # the item's language


def test_a_notice_printed_on_the_handheld_clears_no_notice_printed(api):
    number, token = register(api)
    api.scan(number, location={**HOME, "accuracy_m": 5.0})
    assert [c["code"] for c in public_record(api, token)["attempts"][0]["checks"]] == ["no_notice_printed"]
    # Reading the notice (to show or print it) records nothing: only the handheld's POST does.
    for _ in range(2):
        assert api.client.get(f"/h/api/notice/{number}", headers=api.auth(api.device_token)).status_code == 200
    assert [c["code"] for c in public_record(api, token)["attempts"][0]["checks"]] == ["no_notice_printed"]
    other = api.new_carrier("Piotr Doręczyciel")
    assert api.client.post(f"/h/api/notice/{number}/printed", headers=api.auth(other)).status_code == 404
    printed = api.client.post(f"/h/api/notice/{number}/printed", headers=api.auth(api.device_token))
    assert printed.status_code == 201 and printed.json["printed_at"]
    assert public_record(api, token)["attempts"][0]["checks"] == []


def test_unmatched_addresses_are_located_after_the_register_is_loaded_and_checks_rerun(api, runner, app):
    payload = item_payload()
    payload["recipient"]["address"].update(line1="ul. Polna 12 m. 4", postal_code="00-950", city="Warszawa")
    number, token = register(api, payload)
    assert api.item(number).json["recipient"]["address"]["location"]["match"] == "unmatched"
    scan_at = {"lat": 52.2297, "lon": 21.0122, "accuracy_m": 7.0}
    api.scan(number, outcome="delivered", location=scan_at)
    assert public_record(api, token)["attempts"][0]["distance_from_address"] is None

    result = runner.invoke(args=["addresses", "import", str(DATA / "address_points_prg.csv")])
    assert result.exit_code == 0, result.output
    assert "PRG (EPSG:2180 → WGS84), 6 new address points, 0 updated" in result.output
    # A new item at that address is located at registration, from the PRG point (x northing, y easting).
    again, _ = register(api, {**payload, "tracking_number": item_payload()["tracking_number"]})
    location = api.item(again).json["recipient"]["address"]["location"]
    assert location["match"] == "exact"
    assert haversine_m(location["lat"], location["lon"], 52.2153, 21.0138) < 0.5

    # The earlier item is looked up again by the rerun, and its scan is judged against the point.
    since = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%d")
    result = runner.invoke(args=["checks", "rerun", "--since", since])
    assert result.exit_code == 0 and "Checked 1 attempt made since" in result.output
    assert api.item(number).json["recipient"]["address"]["location"]["match"] == "exact"
    far = by_code(public_record(api, token)["attempts"][0])["far_from_address"]
    assert far["distance_m"] == round(haversine_m(52.2297, 21.0122, location["lat"], location["lon"]))
    assert 1500 < far["distance_m"] < 1700


def test_a_plain_csv_register_and_a_postal_code_mismatch(api, runner, app):
    assert runner.invoke(args=["addresses", "import", str(DATA / "address_points.csv")]).exit_code == 0
    payload = item_payload()
    payload["recipient"]["address"].update(line1="Marszałkowska 10/5", postal_code="00-999", city="warszawa")
    number, _ = register(api, payload)
    assert api.item(number).json["recipient"]["address"]["location"] == \
        {"lat": 52.2223, "lon": 21.0155, "match": "no_postal_code"}
    payload = item_payload()
    payload["recipient"]["address"].update(line1="ul. Nieznana 1", postal_code="00-001", city="Warszawa")
    number, _ = register(api, payload)
    assert api.item(number).json["recipient"]["address"]["location"] == {"lat": None, "lon": None, "match": "unmatched"}


def test_a_bad_register_file_names_the_line(runner, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("street,number,postal_code,city,lat,lon\nPolna,1,00-950,Warszawa,north,21.0\n")
    result = runner.invoke(args=["addresses", "import", str(bad)])
    assert result.exit_code != 0 and "line 2: lat: is not a number: 'north'" in result.output
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n")
    assert "header" in runner.invoke(args=["addresses", "import", str(wrong)]).output


def test_a_bad_location_is_a_422_naming_the_field(api):
    payload = at_home(location={"lat": 123, "lon": "east"})
    response = api.client.post("/api/v1/items", json=payload, headers=api.auth(api.sender_key))
    assert response.status_code == 422
    fields = {e["field"] for e in response.json["errors"]}
    assert fields == {"recipient.address.location.lat", "recipient.address.location.lon"}


def test_checks_that_fail_never_refuse_the_scan_and_a_rerun_catches_up(api, app, runner):
    number, token = register(api)
    app.config["DELIVERY_HOURS"] = "whenever"
    north = {"lat": HOME["lat"] + 2.0 / KM_PER_DEG_LAT, "lon": HOME["lon"], "accuracy_m": 12.0}
    assert api.scan(number, location=north).status_code == 201
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AttemptCheck)) == 0
    assert runner.invoke(args=["checks", "rerun", "--since", "2020-01-01"]).exit_code != 0
    app.config["DELIVERY_HOURS"] = "00:00-23:59:59"
    assert runner.invoke(args=["checks", "rerun", "--since", "2020-01-01"]).exit_code == 0
    assert by_code(public_record(api, token)["attempts"][0])["far_from_address"]["distance_m"] == 2000
