"""The carrier's handheld in headless Chromium on a 360 px phone: enrol, scan by keyboard
wedge, go offline, scan, reload, come back — and exactly those attempts arrive, once each,
with the positions and device times they were made with."""
from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Attempt, Item
from tests.conftest import tracking_number
from tests.handheld.conftest import new_code, with_server_clock

PHONE = {"width": 360, "height": 740}
WARSAW = {"latitude": 52.2297, "longitude": 21.0122, "accuracy": 9}


def device_context(chromium, **options):
    """A phone whose clock is right, i.e. the server's (see ``with_server_clock``)."""
    return with_server_clock(chromium.new_context(**options))


@pytest.fixture
def phone(chromium, live_server):
    context = device_context(chromium, viewport=PHONE, geolocation=WARSAW, permissions=["geolocation"],
                             locale="pl-PL", service_workers="allow")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield context, page
    context.close()


def enrol(page, base: str, code: str) -> None:
    page.goto(f"{base}/h/enrol#code={code}")
    page.get_by_role("button", name="Zarejestruj urządzenie").click()
    page.get_by_text("Urządzenie zarejestrowane dla").wait_for()
    page.get_by_role("link", name="Zacznij skanować").click()
    page.wait_for_url("**/h/scan*")
    try:
        page.wait_for_function("navigator.serviceWorker.controller !== null")
    except Exception:
        print("service worker not in control of", page.url, page.evaluate("navigator.serviceWorker.getRegistration().then(r => r ? [r.installing && r.installing.state, r.waiting && 'waiting', r.active && r.active.state, r.scope] : 'none')"))
        raise


def wait_all_sent(page, count: int, timeout_s: float = 30) -> list[dict]:
    """Until the device holds ``count`` scans and the server accepted every one of them."""
    deadline = time.monotonic() + timeout_s
    while True:
        scans = page.evaluate("AwizoStore.scans()")
        if len(scans) == count and all(s["state"] == "sent" for s in scans):
            return scans
        assert time.monotonic() < deadline, f"scans not all sent: {scans}"
        page.wait_for_timeout(200)


def wedge_scan(page, number: str, outcome_button: str) -> None:
    """A hardware scanner: types into the focused field and ends with Enter."""
    page.locator("#tracking").focus()
    page.keyboard.type(number)
    page.keyboard.press("Enter")
    page.get_by_role("button", name=outcome_button).click()
    page.locator("#last-text").filter(has_text=number).wait_for()


def registered(api, n: int) -> list[str]:
    numbers = [tracking_number() for _ in range(n)]
    for number in numbers:
        assert api.register(tracking_number=number).status_code == 201
    return numbers


def attempts(app) -> list[dict]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Item.tracking_number, Attempt).join(Attempt, Attempt.item_id == Item.id).order_by(Attempt.id)).all()
        return [{"number": n, "outcome": a.outcome, "occurred_at": a.occurred_at, "recorded_at": a.recorded_at,
                 "lat": a.latitude, "lon": a.longitude, "accuracy_m": a.accuracy_m,
                 "sequence": a.device_evidence.sequence if a.device_evidence else None,
                 "flags": a.device_evidence.flags if a.device_evidence else None} for n, a in rows]


def test_offline_scans_arrive_once_each_with_their_own_time_and_place(app, api, live_server, phone):
    context, page = phone
    online_item, *offline_items = registered(api, 4)
    enrol(page, live_server, new_code(app, api.carrier_id))

    wedge_scan(page, online_item, "Awizo (adresat nieobecny)")
    wait_all_sent(page, 1)
    assert [a["number"] for a in attempts(app)] == [online_item]

    context.set_offline(True)
    live_server.stop()  # and the server is really out of reach
    places = [(52.2400, 21.0100, 5), (52.2500, 21.0200, 12), (52.2600, 21.0300, 30)]
    outcomes = ["Awizo (adresat nieobecny)", "Odmowa przyjęcia", "Brak dostępu (awizo)"]
    for number, (lat, lon, accuracy), outcome in zip(offline_items, places, outcomes, strict=True):
        context.set_geolocation({"latitude": lat, "longitude": lon, "accuracy": accuracy})
        wedge_scan(page, number, outcome)
    assert page.locator("#queue-count").text_content() == "3"
    made = {s["payload"]["tracking_number"]: s["payload"] for s in page.evaluate("AwizoStore.scans()")}

    page.reload()  # offline: the service worker serves the shell, IndexedDB still holds the queue
    page.wait_for_function("document.getElementById('queue-count').textContent === '3'")
    page.goto(f"{live_server}/h/today")
    page.locator(".badge.queued").nth(2).wait_for()
    assert page.locator(".badge.queued").count() == 3
    assert page.locator("#net-state").text_content() == "bez sieci"
    assert len(attempts(app)) == 1  # nothing reached the server while offline

    live_server.start()
    context.set_offline(False)
    wait_all_sent(page, 4)
    page.locator(".badge.sent").nth(3).wait_for()
    assert page.locator("#queue-count").text_content() == "0"

    arrived = attempts(app)
    assert [a["number"] for a in arrived] == [online_item, *offline_items]  # once each, in order
    for a, (lat, lon, accuracy), outcome in zip(arrived[1:], places, ["notice_left", "refused", "no_access"], strict=True):
        sent = made[a["number"]]
        assert a["outcome"] == outcome
        assert (a["lat"], a["lon"], a["accuracy_m"]) == (lat, lon, accuracy)
        assert a["occurred_at"] == datetime.fromisoformat(sent["occurred_at"].replace("Z", "+00:00"))
        assert a["recorded_at"] > a["occurred_at"]  # kept the time it really happened
        assert a["flags"] == []
    assert [a["sequence"] for a in arrived] == [1, 2, 3, 4]


