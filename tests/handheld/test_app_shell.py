"""The handheld is installable and its shell works offline; closing the browser loses nothing."""
from __future__ import annotations

from tests.handheld.conftest import CHROMIUM, CHROMIUM_ARGS, browser_env, new_code, with_server_clock
from tests.handheld.test_handheld_e2e import PHONE, WARSAW, attempts, enrol, registered, wait_all_sent, wedge_scan


def test_the_manifest_makes_it_installable(client):
    page = client.get("/h/scan")
    assert b'rel="manifest"' in page.data
    manifest = client.get("/h/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    body = manifest.json
    assert body["display"] == "standalone" and body["start_url"] == "/h/scan" and body["scope"] == "/h/"
    sizes = {icon["sizes"] for icon in body["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in body["icons"]:
        assert client.get(icon["src"]).mimetype == "image/png"


def test_the_service_worker_caches_every_page_and_asset_of_the_shell(client):
    worker = client.get("/h/sw.js")
    assert worker.mimetype == "text/javascript" and worker.headers["Service-Worker-Allowed"] == "/h/"
    text = worker.get_data(as_text=True)
    shell = eval(text.split("const SHELL = ", 1)[1].split(";\n", 1)[0])  # a Python-literal list of paths
    assert {"/h/scan", "/h/today", "/h/enrol", "/h/notice"} <= set(shell)
    assert "/static/handheld/vendor/zxing-library-0.23.0.min.js" in shell
    for path in shell:
        assert client.get(path).status_code == 200, path


def test_scans_queued_offline_survive_closing_the_browser(app, api, playwright_instance, live_server, tmp_path):
    number, = registered(api, 1)
    profile = tmp_path / "profile"

    def open_phone():
        context = playwright_instance.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, viewport=PHONE,
            geolocation=WARSAW, permissions=["geolocation"], locale="pl-PL", env=browser_env())
        with_server_clock(context)
        page = context.pages[0] if context.pages else context.new_page()
        page.set_default_timeout(15000)
        return context, page

    context, page = open_phone()
    enrol(page, live_server, new_code(app, api.carrier_id))
    context.set_offline(True)
    live_server.stop()
    wedge_scan(page, number, "Doręczono")
    made = page.evaluate("AwizoStore.scans()")[0]["payload"]
    context.close()  # the browser is closed with the scan still queued

    live_server.start()
    context, page = open_phone()
    page.goto(f"{live_server}/h/today")
    wait_all_sent(page, 1)
    context.close()
    arrived, = attempts(app)
    assert arrived["number"] == number and arrived["outcome"] == "delivered"
    assert arrived["occurred_at"].isoformat(timespec="milliseconds").replace("+00:00", "Z") == made["occurred_at"]
