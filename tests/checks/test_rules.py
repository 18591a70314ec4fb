"""Known answers for the framework-free checks, distances and address keys."""
import math
from datetime import datetime, time, timedelta, timezone

import pytest

from app.delivery.addresses import pl1992_to_wgs84
from notices import addresses, check_texts
from notices.checks import AttemptFacts, Depot, OtherScan, Point, Rules, evaluate, haversine_m, parse_hours

T0 = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)  # 11:00 in Warsaw
HOME = Point(52.2297, 21.0122)


def facts(**overrides) -> AttemptFacts:
    values = dict(occurred_at=T0, leaves_notice=True, address_key="home", location=HOME, accuracy_m=8.0,
                  address=HOME, notice_printed=True)
    values.update(overrides)
    return AttemptFacts(**values)


def codes(result) -> list[str]:
    return [c.code for c in result]


def test_haversine_matches_the_published_nashville_to_los_angeles_example():
    # Rosetta Code "Haversine formula": BNA (36.12, -86.67) to LAX (33.94, -118.40), R = 6372.8 km.
    assert haversine_m(36.12, -86.67, 33.94, -118.40, radius_m=6_372_800) / 1000 == pytest.approx(2887.2599506071106, abs=1e-6)


def test_one_degree_of_latitude_on_the_mean_earth_is_111_2_km():
    assert haversine_m(52.0, 21.0, 53.0, 21.0) == pytest.approx(math.pi * 6_371_008.8 / 180, abs=0.01)
    assert haversine_m(52.0, 21.0, 52.0, 21.0) == 0


def test_a_scan_at_the_address_raises_nothing():
    assert evaluate(facts(), Rules()) == []


def test_a_scan_2_km_from_the_address_is_far_from_it():
    north_2km = Point(HOME.lat + 2000 / 111_195.08, HOME.lon)
    [check] = evaluate(facts(location=north_2km), Rules())
    assert check.code == "far_from_address"
    assert check.figures == {"distance_m": 2000, "threshold_m": 150, "accuracy_m": 8.0}
    assert check_texts.text(check.as_dict(), "en") == "Scanned 2.0 km from the recipient's address (allowed up to 150 m)."
    assert check_texts.text(check.as_dict(), "pl") == "Skan wykonano 2,0 km od adresu adresata (dopuszczalne do 150 m)."


def test_the_far_threshold_grows_with_a_poor_fix():
    away = Point(HOME.lat + 300 / 111_195.08, HOME.lon)
    assert codes(evaluate(facts(location=away, accuracy_m=160), Rules(poor_accuracy_m=500))) == []
    assert codes(evaluate(facts(location=away, accuracy_m=100), Rules())) == ["far_from_address"]


def test_a_scan_at_the_depot_names_the_pickup_point():
    depot = Depot("WAW-01", 52.2356, 21.0081)
    at_depot = Point(52.2357, 21.0082)
    result = evaluate(facts(location=at_depot, depots=(depot,)), Rules())
    assert codes(result) == ["far_from_address", "at_depot"]
    figures = result[1].figures
    assert figures["pickup_point"] == "WAW-01" and figures["depot_distance_m"] == 13 and figures["depot_radius_m"] == 200
    assert figures["distance_m"] == pytest.approx(haversine_m(52.2357, 21.0082, HOME.lat, HOME.lon), abs=1)


def test_a_recipient_living_by_the_depot_is_not_flagged_at_depot():
    depot = Depot("WAW-01", HOME.lat, HOME.lon + 0.001)
    assert evaluate(facts(depots=(depot,)), Rules()) == []


def test_two_scans_3_km_apart_20_seconds_apart_are_an_implausible_speed():
    previous = OtherScan(7, T0 - timedelta(seconds=20), "other", HOME.lat + 3000 / 111_195.08, HOME.lon, 5.0)
    [check] = evaluate(facts(previous=previous), Rules())
    assert check.code == "implausible_speed"
    # 3000 m less both accuracies (8 m + 5 m) in 20 s.
    assert check.figures == {"speed_kmh": round(2987 / 20 * 3.6, 1), "distance_m": 3000, "seconds": 20.0,
                             "previous_attempt_id": 7, "max_speed_kmh": 150.0}
    assert "537.7 km/h" in check_texts.text(check.as_dict(), "en")


