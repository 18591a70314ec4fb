"""Late e-mail bounces (RFC 3464 DSNs, as Postfix sends them) read by `flask messaging bounces`."""
from __future__ import annotations

import pytest

from tests.messaging.test_twilio_webhooks import PHONE, _alerted_item

MAIL = "jan.kowalski@example.com"


def _original_headers(received) -> str:
    head = received.as_bytes().split(b"\n\n", 1)[0]
    return head.decode("ascii", "replace").replace("\r\n", "\n")


def postfix_dsn(received, *, action: str = "failed", status: str = "5.1.1",
                diagnostic: str = "550 5.1.1 <jan.kowalski@example.com>: Recipient address\n    rejected: "
                                  "User unknown in virtual mailbox table",
                attach: str = "text/rfc822-headers") -> str:
    """A delivery status notification laid out the way Postfix's bounce daemon writes it."""
    boundary = "4F1A2B3C4D.1763918401/mx.example.com"
    headers = _original_headers(received)
    original = (f"Content-Description: Undelivered Message Headers\nContent-Type: text/rfc822-headers\n\n{headers}\n"
                if attach == "text/rfc822-headers" else
                f"Content-Description: Undelivered Message\nContent-Type: message/rfc822\n\n{headers}\n\nbody\n")
    return f"""Return-Path: <>
Received: by mx.example.com (Postfix) id 4F1A2B3C4D; Mon, 23 Nov 2026 18:40:01 +0100 (CET)
Date: Mon, 23 Nov 2026 18:40:01 +0100 (CET)
From: MAILER-DAEMON@mx.example.com (Mail Delivery System)
Subject: {"Undelivered Mail Returned to Sender" if action == "failed" else "Delayed Mail (still being retried)"}
To: awizo@awizo.test
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="{boundary}"
Message-Id: <20261123174001.4F1A2B3C4D@mx.example.com>

This is a MIME-encapsulated message.

--{boundary}
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.com.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{MAIL}>: host mail.example.com[192.0.2.25] said: {" ".join(diagnostic.split())}

--{boundary}
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com
X-Postfix-Queue-ID: 4F1A2B3C4D
X-Postfix-Sender: rfc822; awizo@awizo.test
Arrival-Date: Mon, 23 Nov 2026 18:39:58 +0100 (CET)

Final-Recipient: rfc822; {MAIL}
Original-Recipient: rfc822;{MAIL}
Action: {action}
Status: {status}
Remote-MTA: dns; mail.example.com
Diagnostic-Code: smtp; {diagnostic}

--{boundary}
{original}
--{boundary}--
"""


def _bounces(runner, *args, **kwargs):
    result = runner.invoke(args=["messaging", "bounces", *args], **kwargs)
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def _mail(api, number) -> dict:
    return next(n for n in api.item(number).get_json()["notifications"] if n["channel"] == "email")


def test_a_bounce_read_from_stdin_marks_the_email_undelivered_and_tells_by_sms_once(
        app, api, worker, runner, twilio_stub, smtp_server):
    from app.extensions import db
    from app.messaging.suppressions import is_suppressed

    number, sent = _alerted_item(api, worker)
    [received] = smtp_server.to(MAIL)
    assert received["Message-ID"] == sent["email"]["provider_message_id"]
    dsn = postfix_dsn(received).encode()

    output = _bounces(runner, "-", input=dsn)
    assert "1 bounce(s) recorded" in output and MAIL in output
    assert "0 bounce(s) recorded" in _bounces(runner, "-", input=dsn)  # the same bounce again
    worker()

    mail = _mail(api, number)
    assert mail["status"] == "undelivered" and mail["error_code"] == "550"
    assert "User unknown in virtual mailbox table" in mail["last_error"]
    with app.app_context():
        assert is_suppressed(db.session, "email", MAIL)
        db.session.remove()
    texts = [(r["form"]["To"], r["form"]["Body"]) for r in twilio_stub.requests]
    assert len(texts) == 2  # the notice, then one SMS about the e-mail
    assert texts[1][0] == PHONE and "e-mail" in texts[1][1] and number in texts[1][1]


def test_an_mbox_with_a_delayed_report_changes_nothing(app, api, worker, runner, twilio_stub, smtp_server,
                                                       tmp_path):
    from app.extensions import db
    from app.messaging.suppressions import is_suppressed

    number, _ = _alerted_item(api, worker)
    [received] = smtp_server.to(MAIL)
    delayed = postfix_dsn(received, action="delayed", status="4.4.1",
                          diagnostic="421 4.4.1 connection timed out", attach="message/rfc822")
    not_a_dsn = "From: someone@example.com\nTo: awizo@awizo.test\nSubject: Re: awizo\n\nDziękuję!\n"
    mbox = tmp_path / "bounces.mbox"
    mbox.write_text(f"From MAILER-DAEMON Mon Nov 23 17:40:01 2026\n{delayed}\n"
                    f"From someone@example.com Mon Nov 23 17:41:00 2026\n{not_a_dsn}\n", encoding="utf-8")

    output = _bounces(runner, str(mbox))
    assert "2 message(s): 0 bounce(s) recorded" in output
    assert "1 not a permanent failure, 1 not a delivery status notification" in output
    worker()

    mail = _mail(api, number)
    assert mail["status"] == "sent" and mail["last_error"] is None
    with app.app_context():
        assert not is_suppressed(db.session, "email", MAIL)
        db.session.remove()
    assert len(twilio_stub.requests) == 1


@pytest.mark.parametrize("attach", ["text/rfc822-headers", "message/rfc822"])
def test_the_original_message_id_is_found_in_either_attachment(attach):
    from email.message import EmailMessage

    from app.messaging.bounces import parse_dsn

    original = EmailMessage()
    original["From"], original["To"], original["Subject"] = "awizo@awizo.test", MAIL, "Awizo"
    original["Message-ID"] = "<176391839801.1.42@awizo.test>"
    original.set_content("x")
    [report] = parse_dsn(postfix_dsn(original, attach=attach).encode())
    assert (report.recipient, report.action, report.status, report.smtp_code, report.message_id) == (
        MAIL, "failed", "5.1.1", "550", "<176391839801.1.42@awizo.test>")
    assert report.permanent_failure and "User unknown in virtual mailbox table" in report.diagnostic
