"""No SMS at night in the recipient's time zone; the e-mail goes at once; DST is respected."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import time_machine

from notices.sms import QuietHours, quiet_hours_end

WARSAW = ZoneInfo("Europe/Warsaw")


def test_sms_in_quiet_hours_waits_until_8_local_across_spring_dst(api, worker, twilio_stub, smtp_server,
                                                                   quiet_hours_on, outbox):
    # Saturday 28 March 2026, 21:30 in Warsaw (CET); clocks go forward that night.
    evening = datetime(2026, 3, 28, 21, 30, tzinfo=WARSAW)
    with time_machine.travel(evening, tick=False):
        number = api.register().get_json()["tracking_number"]
        api.scan(number)
        worker()
    [sms] = outbox(channel="sms")
    [mail] = outbox(channel="email")
    assert mail["status"] == "sent"
    assert sms["status"] == "queued" and sms["tries"] == 0 and twilio_stub.requests == []
    morning = datetime(2026, 3, 29, 8, 0, tzinfo=WARSAW)  # CEST: 06:00 UTC, not 07:00
    assert sms["next_attempt_at"] == morning.astimezone(timezone.utc)
    assert morning.astimezone(timezone.utc).hour == 6

    with time_machine.travel(morning - timedelta(minutes=1), tick=False):
        worker()
    assert twilio_stub.requests == []
    with time_machine.travel(morning, tick=False):
        worker()
    [sms] = outbox(channel="sms")
    assert sms["status"] == "sent" and len(twilio_stub.requests) == 1
    events = api.item(number).get_json()["events"]
    deferred = [e["data"] for e in events if e["kind"] == "notification_status" and "deferred_until" in e["data"]]
    assert deferred and deferred[0]["deferred_until"].startswith("2026-03-29T06:00")


def test_recipients_own_quiet_hours_and_zone_on_the_message(app, worker, twilio_stub, quiet_hours_on, outbox):
    from app.extensions import db
    from app.messaging.enqueue import enqueue_message

    late = datetime(2026, 10, 24, 20, 30, tzinfo=timezone.utc)  # 22:30 in Warsaw, 21:30 in London
    with app.app_context():
        enqueue_message(db.session, channel="sms", recipient="+447700900123", purpose="notice_left",
                        body="test", dedupe_key="q1", now=late, quiet_hours="22:00-07:00", time_zone="Europe/London")
        enqueue_message(db.session, channel="sms", recipient="+48601000001", purpose="notice_left",
                        body="test", dedupe_key="q2", now=late, quiet_hours="off")
        enqueue_message(db.session, channel="sms", recipient="+48601000002", purpose="notice_left",
                        body="test", dedupe_key="q3", now=late)
        db.session.commit()
    with time_machine.travel(late, tick=False):
        worker()
    london, no_quiet, default = outbox(channel="sms")
    assert no_quiet["status"] == "sent"
    assert london["status"] == "sent"  # 21:30 in London is before its 22:00 start
    assert default["status"] == "queued"  # 22:30 in Warsaw, the default zone: waits for 08:00 CEST
    assert default["next_attempt_at"] == datetime(2026, 10, 25, 7, 0, tzinfo=timezone.utc)


def test_subscribers_own_quiet_hours_apply_to_a_whole_batch_read_at_once(app, worker, twilio_stub, quiet_hours_on,
                                                                          outbox):
    """Each number's subscriber's choice, one query for the batch; a number nobody chose for keeps the default."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.messaging.enqueue import enqueue_message
    from app.models.subscriptions import Contact, Subscriber

    late = datetime(2026, 10, 24, 20, 30, tzinfo=timezone.utc)  # 22:30 in Warsaw
    choices = {"+48601000011": ("23:00", "06:00", "Europe/Warsaw"),  # not yet
               "+48601000012": ("07:00", "07:00", "Europe/Warsaw"),  # none at all
               "+48601000013": ("22:00", "07:00", "Europe/Warsaw"),  # already
               "+48601000014": ("21:00", "08:00", "Europe/Lisbon")}  # 21:30 in Lisbon: already
    with app.app_context():
        people = {}
        for number, (start, end, zone) in choices.items():
            people[number] = Subscriber(status="active", quiet_start=start, quiet_end=end, timezone=zone,
                                        link_nonce=number)
            db.session.add(people[number])
            db.session.flush()
            db.session.add(Contact(subscriber_id=people[number].id, channel="sms", address=number, confirmed_at=late))
        # A second number of the person without quiet hours, never confirmed: the default applies to it.
        db.session.add(Contact(subscriber_id=people["+48601000012"].id, channel="sms", address="+48601000015"))
        for n, number in enumerate([*choices, "+48601000015", "+48601000016"]):
            enqueue_message(db.session, channel="sms", recipient=number, purpose="notice_left", body="test",
                            dedupe_key=f"qb{n}", now=late)
        db.session.commit()
        reads = []
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a: reads.append(a[2]) if "subscribers" in a[2] else None)
    with time_machine.travel(late, tick=False):
        worker()
    assert len(reads) == 1  # the whole batch's numbers in one query
    statuses = [(m["recipient"], m["status"]) for m in outbox(channel="sms")]
    assert statuses == [("+48601000011", "sent"), ("+48601000012", "sent"), ("+48601000013", "queued"),
                        ("+48601000014", "queued"), ("+48601000015", "queued"), ("+48601000016", "queued")]
    assert sorted(r["form"]["To"] for r in twilio_stub.requests) == ["+48601000011", "+48601000012"]