def test_a_bicycle_pace_is_not_flagged():
    previous = OtherScan(7, T0 - timedelta(minutes=6), "other", HOME.lat + 3000 / 111_195.08, HOME.lon, 5.0)
    assert evaluate(facts(previous=previous), Rules()) == []


def test_a_burst_needs_several_attempts_at_different_addresses():
    near = (OtherScan(2, T0 - timedelta(seconds=10), "b"), OtherScan(3, T0 + timedelta(seconds=15), "c"))
    [check] = evaluate(facts(neighbours=near), Rules())
    assert check.code == "burst" and check.figures == {"attempts": 3, "addresses": 3, "window_s": 60}
    same_building = (OtherScan(2, T0, "home"), OtherScan(3, T0, "home"))
    assert evaluate(facts(neighbours=same_building), Rules()) == []


def test_outside_hours_uses_the_operators_time_zone():
    night = datetime(2026, 11, 24, 4, 30, tzinfo=timezone.utc)  # 05:30 in Warsaw
    [check] = evaluate(facts(occurred_at=night), Rules())
    assert check.as_dict() == {"code": "outside_hours", "local_time": "05:30", "hours": "08:00-20:00"}
    assert parse_hours("07:30-19:00") == (time(7, 30), time(19, 0))
    with pytest.raises(ValueError):
        parse_hours("20:00-08:00")


def test_poor_accuracy_clock_skew_and_no_printed_notice():
    result = evaluate(facts(accuracy_m=250.0, clock_skew_s=-95.4, notice_printed=False), Rules())
    assert [c.as_dict() for c in result] == [
        {"code": "poor_accuracy", "accuracy_m": 250.0, "limit_m": 100.0},
        {"code": "clock_skew", "skew_s": -95.4, "tolerance_s": 60.0},
        {"code": "no_notice_printed", "printed": False},
    ]
    assert evaluate(facts(leaves_notice=False, notice_printed=False), Rules()) == []


@pytest.mark.parametrize("metres, lang, words", [
    (2100, "en", "scanned 2.1 km from your address"),
    (2100, "pl", "zeskanowano 2,1 km od Twojego adresu"),
    (43, "en", "scanned 40 m from your address"),
    (4, "en", "scanned 4 m from your address"),
])
def test_distance_in_plain_words(metres, lang, words):
    assert check_texts.distance_sentence(metres, lang) == words


def test_address_keys_meet_despite_prefixes_flats_and_diacritics():
    register = addresses.key("Warszawa", "ul. Puławska", "17", "02-515")
    assert register == "warszawa|pulawska|17|02515"
    assert addresses.item_key("ul. Puławska 17 m. 4", "02-515", "WARSZAWA") == register
    assert addresses.item_key("Pulawska 17/4", "02515", "Warszawa") == register
    assert addresses.item_key("al. Jerozolimskie 44 lok. 3", "00-024", "Warszawa") == "warszawa|jerozolimskie|44|00024"
    assert addresses.item_key("Wólka Kosowska 12", "05-504", "Wólka Kosowska") == \
        addresses.key("Wólka Kosowska", None, "12", "05-504")
    assert addresses.item_key("Puławska", "02-515", "Warszawa") is None


def _meridian_arc_grs80(lat_deg: float) -> float:
    """Meridian arc length from the equator, by numerical integration (independent of PROJ)."""
    a, f = 6_378_137.0, 1 / 298.257222101
    e2 = f * (2 - f)
    steps = 20_000
    h = math.radians(lat_deg) / steps
    total = 0.0
    for i in range(steps + 1):
        phi = i * h
        value = a * (1 - e2) / (1 - e2 * math.sin(phi) ** 2) ** 1.5
        total += value * (1 if i in (0, steps) else 4 if i % 2 else 2)
    return total * h / 3


def test_pl1992_points_on_the_central_meridian_convert_to_19_degrees_east():
    # PL-1992: central meridian 19°E, scale 0.9993, false easting 500 000 m, false northing −5 300 000 m.
    northing = 0.9993 * _meridian_arc_grs80(52.0) - 5_300_000
    lat, lon = pl1992_to_wgs84(northing, 500_000.0)
    assert lat == pytest.approx(52.0, abs=1e-7) and lon == pytest.approx(19.0, abs=1e-9)
