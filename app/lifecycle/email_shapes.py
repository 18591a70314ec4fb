"""A batch's lifecycle e-mails, each distinct wording made once and filled in per item.

The e-mails of one sweep batch differ mostly in two values: the tracking number and the
record's link. Everything else (the language, the sender, the pickup point, the dates, the
addressee) is shared by many items noticed together. :class:`EmailShapes` therefore makes the
content, the text part and the HTML part once for each alert that differs only in those two
values, with a marker in their place, and puts each item's values in (escaped in the HTML part).
Escaping is done character by character, so a value escaped on its own and put in gives the
same page as the whole text escaped; a test compares both ways for many random alerts in every
language. Values that could be mistaken for a marker (any value holding its character), or
empty ones (which change what the page shows), take the ordinary path.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace
from operator import attrgetter

from markupsafe import escape

from app.messaging.email import render_email_html
from notices.lifecycle_messages import LifecycleAlert
from notices.messages import EmailContent, email_text

_MARK = "\x01"
_NUMBER = f"{_MARK}number{_MARK}"
_URL = f"{_MARK}url{_MARK}"
_PER_ITEM = ("tracking_number", "verify_url")
_shared = attrgetter(*(f.name for f in fields(LifecycleAlert) if f.name not in _PER_ITEM))
"""An alert's values other than its per-item ones, as a tuple: the key of its shape."""

Email = tuple[str, str, str, str]
"""(language, subject, text part, HTML part)"""


def email_parts(content: EmailContent) -> Email:
    """The parts of an e-mail the outbox stores, from its content: the ordinary path."""
    return content.language, content.subject, email_text(content), render_email_html(content)


class EmailShapes:
    """Per batch: the e-mails made so far, by wording function and alert without its per-item values."""

    def __init__(self) -> None:
        self._made: dict[tuple, Email | None] = {}

    def email(self, wording: Callable[..., EmailContent], alert: LifecycleAlert, *args: str) -> Email:
        """``email_parts(wording(alert, *args))``, made once per shape of the batch."""
        number, url = alert.tracking_number, alert.verify_url
        if not number or not url or _MARK in number or _MARK in url:
            return email_parts(wording(alert, *args))
        shared = _shared(alert)
        key = (wording, args, shared)
        if key not in self._made:  # a shared value holding the marker character: the ordinary way for this shape
            self._made[key] = None if any(isinstance(v, str) and _MARK in v for v in (*args, *shared)) \
                else email_parts(wording(replace(alert, tracking_number=_NUMBER, verify_url=_URL), *args))
        made = self._made[key]
        if made is None:
            return email_parts(wording(alert, *args))
        language, subject, text, html = made
        html_number, html_url = str(escape(number)), str(escape(url))
        return (language, _fill(subject, number, url), _fill(text, number, url),
                _fill(html, html_number, html_url))


def _fill(template: str, number: str, url: str) -> str:
    if _MARK not in template:
        return template
    return template.replace(_NUMBER, number).replace(_URL, url)
