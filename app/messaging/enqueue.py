"""Writing outbox rows: queue a message with the fact that caused it.

Promises:
- ``enqueue_message`` writes a row in the caller's transaction; the same ``dedupe_key``
  never gives a second message.
- Every row gets a ``send_key`` (a model default) that stays the same for all tries of that
  message: the e-mail's ``Message-ID`` and the SMS idempotency marker are made from it, so a
  resend after a crash can be recognised by the receiving side.
- E-mails carry an unsubscribe link (and RFC 8058 one-click headers) unless they are about an
  address that is not subscribed to anything yet.

Sending, retrying and recording what happened is :mod:`app.messaging.delivery`.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from markupsafe import escape
from sqlalchemy.orm import Session

from app.messaging import suppressions
from app.models import OutboxMessage
from app.models.bulk import insert_loaded
from notices.messages import manage_footer, unsubscribe_footer

# E-mails that carry no unsubscribe link (the address is not subscribed to anything yet).
NO_UNSUBSCRIBE = {"verification_code", "contact_confirmation", "confirm_email"}


def with_unsubscribe_footer(language: str, recipient: str, body: str, body_html: str | None,
                            manage_url: str | None) -> tuple[str, str | None, dict]:
    """An e-mail's body with the unsubscribe (and manage) footer, and its RFC 8058 headers."""
    url = unsubscribe_url(recipient)
    shape, html_shape = _footer_shape(language, manage_url)
    footer = shape.replace(_URL_MARK, url)
    if _fills(shape, footer, url, manage_url):  # the marker stands for the link alone: put it in
        html_footer = html_shape.replace(_URL_MARK, url)
    else:
        footer, html_footer = _footers(language, url, manage_url)
    body = f"{body.rstrip()}\n\n-- \n{footer}\n"
    if body_html:
        body_html = body_html.replace("</body>", html_footer + "</body>") if "</body>" in body_html \
            else body_html + html_footer
    return body, body_html, {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _footers(language: str, url: str, manage_url: str | None) -> tuple[str, str]:
    """The footer of an e-mail with the unsubscribe link ``url``: its text, and its HTML with the links."""
    footer = unsubscribe_footer(language, url)
    if manage_url:
        footer = f"{footer}\n{manage_footer(language, manage_url)}"
    return footer, "<footer>" + "".join(
        f"<p>{_link_urls(line, url, manage_url)}</p>" for line in footer.splitlines()) + "</footer>"


_URL_MARK = "\x01unsubscribe\x01"
_PLAIN_URL = re.compile(r"https?://[\x21\x23-\x25\x28-\x3b\x3d\x3f-\x7e]+")  # printable ASCII but space &"'<>


@functools.lru_cache(maxsize=64)
def _footer_shape(language: str, manage_url: str | None) -> tuple[str, str]:
    """:func:`_footers` with a marker in place of the unsubscribe link, made once per language
    (and preferences link): a sweep writes thousands of footers that differ in the link alone."""
    return _footers(language, _URL_MARK, manage_url)


def _fills(shape: str, footer: str, url: str, manage_url: str | None) -> bool:
    """Whether ``footer`` (``shape`` with ``url`` in place of its marker) and the HTML shape filled
    the same way are :func:`_footers` of ``url``: a plain http(s) URL, which HTML escaping leaves
    as it is, put in once and found in the footer only there, neither part of the preferences
    link nor holding it, nor that link part of the marker (each is made a link on its own)."""
    if manage_url and (_URL_MARK[0] in manage_url or url in manage_url or manage_url in url
                       or str(escape(manage_url)) in _URL_MARK):
        return False
    return _PLAIN_URL.fullmatch(url) is not None and shape.count(_URL_MARK) == 1 and footer.count(url) == 1 \
        and footer.find(url) == shape.find(_URL_MARK)


def enqueue_message(
    session: Session, *, channel: str, recipient: str, purpose: str, body: str, dedupe_key: str,
    now: datetime, subject: str | None = None, body_html: str | None = None, language: str = "pl",
    item_id: int | None = None, attempt_id: int | None = None, headers: dict | None = None,
    not_before: datetime | None = None, quiet_hours: str | None = None, time_zone: str | None = None,
    manage_url: str | None = None, new_key: bool = False, write: bool = True,
) -> OutboxMessage:
    """Queue one message in the caller's transaction (which commits it); idempotent by ``dedupe_key``.

    E-mails get an unsubscribe link in both parts and RFC 8058 one-click headers (plus a link
    to the recipient's preferences when ``manage_url`` is given). ``quiet_hours``
    ("21:00-08:00", "off") and ``time_zone`` are the recipient's own, for SMS; None means the
    configured default. ``new_key``: the key names a row this transaction created (a new
    attempt), so no message can carry it yet and the look-up is skipped; the unique index on
    ``dedupe_key`` still refuses a second one. ``write=False``: a new message is returned unwritten,
    for the caller to write with others in one statement (``insert_loaded``).
    """
    if not new_key:
        existing = session.scalar(sa.select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))
        if existing is not None:
            return existing
    if channel in ("sms", "email"):
        recipient = suppressions.normalise_address(channel, recipient)
    headers = dict(headers or {})
    if channel == "email" and purpose not in NO_UNSUBSCRIBE:
        body, body_html, unsubscribe_headers = with_unsubscribe_footer(language, recipient, body, body_html, manage_url)
        for name, value in unsubscribe_headers.items():
            headers.setdefault(name, value)
    message = OutboxMessage(
        item_id=item_id, attempt_id=attempt_id, channel=channel, purpose=purpose, recipient=recipient,
        language=language, subject=subject, body=body, body_html=body_html, headers=headers or None,
        dedupe_key=dedupe_key, status="queued", tries=0,
        next_attempt_at=not_before or now, quiet_hours=quiet_hours, time_zone=time_zone,
        created_at=now, updated_at=now,
    )
    if write:
        insert_loaded(session, message)  # in the outbox from here on: nothing left for the commit's flush
    return message


def _link_urls(line: str, *urls: str | None) -> str:
    """``line`` as HTML, with each of ``urls`` in it made a link."""
    html = str(escape(line))
    for url in urls:
        if url:
            safe = str(escape(url))
            html = html.replace(safe, f'<a href="{safe}">{safe}</a>')
    return html


UnsubscribeLink = Callable[[str], str]
_LINK_KEY = "awizo.unsubscribe_link"


def set_unsubscribe_link(app, link: UnsubscribeLink) -> None:
    """Wired by ``create_app``: ``link(address)`` is the unsubscribe URL e-mails to ``address`` carry."""
    app.extensions[_LINK_KEY] = link


def unsubscribe_link(secret: str, base_url: str, address: str) -> str:
    """The signed unsubscribe URL for an e-mail address (``SECRET_KEY``, ``PUBLIC_BASE_URL``)."""
    token = suppressions.unsubscribe_token(secret, "email", address)
    return f"{base_url}/unsubscribe/{token}"


def unsubscribe_url(address: str) -> str:
    return current_app.extensions[_LINK_KEY](address)
