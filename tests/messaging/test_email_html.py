"""The HTML part of an e-mail: rendered once per shape and filled per message, it is the page Jinja gives."""
from __future__ import annotations

import pytest

from app.messaging.email import render_email_html, render_email_html_with_jinja
from notices.messages import EmailContent

CONTENTS = [
    EmailContent(language="pl", subject="Powtórne awizo: RR123456785PL", heading="Powtórne awizo",
                 paragraphs=("Twoja przesyłka <czeka> & \"nie odebrano\"", "Drugi akapit"),
                 facts=(("Przesyłka", "RR123456785PL"), ("Nadawca", "Sąd <Rejonowy> & 'Spółka'")),
                 closing=("Pozdrawiamy",), link_label="Sprawdź", link_url="http://awizo.test/v/abc?x=1&y=<2>"),
    EmailContent(language="en", subject="Reminder", heading="Last day", paragraphs=("One.",)),
    EmailContent(language="uk", subject="", heading="", facts=(("", ""),), link_label=None, link_url=""),
    EmailContent(language="pl", subject="S", heading="H", paragraphs=("a", "b", "c"), link_url="http://x.test/"),
]


@pytest.mark.parametrize("content", CONTENTS)
def test_the_filled_page_is_the_page_jinja_renders(app, content):
    with app.app_context():
        assert render_email_html(content) == render_email_html_with_jinja(content)
        assert render_email_html(content) == render_email_html_with_jinja(content)  # from the cached shape


def test_messages_of_one_shape_keep_their_own_values(app):
    with app.app_context():
        first, second = (EmailContent(language="pl", subject=s, heading=s, paragraphs=(s,)) for s in ("<one>", "two"))
        pages = render_email_html(first), render_email_html(second)
    assert "&lt;one&gt;" in pages[0] and "two" not in pages[0]
    assert "two" in pages[1] and "one" not in pages[1]


def test_a_value_already_marked_safe_is_not_escaped_like_the_same_plain_text(app):
    from markupsafe import Markup

    text = "<b>uwaga</b> & więcej"
    with app.app_context():
        for content in (EmailContent(language="pl", subject=text, heading=text, paragraphs=(text,)),
                        EmailContent(language="pl", subject=text, heading=Markup(text), paragraphs=(Markup(text),))):
            assert render_email_html(content) == render_email_html_with_jinja(content)
