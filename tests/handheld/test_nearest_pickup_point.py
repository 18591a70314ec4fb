"""On a 360 px phone in Gdańsk: the handheld proposes the register's nearest point, never the
carrier's default point in Warsaw, and the notice names the point the carrier saw proposed."""
from __future__ import annotations

import pytest

from tests.handheld.conftest import new_code
from tests.handheld.test_handheld_e2e import PHONE, device_context, enrol, registered, wait_all_sent
from tests.pickup_points.conftest import GDANSK_HOME, REGISTER_CSV

GDANSK_POINTS = {"GDA-01": "UP Gdańsk 1", "GDA-05": "UP Gdańsk 5 Wrzeszcz"}


@pytest.fixture
def register(runner, tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(REGISTER_CSV, encoding="utf-8")
    result = runner.invoke(args=["pickup-points", "import", str(path)])
    assert result.exit_code == 0, result.output


@pytest.fixture
def in_gdansk(chromium, live_server):
    context = device_context(chromium, viewport=PHONE, permissions=["geolocation"], locale="pl-PL",
                             geolocation={"latitude": GDANSK_HOME[0], "longitude": GDANSK_HOME[1], "accuracy": 8},
                             service_workers="allow")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def _choose(page, number: str) -> None:
    page.locator("#tracking").focus()
    page.keyboard.type(number)
    page.keyboard.press("Enter")


def test_the_handheld_proposes_the_nearest_register_point_and_the_notice_names_it(
        app, api, live_server, register, in_gdansk):
    page = in_gdansk
    number, typed = registered(api, 2)
    enrol(page, live_server, new_code(app, api.carrier_id))
    default = page.locator("#pickup-point").input_value()
    assert default not in GDANSK_POINTS   # the carrier's default point is elsewhere

    page.wait_for_function("document.getElementById('gps-state').className.includes('fix')")
    _choose(page, number)
    about = page.locator("#pickup-point-about")
    about.filter(has_text="UP Gdańsk").wait_for()
    proposed = page.locator("#pickup-point").input_value()
    assert proposed in GDANSK_POINTS and GDANSK_POINTS[proposed] in about.text_content()
    page.get_by_role("button", name="Awizo (adresat nieobecny)").click()
    wait_all_sent(page, 1)
    notice = next(a for a in api.item(number).json["attempts"] if a["outcome"] == "notice_left")
    assert notice["pickup_point"]["code"] == proposed

    # A code the carrier types himself is what the notice names, whatever the proposal.
    _choose(page, typed)
    page.locator("#pickup-point").fill("GDA-05")
    page.wait_for_timeout(500)   # a late proposal must not overwrite it
    assert page.locator("#pickup-point").input_value() == "GDA-05"
    page.get_by_role("button", name="Awizo (adresat nieobecny)").click()
    wait_all_sent(page, 2)
    notice = next(a for a in api.item(typed).json["attempts"] if a["outcome"] == "notice_left")
    assert notice["pickup_point"]["code"] == "GDA-05"
