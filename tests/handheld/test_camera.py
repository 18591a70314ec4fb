"""Scanning with the camera: Chromium's fake camera shows a Code 128 barcode of an S10 number,
which the vendored ZXing decoder reads on the device."""
from __future__ import annotations

import pytest

from tests.conftest import tracking_number
from tests.handheld.conftest import CHROMIUM, CHROMIUM_ARGS, browser_env, new_code, with_server_clock
from tests.handheld.fake_camera import barcode_video
from tests.handheld.test_handheld_e2e import PHONE, WARSAW, enrol, wait_all_sent


@pytest.fixture
def camera_browser(playwright_instance, tmp_path):
    number = tracking_number()
    video = barcode_video(number, tmp_path / "barcode.y4m")
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS + [
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"], env=browser_env())
    yield browser, number
    browser.close()


def test_the_camera_reads_an_s10_barcode_and_offers_the_outcomes(app, api, live_server, camera_browser):
    browser, number = camera_browser
    assert api.register(tracking_number=number).status_code == 201
    context = with_server_clock(browser.new_context(viewport=PHONE, geolocation=WARSAW,
                                                    permissions=["geolocation", "camera"], locale="pl-PL"))
    page = context.new_page()
    page.set_default_timeout(20000)
    enrol(page, live_server, new_code(app, api.carrier_id))
    page.get_by_role("button", name="Aparat").click()
    page.locator("#current-number").filter(has_text=number).wait_for()
    assert page.locator("#outcome").is_visible()
    assert page.locator("#camera").is_hidden()  # the camera stops once it has read a number
    page.get_by_role("button", name="Doręczono").click()
    wait_all_sent(page, 1)
    assert api.item(number).json["status"] == "delivered"
    context.close()
