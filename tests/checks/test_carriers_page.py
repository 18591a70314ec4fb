"""/staff/carriers: the carrier who writes notices at the depot stands out, in numbers and on the plot."""
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from app.accounts import service as accounts
from app.extensions import db
from app.staff.carriers import set_case_counts
from tests.checks.conftest import DEPOT
from tests.checks.test_attempt_checks import HOME, KM_PER_DEG_LAT, at_home, register
from tests.portal.conftest import login
from tests.support.browser import run_in_chromium, serving

PASSWORD = "correct horse battery"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PASSWORD_HASH_CHEAP": True}


@pytest.fixture
def day_of_scans(app, api, depot):
    """Anna scans three notices at the depot; Piotr delivers three items and leaves one printed notice."""
    piotr = api.new_carrier("Piotr Doręczyciel")
    # Yesterday at noon in the operator's time zone: the whole day's scans fall on one date whenever the test runs.
    zone = ZoneInfo(app.config["OPERATOR_TIMEZONE"])
    start = datetime.combine(datetime.now(zone).date() - timedelta(days=1), time(12, 0), zone)
    api.anna_tokens = []
    for n in range(3):
        home = {"lat": HOME["lat"] + (1.5 + n * 0.3) / KM_PER_DEG_LAT, "lon": HOME["lon"]}
        with time_machine.travel(start + timedelta(minutes=n * 5, seconds=30)):   # registered, then sent on time
            number, token = register(api, at_home(location=home))
            api.anna_tokens.append(token)
            at_depot = {"lat": DEPOT[0], "lon": DEPOT[1] + n * 0.0002, "accuracy_m": 8.0}
            assert api.scan(number, occurred_at=(start + timedelta(minutes=n * 5, seconds=40)).isoformat(),
                            location=at_depot).status_code == 201
    for n in range(4):
        home = {"lat": HOME["lat"] - n * 0.004, "lon": HOME["lon"] + 0.01}
        with time_machine.travel(start + timedelta(minutes=10 * n, seconds=30)):
            number, _ = register(api, at_home(location=home))
            outcome = "notice_left" if n == 3 else "delivered"
            assert api.scan(number, token=piotr, outcome=outcome,
                            occurred_at=(start + timedelta(minutes=10 * n, seconds=40)).isoformat(),
                            location={**home, "accuracy_m": 6.0}).status_code == 201
            if outcome == "notice_left":
                assert api.client.post(f"/h/api/notice/{number}/printed", headers=api.auth(piotr)).status_code == 201
    with app.app_context():
        accounts.create_user(db.session, "staff@operator.example.com", "staff", None, password=PASSWORD)
    return start.date().isoformat()


def staff_client(app):
    client = app.test_client()
    login(client, "staff@operator.example.com", PASSWORD)
    return client


def row(html: str, name: str) -> str:
    return re.search(rf'<tr data-carrier="\d+"[^>]*>\s*<th scope="row"><a [^>]*>{name}</a>.*?</tr>', html, re.S).group(0)


def test_the_carrier_scanning_at_the_depot_stands_out(app, api, day_of_scans):
    html = staff_client(app).get(f"/staff/carriers?day={day_of_scans}&lang=en").text
    anna, piotr = row(html, "Anna Listonosz"), row(html, "Piotr Doręczyciel")
    assert html.index("Anna Listonosz") < html.index("Piotr Doręczyciel")   # most "not home" first
    # 3 of 3 "not home" against the depot's 4 of 7.
    assert 'class="above-average"' in anna and "100% (57%)" in anna and "above average" in anna
    assert '<td class="flagged">3</td>' in anna
    assert '<span data-check="far_from_address">far from address: 3</span>' in anna
    assert '<span data-check="at_depot">at the depot: 3</span>' in anna
    assert "25% (57%)" in piotr and '<td class="flagged">0</td>' in piotr and "above-average" not in piotr
    # No complaint was filed about either of them.
    assert "Cases open / upheld" in html and "<td>0 / 0</td>" in anna and "<td>0 / 0</td>" in piotr

    # The plot (Anna is first, so chosen by default): three red scans at the depot, three address points.
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert svg.count('class="scan flagged"') == 3 and svg.count('class="address"') == 3
    assert svg.count('class="depot"') == 1 and "far_from_address, at_depot" in svg
    assert "https://" not in svg and "<image" not in svg   # no map tiles


