"""The SMTP channel keeps one connection for many messages, and survives the server closing it."""
from __future__ import annotations

from types import SimpleNamespace

from app.messaging.providers.smtp import SmtpMail


def _message(n: int, to: str = "jan@example.com"):
    return SimpleNamespace(recipient=to, subject=f"Awizo {n}", body=f"Treść {n}", body_html=None,
                           language="pl", headers=None, send_key=f"key-{n}")


def test_messages_in_a_row_share_one_connection(smtp_server):
    mail = SmtpMail(smtp_server.host, smtp_server.port, mail_from="Awizo <awizo@example.com>")
    results = [mail.deliver(_message(n)) for n in range(5)]
    mail.close()
    assert all(r.ok for r in results)
    assert [m["Subject"] for m in smtp_server.messages] == [f"Awizo {n}" for n in range(5)]
    assert len(set(smtp_server.sessions)) == 1


def test_a_refused_recipient_does_not_spoil_the_connection_for_the_next(smtp_server):
    smtp_server.reject["gone@example.com"] = "550 No such user"
    mail = SmtpMail(smtp_server.host, smtp_server.port, mail_from="awizo@example.com")
    first = mail.deliver(_message(1, to="gone@example.com"))
    second = mail.deliver(_message(2))
    mail.close()
    assert not first.ok and first.permanent and first.address_rejected
    assert second.ok
    assert [m["Subject"] for m in smtp_server.messages] == ["Awizo 2"]


def test_a_connection_the_server_dropped_is_opened_again(smtp_server):
    mail = SmtpMail(smtp_server.host, smtp_server.port, mail_from="awizo@example.com")
    assert mail.deliver(_message(1)).ok
    smtp_server.stop()   # the server goes away and comes back: the kept connection is dead
    smtp_server.start()
    assert mail.deliver(_message(2)).ok
    mail.close()
    assert [m["Subject"] for m in smtp_server.messages] == ["Awizo 1", "Awizo 2"]
