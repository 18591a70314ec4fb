"""The pickup-point register: loaded by CLI, kept by staff, proposed to the handheld, named in notices."""
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
import time_machine

from app.delivery.pickup_points import describe
from app.extensions import db
from app.models import PickupPoint
from tests.pickup_points.conftest import GDANSK_HOME, PASSWORD
from tests.portal.conftest import login, post_form

THURSDAY_10 = datetime(2026, 11, 12, 9, 0, tzinfo=timezone.utc)       # 10:00 in Warsaw
INDEPENDENCE_DAY_10 = datetime(2026, 11, 11, 9, 0, tzinfo=timezone.utc)
GDANSK = {"line1": "ul. Długa 40", "postal_code": "80-827", "city": "Gdańsk", "country": "PL"}


def points(app) -> dict[str, PickupPoint]:
    with app.app_context():
        rows = db.session.scalars(sa.select(PickupPoint)).all()
        db.session.expunge_all()
        return {p.code: p for p in rows}


def test_import_creates_then_changes_nothing_when_run_again(app, runner, register_file, loaded):
    assert "3 new pickup points, 0 updated, 0 unchanged" in loaded.output
    gda = points(app)["GDA-01"]   # codes are kept in capitals
    assert (gda.name, gda.latitude, gda.holidays_closed) == ("UP Gdańsk 1", 54.3489, True)
    assert gda.hours["sat"] == [["09:00", "14:00"]] and "sun" not in gda.hours
    again = runner.invoke(args=["pickup-points", "import", str(register_file)])
    assert again.exit_code == 0 and "0 new pickup points, 0 updated, 3 unchanged" in again.output
    register_file.write_text(register_file.read_text().replace("UP Gdańsk 5 Wrzeszcz", "UP Gdańsk 5"))
    changed = runner.invoke(args=["pickup-points", "import", str(register_file)])
    assert "0 new pickup points, 1 updated, 2 unchanged" in changed.output
    assert points(app)["GDA-05"].name == "UP Gdańsk 5"


def test_a_bad_file_names_each_row_and_column_and_writes_nothing(app, runner, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,address,lat,lon,mon,tue,wed,thu,fri,sat,sun,holidays_closed\n"
                   "GDA-01,UP Gdańsk 1,ul. Długa 22,54.3489,18.6530,08:00-20:00,,,,,,,yes\n"
                   "GDA-02,UP Gdańsk 2,ul. Morska 1,95.1,18.6,8-20,,,,,,,maybe\n"
                   "GDA-01,,ul. Inna 1,54.3,18.6,,,,,,,,\n", encoding="utf-8")
    result = runner.invoke(args=["pickup-points", "import", str(bad)])
    assert result.exit_code != 0
    for expected in ("row 3: lat", "row 3: mon", "row 3: holidays_closed", "row 4: name", "row 4: code",
                     "nothing was imported"):
        assert expected in result.output
    assert points(app) == {}


def test_the_notice_goes_to_the_nearest_open_point_not_the_carriers_warsaw_default(app, api, loaded):
    with time_machine.travel(THURSDAY_10, tick=True):
        number = api.register(recipient={"name": "Jan Kowalski", "address": GDANSK}).json["tracking_number"]
        home = {"lat": GDANSK_HOME[0], "lon": GDANSK_HOME[1], "accuracy_m": 5}
        scanned = api.scan(number, location=home)
    assert scanned.status_code == 201, scanned.json
    assert scanned.json["pickup_point"]["code"] == "GDA-01"
    assert scanned.json["pickup_point"]["opening_hours"] == "Pn–Pt 08:00–20:00; Sb 09:00–14:00; nieczynne w święta"

    with time_machine.travel(INDEPENDENCE_DAY_10, tick=True):   # GDA-01 is closed on the holiday
        number = api.register(recipient={"name": "Jan Kowalski", "address": GDANSK}).json["tracking_number"]
        assert api.scan(number, location=home).json["pickup_point"]["code"] == "GDA-05"


def test_the_scan_api_refuses_a_code_not_in_the_register_or_out_of_service(app, api, loaded):
    number = api.register().json["tracking_number"]
    refused = api.scan(number, pickup_point="GDA-99")
    assert refused.status_code == 422 and refused.headers["Content-Type"].startswith("application/problem+json")
    assert refused.json["errors"][0]["field"] == "pickup_point" and "GDA-99" in refused.json["errors"][0]["message"]
    with app.app_context():
        db.session.execute(sa.update(PickupPoint).where(PickupPoint.code == "WAW-07").values(active=False))
        db.session.commit()
    closed = api.scan(number, pickup_point="WAW-07")
    assert closed.status_code == 422 and "no longer in service" in closed.json["errors"][0]["message"]
    assert api.scan(number, pickup_point="GDA-05").json["pickup_point"]["name"] == "UP Gdańsk 5 Wrzeszcz"