def test_case_counts_come_from_the_function_the_cases_area_hands_in(app, api, day_of_scans):
    seen = []

    def counts(session, carrier_ids, start, end):
        seen.append((sorted(carrier_ids), end - start))
        return {api.carrier_id: {"open": 2, "upheld": 1}}

    set_case_counts(app, counts)
    html = staff_client(app).get(f"/staff/carriers?day={day_of_scans}&lang=en").text
    assert "Cases open / upheld" in html
    assert "<td>2 / 1</td>" in row(html, "Anna Listonosz") and "<td>0 / 0</td>" in row(html, "Piotr Doręczyciel")
    carrier_ids, length = seen[0]
    assert len(carrier_ids) == 2 and api.carrier_id in carrier_ids
    assert length in (timedelta(hours=23), timedelta(hours=24), timedelta(hours=25))  # one local day


def test_a_complaint_about_an_attempt_counts_against_its_carrier(app, api, day_of_scans):
    """The cases area's own counts, wired by create_app: one open complaint about Anna's scan."""
    filed = api.client.post(f"/v/{api.anna_tokens[0]}/cases", json={
        "kind": "no_notice_found", "message": "Nie było awizo w skrzynce.", "contact": {"email": "jan@example.org"}})
    assert filed.status_code == 201, filed.json
    html = staff_client(app).get(f"/staff/carriers?day={day_of_scans}&lang=en").text
    assert "<td>1 / 0</td>" in row(html, "Anna Listonosz") and "<td>0 / 0</td>" in row(html, "Piotr Doręczyciel")


def test_a_day_with_no_attempts_a_bad_day_and_someone_who_is_not_staff(app, api, day_of_scans):
    client = staff_client(app)
    quiet = client.get("/staff/carriers?day=2020-01-01&lang=en")
    assert quiet.status_code == 200 and "No delivery attempts on this day." in quiet.text and "<svg" not in quiet.text
    bad = client.get("/staff/carriers?day=yesterday&lang=en")
    assert bad.status_code == 422 and "Give the day as YYYY-MM-DD." in bad.text
    assert app.test_client().get("/staff/carriers").status_code in (302, 401, 403)


@pytest.mark.parametrize("viewport", [{"width": 360, "height": 740}, {"width": 1280, "height": 900}])
def test_the_plot_renders_in_chromium_and_the_page_fits_the_screen(app, api, day_of_scans, viewport):
    found = {}

    def scenario(page):
        page.goto(f"{base}/login")
        page.get_by_label("E-mail").fill("staff@operator.example.com")
        page.get_by_label("Hasło").fill(PASSWORD)
        page.get_by_role("button", name="Zaloguj się").click()
        page.wait_for_load_state()
        page.goto(f"{base}/staff/carriers?day={day_of_scans}")
        plot = page.get_by_role("img", name=re.compile("Skany: Anna Listonosz"))
        box = plot.bounding_box()
        found["box"] = box
        found["circles"] = page.locator("svg.scan-plot circle.flagged").count()
        found["circle_box"] = page.locator("svg.scan-plot circle.flagged").first.bounding_box()
        found["fits"] = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    with serving(app) as base:
        run_in_chromium(scenario, viewport=viewport, locale="pl-PL")
    assert found["circles"] == 3 and found["fits"]
    assert 200 < found["box"]["width"] <= viewport["width"] and found["box"]["height"] > 50
    assert found["circle_box"]["width"] > 4   # drawn, not collapsed