def test_quiet_hours_end_in_wall_clock_time_across_autumn_dst():
    quiet = QuietHours()
    # Saturday 24 October 2026, 22:00 CEST; clocks go back that night: 08:00 CET is 07:00 UTC.
    end = quiet_hours_end(datetime(2026, 10, 24, 22, 0, tzinfo=WARSAW), quiet)
    assert end == datetime(2026, 10, 25, 7, 0, tzinfo=timezone.utc)
    assert quiet_hours_end(datetime(2026, 10, 25, 7, 59, tzinfo=WARSAW), quiet).astimezone(WARSAW).hour == 8
    assert quiet_hours_end(datetime(2026, 10, 25, 8, 0, tzinfo=WARSAW), quiet) is None
    assert quiet_hours_end(datetime(2026, 10, 25, 20, 59, tzinfo=WARSAW), quiet) is None
    assert quiet_hours_end(datetime(2026, 10, 25, 21, 0, tzinfo=WARSAW), None) is None


def test_an_sms_held_at_night_says_until_when_wherever_it_is_shown(app, api, client, worker, quiet_hours_on, outbox):
    from app.accounts import service as accounts
    from app.extensions import db
    from app.models import Sender
    from tests.portal.conftest import login

    night = datetime(2026, 12, 4, 23, 10, tzinfo=WARSAW)   # Friday night; quiet hours end 08:00 CET
    with time_machine.travel(night, tick=False):
        number = api.register().get_json()["tracking_number"]
        verify = api.scan(number).get_json()["verify_url"].split("awizo.test")[1]
        worker()
        [sms], [mail] = outbox(channel="sms"), outbox(channel="email")
        assert (sms["status"], mail["status"]) == ("queued", "sent")

        # The development outbox: both languages on the row, not a bare "queued".
        page = client.get("/dev/outbox").get_data(as_text=True)
        row = page.split(f'id="m{sms["id"]}"')[1].split("</article>")[0]
        assert "wstrzymany do 08:00 (godziny ciszy)" in row and "held until 08:00 (quiet hours)" in row
        assert "queued" not in row
        assert "held until" not in page.split(f'id="m{mail["id"]}"')[1].split("</article>")[0]

        # The sender, through the API: the existing fields, and when the SMS goes out.
        alerts = {n["channel"]: n for n in api.item(number).get_json()["notifications"]}
        assert alerts["sms"]["status"] == "queued"
        assert alerts["sms"]["held_until"] == "2026-12-05T07:00:00Z"
        assert alerts["sms"]["held_text"] == {"pl": "wstrzymany do 08:00 (godziny ciszy)",
                                              "en": "held until 08:00 (quiet hours)",
                                              "uk": "затримано до 08:00 (години тиші)"}
        assert alerts["email"]["held_until"] is None and alerts["email"]["held_text"] is None

        # The sender in the portal, and anyone holding the QR code.
        with app.app_context():
            sender = db.session.get(Sender, api.sender_id)
            accounts.create_user(db.session, "admin@sender.example.com", "sender_admin", sender, password="pass-word-123")
        login(client, "admin@sender.example.com", "pass-word-123")
        portal = client.get(f"/portal/items/{number}?lang=en").get_data(as_text=True)
        assert "held until 08:00 (quiet hours)" in portal
        assert "(sms: held until 08:00 (quiet hours))" in portal     # the timeline says so too
        assert "wstrzymany do 08:00 (godziny ciszy)" in client.get(f"/portal/items/{number}?lang=pl").get_data(as_text=True)
        assert "held until 08:00 (quiet hours)" in client.get(f"{verify}?lang=en").get_data(as_text=True)
        assert "wstrzymany do 08:00 (godziny ciszy)" in client.get(f"{verify}?lang=pl").get_data(as_text=True)

    with time_machine.travel(datetime(2026, 12, 5, 8, 0, tzinfo=WARSAW), tick=False):
        worker()
        [sms] = outbox(channel="sms")
        assert sms["status"] == "sent"
        alerts = {n["channel"]: n for n in api.item(number).get_json()["notifications"]}
        assert alerts["sms"]["held_until"] is None
        row = client.get("/dev/outbox").get_data(as_text=True).split(f'id="m{sms["id"]}"')[1].split("</article>")[0]
        assert "sent" in row and "held until" not in row


def test_make_run_tells_at_night_that_sms_wait_for_morning(app, runner, quiet_hours_on):
    with time_machine.travel(datetime(2026, 12, 5, 2, 30, tzinfo=WARSAW), tick=False), app.app_context():
        night = runner.invoke(args=["demo"])
    assert night.exit_code == 0, night.output
    assert "SMS are held until 08:00" in night.output
    assert '"held until 08:00 (quiet hours)"' in night.output
    with time_machine.travel(datetime(2026, 12, 5, 8, 0, tzinfo=WARSAW), tick=False), app.app_context():
        morning = runner.invoke(args=["demo"])
    assert morning.exit_code == 0 and "held until" not in morning.output


def test_make_run_says_nothing_of_quiet_hours_that_are_off(app, runner):
    with time_machine.travel(datetime(2026, 12, 5, 2, 30, tzinfo=WARSAW), tick=False), app.app_context():
        result = runner.invoke(args=["demo"])
    assert result.exit_code == 0 and "held until" not in result.output