def test_the_handheld_is_offered_the_nearest_open_point(app, api, loaded):
    with time_machine.travel(THURSDAY_10, tick=True):
        offered = api.client.get(f"/h/api/pickup-points/nearest?lat={GDANSK_HOME[0]}&lon={GDANSK_HOME[1]}&lang=en",
                                 headers=api.auth(api.device_token))
    assert offered.status_code == 200
    point = offered.json["pickup_point"]
    assert (point["code"], point["open_now"]) == ("GDA-01", True)
    assert 100 < point["distance_m"] < 200
    assert point["hours"] == "Mon–Fri 08:00–20:00; Sat 09:00–14:00; closed on public holidays"
    bad = api.client.get("/h/api/pickup-points/nearest?lat=north&lon=18.6", headers=api.auth(api.device_token))
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "lat"
    assert api.client.get("/h/api/pickup-points/nearest?lat=54&lon=18").status_code == 401


def test_the_paper_notice_and_the_record_page_show_the_registers_hours(app, api, loaded):
    with time_machine.travel(THURSDAY_10, tick=True):
        number = api.register(recipient={"name": "Jan Kowalski", "address": GDANSK, "language": "en"}).json[
            "tracking_number"]
        api.scan(number, pickup_point="GDA-01")
        notice = api.client.get(f"/h/api/notice/{number}", headers=api.auth(api.device_token))
    assert notice.status_code == 200, notice.text
    assert "Pn–Pt 08:00–20:00" in str(notice.json["text"]["pl"])
    assert "Mon–Fri 08:00–20:00; Sat 09:00–14:00; closed on public holidays" in str(notice.json["text"]["en"])
    token = notice.json["verify_url"].rsplit("/", 1)[-1]
    page = api.client.get(f"/v/{token}?lang=en")
    assert "UP Gdańsk 1, ul. Długa 22/28, 80-801 Gdańsk (Mon–Fri 08:00–20:00" in page.text


def test_staff_list_edit_and_deactivate_points(app, client, loaded, staff_user):
    login(client, staff_user, PASSWORD)
    listing = client.get("/staff/pickup-points/?lang=en")
    assert listing.status_code == 200 and "UP Gdańsk 5 Wrzeszcz" in listing.text
    gda = points(app)["GDA-01"]
    url = f"/staff/pickup-points/{gda.id}?lang=en"
    form = {"code": "GDA-01", "name": "UP Gdańsk 1", "address": gda.address, "lat": "54.3489", "lon": "18.6530",
            "mon": "08:00-18:00", "tue": "08:00-18:00", "wed": "08:00-18:00", "thu": "08:00-18:00",
            "fri": "08:00-18:00", "sat": "", "sun": "", "holidays_closed": "yes"}
    wrong = post_form(client, url, {**form, "fri": "18-08"})
    assert wrong.status_code == 422 and "fri:" in wrong.text
    saved = post_form(client, url, form, follow_redirects=True)
    assert "Mon–Fri 08:00–18:00; closed on public holidays" in saved.text
    post_form(client, f"/staff/pickup-points/{gda.id}/active", {"active": "0"}, page_url="/staff/pickup-points/")
    assert points(app)["GDA-01"].active is False
    assert client.get("/staff/pickup-points/", follow_redirects=False).status_code == 200
    assert app.test_client().get("/staff/pickup-points/").status_code in (302, 401, 403)


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_describe_gives_the_registers_words(app, loaded, lang):
    with app.app_context():
        about = describe("GDA-05", lang)
        unknown = describe("NOPE", lang)
    assert about["name"] == "UP Gdańsk 5 Wrzeszcz" and about["address"] == "ul. Grunwaldzka 1, 80-236 Gdańsk"
    assert about["hours"] == {"pl": "Pn–Sb 07:00–21:00; Nd 10:00–16:00",
                              "en": "Mon–Sat 07:00–21:00; Sun 10:00–16:00"}[lang]
    assert unknown is None


def test_the_e_mail_alert_names_the_registers_point_with_its_hours(app, api, loaded):
    from app.models import OutboxMessage

    with time_machine.travel(THURSDAY_10, tick=True):
        number = api.register(recipient={"name": "Jan Kowalski", "address": GDANSK, "language": "en",
                                         "email": "jan@example.com"}).json["tracking_number"]
        assert api.scan(number, pickup_point="GDA-01").status_code == 201
    with app.app_context():
        bodies = db.session.scalars(sa.select(OutboxMessage.body).where(
            OutboxMessage.channel == "email", OutboxMessage.recipient == "jan@example.com")).all()
    assert any("UP Gdańsk 1, ul. Długa 22/28, 80-801 Gdańsk (Mon–Fri 08:00–20:00; Sat 09:00–14:00; "
               "closed on public holidays)" in body for body in bodies), bodies


