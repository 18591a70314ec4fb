"""Every e-mail's unsubscribe link: a page with a CSRF-protected button, and RFC 8058 one-click."""
from __future__ import annotations

import re


def _unsubscribe_link(message) -> str:
    return message["List-Unsubscribe"].strip("<>")


def _path(url: str) -> str:
    return url.replace("http://awizo.test", "")


def _notice(api, worker):
    number = api.register().get_json()["tracking_number"]
    api.scan(number)
    worker()
    return number


def test_one_click_post_unsubscribes_without_a_page_or_cookie(api, worker, client, smtp_server, outbox):
    _notice(api, worker)
    [first] = smtp_server.to("jan.kowalski@example.com")
    link = _unsubscribe_link(first)
    assert link in first.get_body(("plain",)).get_content()
    assert f'href="{link}"' in first.get_body(("html",)).get_content()

    response = client.post(_path(link), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200

    second = _notice(api, worker)
    assert len(smtp_server.to("jan.kowalski@example.com")) == 1
    mails = outbox(channel="email")
    assert mails[-1]["status"] == "cancelled" and mails[-1]["error_code"] == "suppressed"
    sms = outbox(channel="sms")[-1]
    assert sms["status"] == "sent" and second in sms["body"]  # SMS are not affected


def test_unsubscribe_page_asks_first_and_needs_its_csrf_token(api, worker, client, smtp_server):
    _notice(api, worker)
    path = _path(_unsubscribe_link(smtp_server.to("jan.kowalski@example.com")[0]))

    page = client.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Wypisz mnie" in html and "j***@example.com" in html
    assert "jan.kowalski@example.com" not in html
    assert client.post(path, data={}).status_code == 400  # a forged cross-site form: refused

    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    done = client.post(path, data={"csrf_token": token})
    assert done.status_code == 200 and "Wypisano" in done.get_data(as_text=True)
    assert "Wypisano" in client.get(path).get_data(as_text=True)

    _notice(api, worker)
    assert len(smtp_server.to("jan.kowalski@example.com")) == 1

    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)
    resumed = client.post(path + "/resume", data={"csrf_token": token})
    assert "Wznowiono" in resumed.get_data(as_text=True)
    _notice(api, worker)
    assert len(smtp_server.to("jan.kowalski@example.com")) == 2


def test_a_forged_unsubscribe_token_is_not_found(client):
    assert client.get("/unsubscribe/not-a-signed-token").status_code == 404
    assert client.post("/unsubscribe/not-a-signed-token", data={"List-Unsubscribe": "One-Click"}).status_code == 404


def test_tokens_are_the_ones_itsdangerous_signs_and_read_back():
    from itsdangerous import URLSafeSerializer

    from app.messaging import suppressions

    reference = URLSafeSerializer("a secret", salt="awizo.unsubscribe")
    for address in ("jan.kowalski@example.com", "Zofia.Żółć@Przykład.pl", "x" * 300 + "@example.com"):
        token = suppressions.unsubscribe_token("a secret", "email", address)
        assert token == reference.dumps(["email", suppressions.normalise_address("email", address)])
        assert suppressions.read_unsubscribe_token("a secret", token) == ("email", address.lower())
    assert suppressions.unsubscribe_token("another secret", "email", "jan@example.com") != \
        suppressions.unsubscribe_token("a secret", "email", "jan@example.com")


def test_tokens_of_odd_addresses_are_the_ones_itsdangerous_signs():
    import random

    from itsdangerous import URLSafeSerializer

    from app.messaging import suppressions

    reference = URLSafeSerializer("a secret", salt="awizo.unsubscribe")
    rng = random.Random(14)
    alphabet = "abcXYZ019.@_-+ \"\\\x00\x1f\x7f\n\tśŻЇ€😀/{}"
    # repetitive: compressed or not by length, some exactly one byte shorter compressed (which stays uncompressed)
    addresses = [("jan.kowalski" * 20)[:n] + "@example.com" for n in range(0, 200)]
    addresses += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80))) for _ in range(500)]
    for address in addresses:
        for channel in ("email", "sms"):
            token = suppressions.unsubscribe_token("a secret", channel, address)
            assert token == reference.dumps([channel, suppressions.normalise_address(channel, address)])