def test_a_scan_altered_on_the_device_after_signing_is_refused(app, api, live_server, phone):
    context, page = phone
    number, = registered(api, 1)
    enrol(page, live_server, new_code(app, api.carrier_id))
    context.set_offline(True)
    live_server.stop()
    wedge_scan(page, number, "Doręczono")
    # Someone re-dates the queued scan in the device's storage, an hour earlier.
    page.evaluate("""async () => {
        const [scan] = await AwizoStore.scans();
        scan.payload.occurred_at = new Date(Date.parse(scan.payload.occurred_at) - 3600e3).toISOString();
        await AwizoStore.putScan(scan);
    }""")
    page.goto(f"{live_server}/h/today")
    live_server.start()
    context.set_offline(False)
    page.get_by_role("button", name="Wyślij teraz").click()
    page.locator(".badge.refused").wait_for()
    assert "podpis" in page.locator("#today-list").text_content() or \
        "signature" in page.locator("#today-list").text_content()
    assert attempts(app) == []


def test_typed_number_with_a_wrong_check_digit_is_caught_on_the_device(app, api, live_server, phone):
    _context, page = phone
    enrol(page, live_server, new_code(app, api.carrier_id))
    page.locator("#tracking").fill("RR123456784PL")
    page.keyboard.press("Enter")
    assert "cyfra kontrolna" in page.get_by_role("alert").filter(has_text="cyfra").text_content()
    assert page.locator("#outcome").is_hidden()
    assert page.locator("#tracking").get_attribute("aria-invalid") == "true"


def test_without_a_position_fix_the_scan_says_no_fix(app, api, chromium, live_server):
    number, = registered(api, 1)
    context = device_context(chromium, viewport=PHONE, locale="pl-PL")  # geolocation permission denied
    page = context.new_page()
    page.set_default_timeout(15000)
    enrol(page, live_server, new_code(app, api.carrier_id))
    page.locator("#tracking").fill(number)
    page.keyboard.press("Enter")
    assert "brak pozycji" in page.locator("#gps-state").text_content()
    page.get_by_role("button", name="Doręczono").click()
    page.locator("#last-text").filter(has_text="bez pozycji").wait_for()
    wait_all_sent(page, 1)
    context.close()
    arrived, = attempts(app)
    assert (arrived["lat"], arrived["lon"]) == (None, None) and "no_fix" in arrived["flags"]


def test_the_printable_notice_has_the_deadline_pickup_point_and_a_qr_to_the_record(app, api, live_server, phone):
    import io

    import zxingcpp
    from PIL import Image

    context, page = phone
    number, = registered(api, 1)
    enrol(page, live_server, new_code(app, api.carrier_id))
    wedge_scan(page, number, "Awizo (adresat nieobecny)")
    wait_all_sent(page, 1)
    page.get_by_role("link", name="Drukuj awizo").click()
    paper = page.locator("#paper")
    paper.wait_for()
    text = paper.text_content()
    assert number in text and "Placówka pocztowa Warszawa 1" in text
    assert "Do kiedy:" in text and "Until:" in text and "art. 44" in text  # both languages
    record = api.item(number).json
    deadline = datetime.fromisoformat(record["collect_by"].replace("Z", "+00:00")).astimezone(
        ZoneInfo(app.config["OPERATOR_TIMEZONE"]))  # the paper says the operator's date, not the machine's
    assert deadline.strftime("%d.%m.%Y") in text
    assert page.evaluate("document.getElementById('paper').getBoundingClientRect().width") == pytest.approx(48 / 25.4 * 96, abs=2)
    page.get_by_role("radio", name="A6", exact=True).check()
    assert page.evaluate("document.getElementById('paper').getBoundingClientRect().width") == pytest.approx(105 / 25.4 * 96, abs=2)
    shot = Image.open(io.BytesIO(paper.locator(".qr").screenshot()))
    assert zxingcpp.read_barcode(shot).text == record["verify_url"]
    # Showing the notice recorded nothing; printing it does (the browser's print dialog is not tested).
    # The scan is made now, so at night it is also flagged outside delivery hours: printing leaves that be.
    before = [c["code"] for c in record["attempts"][0]["checks"]]
    assert "no_notice_printed" in before and set(before) <= {"no_notice_printed", "outside_hours"}
    page.evaluate("window.print = function () {}")
    page.get_by_role("button", name="Drukuj").click()
    for _ in range(50):
        if "no_notice_printed" not in [c["code"] for c in api.item(number).json["attempts"][0]["checks"]]:
            break
        page.wait_for_timeout(100)
    assert [c["code"] for c in api.item(number).json["attempts"][0]["checks"]] == \
        [code for code in before if code != "no_notice_printed"]
    context.set_offline(True)  # kept on the device: a reprint needs no network
    live_server.stop()
    page.reload()
    page.locator("#paper").get_by_text(number).first.wait_for()


