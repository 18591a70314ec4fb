"""E-mail footers filled in from one shape per language are the footers made one by one."""
from __future__ import annotations

import random

from markupsafe import escape

from app.messaging import enqueue
from notices.messages import manage_footer, unsubscribe_footer


def _reference(language, url, body, body_html, manage_url):
    """The footer as it was made for every e-mail on its own (before footers had shapes)."""
    footer = unsubscribe_footer(language, url)
    if manage_url:
        footer = f"{footer}\n{manage_footer(language, manage_url)}"
    body = f"{body.rstrip()}\n\n-- \n{footer}\n"
    if body_html:
        html_footer = "<footer>" + "".join(
            f"<p>{_link_urls(line, url, manage_url)}</p>" for line in footer.splitlines()) + "</footer>"
        body_html = body_html.replace("</body>", html_footer + "</body>") if "</body>" in body_html \
            else body_html + html_footer
    return body, body_html, {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _link_urls(line, *urls):
    html = str(escape(line))
    for url in urls:
        if url:
            safe = str(escape(url))
            html = html.replace(safe, f'<a href="{safe}">{safe}</a>')
    return html


ODD = "&<>\"' ;#:/?=._-\x01\n\r\x85\u2028httpsaub0123Ż€"


def _url(rng: random.Random) -> str:
    kind = rng.randrange(6)
    tail = "".join(rng.choice("abcXYZ019-_.=" if kind < 2 else ODD) for _ in range(rng.randint(0, 40)))
    if kind == 0:
        return "https://awizo.test/unsubscribe/" + tail
    if kind == 1:
        return "http://awizo.test/unsubscribe/." + tail
    if kind == 2:
        return rng.choice(["h", "ht", "http", "https://", "https://awizo.test"]) + tail
    return tail


def test_filled_footers_equal_footers_made_one_by_one(app, monkeypatch):
    rng = random.Random(14)
    url = [""]
    monkeypatch.setattr(enqueue, "unsubscribe_url", lambda address: url[0])
    with app.app_context():
        for _ in range(3000):
            url[0] = _url(rng)
            manage = rng.choice([None, "", "https://awizo.test/preferences/abc", url[0], url[0][:5], url[0] + "/x",
                                 "sub", "unsubscribe", "\x01", "a", "http", "&", _url(rng)])
            language = rng.choice(["pl", "en", "uk", "de"])
            body = rng.choice(["Treść.\n", "Body  \n\n", ""])
            html = rng.choice([None, "", "<html><body><p>x</p></body></html>", "<p>no body</p>"])
            assert enqueue.with_unsubscribe_footer(language, "jan@example.com", body, html, manage) == \
                _reference(language, url[0], body, html, manage), (url[0], manage)


def test_real_links_take_the_filled_path(app):
    with app.app_context():
        url = enqueue.unsubscribe_url("jan@example.com")
        shape, _html = enqueue._footer_shape("pl", None)
        assert enqueue._fills(shape, shape.replace(enqueue._URL_MARK, url), url, None)
        assert enqueue.with_unsubscribe_footer("pl", "jan@example.com", "Treść", "<body></body>", None) == \
            _reference("pl", url, "Treść", "<body></body>", None)
