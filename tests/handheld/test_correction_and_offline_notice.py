"""On a 360 px phone: the last scan is corrected from the handheld within the window, and the paper
notice is made on the device with no network, with the claim code the server later confirms."""
from __future__ import annotations

import io
from datetime import datetime
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest

from tests.handheld.conftest import new_code
from tests.handheld.test_handheld_e2e import PHONE, WARSAW, device_context, enrol, registered, wait_all_sent, wedge_scan


@pytest.fixture
def handset(chromium, live_server):
    """A 360x740 phone with the app's service worker, as in test_handheld_e2e."""
    context = device_context(chromium, viewport=PHONE, geolocation=WARSAW, permissions=["geolocation"],
                             locale="pl-PL", service_workers="allow")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield context, page
    context.close()


def test_the_last_scan_is_corrected_from_the_handheld_and_only_within_the_window(app, api, live_server, handset):
    _, page = handset
    first, second = registered(api, 2)
    enrol(page, live_server, new_code(app, api.carrier_id))

    wedge_scan(page, first, "Awizo (adresat nieobecny)")
    wait_all_sent(page, 1)
    correct = page.get_by_role("button", name="Popraw wynik")
    correct.wait_for()
    box = correct.bounding_box()
    assert box and box["y"] + box["height"] <= 740   # reachable without scrolling
    correct.click()
    page.locator("#correct-panel").get_by_role("button", name="Doręczono").click()
    page.locator("#last-text").filter(has_text="Poprawiono").wait_for()
    assert correct.is_hidden()

    record = api.item(first).json
    original, correction = record["attempts"]
    assert (original["outcome"], correction["outcome"]) == ("notice_left", "delivered")
    assert correction["corrects_attempt_id"] == original["id"] and original["corrected_by"] == correction["id"]
    assert record["status"] == "delivered"

    app.config["SCAN_CORRECTION_WINDOW_SECONDS"] = 2   # the device learns it from /h/api/me on the next page
    page.reload()
    page.wait_for_function("AwizoStore.identity().then(i => i.correction_window_s === 2)")
    wedge_scan(page, second, "Odmowa przyjęcia")
    wait_all_sent(page, 2)
    page.wait_for_timeout(2500)
    assert correct.is_hidden()   # the window has passed: no button, and the server would refuse
    assert len(api.item(second).json["attempts"]) == 1


def test_the_notice_prints_offline_with_the_claim_code_and_qr_the_server_confirms_once_synced(
        app, api, live_server, handset):
    import zxingcpp
    from PIL import Image

    context, page = handset
    number, unknown = registered(api, 2)
    enrol(page, live_server, new_code(app, api.carrier_id))
    token = page.evaluate("AwizoStore.identity().then(i => i.token)")

    # At the door the handheld still had network to show the addressee; then it is lost.
    page.locator("#tracking").focus()
    page.keyboard.type(number)
    page.keyboard.press("Enter")
    page.locator("#addressee").filter(has_text="Adresat: J").wait_for()
    context.set_offline(True)
    live_server.stop()
    page.get_by_role("button", name="Awizo (adresat nieobecny)").click()
    page.locator("#last-text").filter(has_text=number).wait_for()
    assert page.locator("#queue-count").text_content() == "1"

    page.get_by_role("link", name="Drukuj awizo").click()
    paper = page.locator("#paper")
    paper.wait_for()
    assert paper.get_attribute("data-made-on-device") == "true"
    text = " ".join(paper.text_content().split())
    assert number in text and "Placówka pocztowa Warszawa 1" in text and "Sąd Rejonowy Testowo" in text
    assert "Do kiedy:" in text and "Until:" in text and "art. 44" in text
    printed_code = paper.locator(".claim").get_attribute("data-code")
    assert printed_code and printed_code in text
    shot = Image.open(io.BytesIO(paper.locator(".qr").screenshot()))
    link = zxingcpp.read_barcode(shot).text
    assert link.startswith(f"{live_server}/n/")
    assert page.viewport_size == {"width": 360, "height": 740}

    # A scan made with no lookup at all still gets a notice, without guessing the service.
    page.goto(f"{live_server}/h/scan")
    wedge_scan(page, unknown, "Brak dostępu (awizo)")
    page.get_by_role("link", name="Drukuj awizo").click()
    page.locator("#paper").wait_for()
    assert "termin w zapisie pod kodem QR" in page.locator("#paper").text_content()

    live_server.start()
    context.set_offline(False)
    wait_all_sent(page, 2)

    served = api.client.get(f"/h/api/notice/{number}", headers=api.auth(token))
    assert served.status_code == 200
    assert served.json["claim_code"] == printed_code    # the code on the paper is the one the server holds
    record = api.item(number).json
    deadline = datetime.fromisoformat(record["collect_by"].replace("Z", "+00:00")).astimezone(
        ZoneInfo(app.config["OPERATOR_TIMEZONE"]))
    assert deadline.strftime("%d.%m.%Y") in text
    followed = api.client.get(urlparse(link).path)
    assert followed.status_code == 302 and followed.headers["Location"] == record["verify_url"]