def test_repeat_notices_due_appear_in_today_and_open_the_scan(app, api, live_server, phone):
    from app.lifecycle import sweep as lifecycle_sweep
    from notices.lifecycle import plan
    from notices.profiles import get_profile

    _context, page = phone
    number, = registered(api, 1)
    enrol(page, live_server, new_code(app, api.carrier_id))
    wedge_scan(page, number, "Awizo (adresat nieobecny)")
    wait_all_sent(page, 1)
    notice, = attempts(app)
    # When the profile's rules make the repeat notice due (08:00 local on the day after the
    # first-notice period, weekends and holidays counted), the scheduler's sweep makes the task.
    due = plan(get_profile("pl_official_letter"), notice["occurred_at"], app.config["OPERATOR_TIMEZONE"]).repeat_notice_at
    with app.app_context():
        assert lifecycle_sweep.sweep(db.session, now=due, tz=app.config["OPERATOR_TIMEZONE"],
                               base_url=live_server, secret=app.config["SECRET_KEY"]).actions == {"repeat_notice_due": 1}
        db.session.commit()
    page.goto(f"{live_server}/h/today")
    task = page.locator("#tasks-list").get_by_role("link", name=number)
    task.wait_for()
    assert "ul. Polna 12 m. 4" in page.locator("#tasks-list").text_content()
    task.click()
    page.locator("#current-number").filter(has_text=number).wait_for()
    assert page.locator("#outcome").is_visible()


def test_a_scanners_trailing_enter_records_nothing_and_every_outcome_fits_the_screen(app, api, live_server, phone):
    _context, page = phone
    number, = registered(api, 1)
    enrol(page, live_server, new_code(app, api.carrier_id))
    page.locator("#tracking").focus()
    page.keyboard.type(number)
    page.keyboard.press("Enter")          # the scanner ends the number with Enter…
    page.keyboard.press("Enter")          # …and some send a second one (CR LF)
    page.locator("#outcome").wait_for()
    assert page.evaluate("document.activeElement.id") == "outcome-heading"
    page.wait_for_timeout(500)
    assert page.evaluate("AwizoStore.scans()") == []          # nothing recorded without a tap

    # The courier checks the door: masked name, the address.
    page.locator("#addressee").filter(has_text="J. Kow*****").wait_for()
    assert "ul. Polna 12 m. 4, 00-950 Warszawa" in page.locator("#addressee").text_content()
    assert "Jan Kowalski" not in page.content()

    # At 360x740 all six outcomes are on the screen without scrolling.
    rects = page.evaluate("""Array.from(document.querySelectorAll('.outcome')).map(b => {
        const r = b.getBoundingClientRect(); return [r.top, r.bottom]; })""")
    assert len(rects) == 6 and all(top >= 0 and bottom <= 740 for top, bottom in rects), rects
    assert page.evaluate("window.scrollY") == 0

    # Waiting for a GPS fix shows "saving…" and no second tap is possible meanwhile.
    page.evaluate("""(() => { const real = navigator.geolocation.getCurrentPosition.bind(navigator.geolocation);
        navigator.geolocation.getCurrentPosition = (ok, err, o) => setTimeout(() => real(ok, err, o), 1500); })()""")
    page.get_by_role("button", name="Awizo (adresat nieobecny)").click()
    assert "Zapisuję… czekam na pozycję GPS" in page.locator("#gps-state").text_content()
    assert page.get_by_role("button", name="Doręczono").is_disabled()
    page.locator("#last-text").filter(has_text=number).wait_for()
    [scan] = wait_all_sent(page, 1)
    assert scan["payload"]["outcome"] == "notice_left"
    assert page.evaluate("document.activeElement.id") == "tracking"