def _nearest_to_home(app) -> str:
    from app.delivery.pickup_points import nearest_open

    with app.app_context():
        code = nearest_open(db.session, *GDANSK_HOME, THURSDAY_10, "Europe/Warsaw")[0].code
        db.session.rollback()
    return code


def test_the_kept_register_follows_every_change_by_import_by_staff_and_by_hand(app, client, runner, register_file,
                                                                             loaded, staff_user):
    """Each process keeps the register; any change of it, even one made by hand in SQL, is seen at
    the next ranking. A second ranking with no change reads the version, not the register."""
    from app.delivery.pickup_points import nearest_open

    assert _nearest_to_home(app) == "GDA-01"
    statements: list[str] = []
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        assert nearest_open(db.session, *GDANSK_HOME, THURSDAY_10, "Europe/Warsaw")[0].code == "GDA-01"
        db.session.rollback()
    assert statements and not any("pickup_points" in s for s in statements), statements

    # The staff page takes GDA-01 out of service: the next notice goes to GDA-05.
    login(client, staff_user, PASSWORD)
    gda = points(app)["GDA-01"]
    post_form(client, f"/staff/pickup-points/{gda.id}/active", {"active": "0"}, page_url="/staff/pickup-points/")
    assert _nearest_to_home(app) == "GDA-05"

    # The import puts it back in service.
    assert runner.invoke(args=["pickup-points", "import", str(register_file)]).exit_code == 0
    assert _nearest_to_home(app) == "GDA-01"

    # By hand, outside the application: GDA-01 moves to Kraków.
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(sa.text("UPDATE pickup_points SET latitude = 50.06, longitude = 19.94 "
                                   "WHERE code = 'GDA-01'"))
    assert _nearest_to_home(app) == "GDA-05"
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM pickup_points WHERE code = 'GDA-05'"))
    assert _nearest_to_home(app) == "WAW-07"


def test_a_register_change_rolled_back_is_not_kept(app, loaded):
    """A transaction that moves a point and ranks before it rolls back leaves no trace in what the
    process keeps: the version goes back with the rollback, so the next ranking reads again."""
    from app.delivery.pickup_points import nearest_open

    with app.app_context():
        db.session.execute(sa.update(PickupPoint).where(PickupPoint.code == "WAW-07")
                           .values(latitude=GDANSK_HOME[0], longitude=GDANSK_HOME[1]))
        assert nearest_open(db.session, *GDANSK_HOME, THURSDAY_10, "Europe/Warsaw")[0].code == "WAW-07"
        db.session.rollback()
    assert _nearest_to_home(app) == "GDA-01"


def test_an_import_and_a_staff_edit_of_the_same_point_queue_instead_of_deadlocking(app, loaded):
    """PostgreSQL: every register writer takes the version's lock before any point's, so a long
    writer (an import, point after point) and a staff edit of a point it reaches later wait for
    each other in turn; neither is refused as a deadlock."""
    import threading
    import time

    from tests.support import required

    required.postgresql_only(app.config["SQLALCHEMY_DATABASE_URI"], "two register writers at once")
    rename = sa.text("UPDATE pickup_points SET name = name || :mark WHERE code = :code")
    errors: list[BaseException] = []
    with app.app_context():
        engine = db.engine

        def staff_edit() -> None:
            try:
                with engine.begin() as connection:
                    connection.execute(sa.text("SET LOCAL lock_timeout = '20s'"))
                    connection.execute(rename, {"mark": " (staff)", "code": "WAW-07"})
            except BaseException as exc:
                errors.append(exc)

        with engine.connect() as importing:
            importing.execute(sa.text("SET lock_timeout = '20s'"))
            importing.execute(rename, {"mark": " (import)", "code": "GDA-01"})
            editing = threading.Thread(target=staff_edit)
            editing.start()
            with engine.connect() as watcher:  # until the staff edit waits for the import
                deadline = time.monotonic() + 20
                while not watcher.execute(sa.text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND wait_event_type = 'Lock'")).scalar() and time.monotonic() < deadline:
                    time.sleep(0.05)
            importing.execute(rename, {"mark": " (import)", "code": "WAW-07"})
            importing.commit()
        editing.join(timeout=30)
    assert not errors, errors
    assert points(app)["WAW-07"].name == "UP Warszawa 7 (import) (staff)"
