"""The address point given in a CSV import and the portal form; bursts and the cases engineer's entry point."""
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from app.delivery.checks import checks_for_attempt, rules_from_config
from app.extensions import db
from app.models import Attempt
from tests.checks.test_attempt_checks import HOME, KM_PER_DEG_LAT, at_home, by_code, public_record, register
from tests.handheld.conftest import SigningDevice, new_code
from tests.portal.conftest import People, post_form
from tests.portal.test_csv_import import csv_bytes, row, upload


@pytest.fixture
def people(app, api):
    return People(app, api)


def location_of(api, number):
    return api.item(number).json["recipient"]["address"]["location"]


def test_csv_rows_carry_the_address_point_and_a_bad_cell_names_its_column(people, api):
    good = row(lat="52.2153", lon="21,0138")   # a decimal comma, as Excel in Polish writes it
    plain = row()
    client = people.client("clerk@a.example.com")
    response = upload(client, csv_bytes([good, plain]))
    assert response.status_code == 302
    assert location_of(api, good["tracking_number"]) == {**HOME, "match": "given"}
    assert location_of(api, plain["tracking_number"])["match"] == "unmatched"

    bad = upload(client, csv_bytes([row(lat="north", lon="21.0"), row(lat="95", lon="")]))
    report = client.get(bad.headers["Location"]).text
    assert '<td>2</td><td class="field">lat</td>' in report and '<td>3</td><td class="field">lat</td>' in report
    assert '<td>3</td><td class="field">lon</td>' in report


def test_the_portal_form_takes_the_address_point(people, api):
    client = people.client("clerk@a.example.com")
    form = {"tracking_number": row()["tracking_number"], "service": "pl_official_letter", "recipient_name": "Jan Kowalski",
            "address_line1": "ul. Polna 12", "postal_code": "00-950", "city": "Warszawa", "country": "PL",
            "lat": "52.2153", "lon": "21.0138", "language": "pl"}
    response = post_form(client, "/portal/items/new", form)
    assert response.status_code == 302, response.text
    assert location_of(api, form["tracking_number"]) == {**HOME, "match": "given"}
    bad = post_form(client, "/portal/items/new", {**form, "tracking_number": row()["tracking_number"], "lon": "200"})
    assert bad.status_code == 422 and 'id="lon-error"' in bad.text


def test_three_scans_at_three_addresses_within_seconds_are_a_burst_each(api):
    at = datetime.now(timezone.utc) - timedelta(minutes=3)
    tokens = []
    for n in range(3):
        home = {"lat": HOME["lat"] + n * 0.2 / KM_PER_DEG_LAT, "lon": HOME["lon"]}
        number, token = register(api, at_home(location=home))
        tokens.append(token)
        assert api.scan(number, outcome="delivered", occurred_at=(at + timedelta(seconds=5 * n)).isoformat(),
                        location={**home, "accuracy_m": 5.0}).status_code == 201
    for token in tokens:   # the first two were re-checked when the third joined them
        burst = by_code(public_record(api, token)["attempts"][0])["burst"]
        assert {k: burst[k] for k in ("attempts", "addresses", "window_s")} == {"attempts": 3, "addresses": 3, "window_s": 60}
        assert burst["text"] == "3 attempts at 3 different addresses within 60 s."


def test_checks_for_attempt_gives_the_public_shape_stored_or_not(api, app):
    number, _ = register(api)
    api.scan(number, location={"lat": HOME["lat"] + 2.0 / KM_PER_DEG_LAT, "lon": HOME["lon"], "accuracy_m": 10.0})
    with app.app_context():
        attempt = db.session.scalar(db.select(Attempt))
        stored = checks_for_attempt(db.session, attempt, rules_from_config(app.config), "en")
        assert [c["code"] for c in stored] == ["far_from_address", "no_notice_printed"]
        assert stored[0]["distance_m"] == 2000 and stored[0]["text"].startswith("Scanned 2.0 km")
        db.session.delete(attempt.check_result)
        db.session.commit()
        db.session.expire_all()
        attempt = db.session.scalar(db.select(Attempt))
        assert checks_for_attempt(db.session, attempt, rules_from_config(app.config), "en") == stored   # computed on the spot when never stored


def test_a_signed_scan_from_a_handheld_whose_clock_runs_ahead_raises_clock_skew(app, client, api):
    handheld = SigningDevice(client, ec.generate_private_key(ec.SECP256R1()))
    assert handheld.enrol(new_code(app, api.carrier_id)).status_code == 201
    number, token = register(api)
    payload = handheld.payload(number, outcome="delivered", location={**HOME, "accuracy_m": 5.0})
    ahead = datetime.now(timezone.utc) + timedelta(minutes=5)
    payload["sent_at"] = ahead.isoformat().replace("+00:00", "Z")   # the device's clock, 5 minutes fast
    assert handheld.post(payload).status_code == 201
    skew = by_code(public_record(api, token)["attempts"][0])["clock_skew"]
    assert 299 < skew["skew_s"] < 301 and skew["tolerance_s"] == 60.0
    assert skew["text"].startswith("The device clock differed from the server clock by 3")
