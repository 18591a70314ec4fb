"""E-mails queued in the outbox: a text part and an HTML part from one content object."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from functools import lru_cache

from flask import current_app
from markupsafe import escape
from sqlalchemy.orm import Session

from app.messaging.enqueue import enqueue_message
from app.models import OutboxMessage
from notices.messages import EmailContent, email_text

_TEMPLATE = "email/message.html"
_MARK = re.compile("\x00([0-9]+)\x00")
# Per process: (Jinja environment, shape of the content) -> the rendered page cut at its fields.
_SKELETONS: dict[tuple[int, int, int, int, bool], list[str]] = {}


def _fields(content: EmailContent) -> list[object]:
    """Every value the template prints, in a fixed order (see :func:`_shape`)."""
    return [content.language, content.subject, content.heading, *content.paragraphs,
            *(part for fact in content.facts for part in fact), *content.closing, content.link_label, content.link_url]


def _shape(content: EmailContent) -> tuple[int, int, int, bool]:
    """What decides the page's structure: the number of each repeated part and whether a link is shown."""
    return len(content.paragraphs), len(content.facts), len(content.closing), bool(content.link_url)


def _skeleton(content: EmailContent) -> list[str]:
    """The template rendered once for this shape with a marker in place of each field, cut at the markers:
    literal text at even positions, field numbers at odd ones."""
    env = current_app.jinja_env
    key = (id(env), *_shape(content))
    parts = _SKELETONS.get(key)
    if parts is None:
        n = iter(range(1_000_000))
        mark = lambda: f"\x00{next(n)}\x00"  # noqa: E731  (markers pass HTML escaping unchanged)
        marked = replace(
            content, language=mark(), subject=mark(), heading=mark(),
            paragraphs=tuple(mark() for _ in content.paragraphs),
            facts=tuple((mark(), mark()) for _ in content.facts),
            closing=tuple(mark() for _ in content.closing), link_label=mark(),
            link_url=mark() if content.link_url else content.link_url)
        parts = _SKELETONS[key] = _MARK.split(env.get_template(_TEMPLATE).render(content=marked))
    return parts


def render_email_html(content: EmailContent) -> str:
    """The HTML part; rendered without request context processors (the worker has no request).

    The template is rendered once per shape of content (how many paragraphs, facts, closing
    lines, whether there is a link) and each message's values are escaped into it, which gives
    the same page as rendering it for every message, at a fraction of the cost (a sweep writes
    thousands). A test compares the two.
    """
    parts = _skeleton(content)
    values = _fields(content)
    out = parts[:]
    for i in range(1, len(parts), 2):
        value = values[int(parts[i])]
        out[i] = _escaped(value) if type(value) is str else str(escape(value))
    return "".join(out)


@lru_cache(maxsize=1024)
def _escaped(value: str) -> str:
    """A plain string escaped for HTML, remembered: most of an e-mail's fields (labels, headings,
    the language, sentences without a number) are the same in every message of a sweep.
    Only plain ``str`` comes here: a ``Markup`` equal to a string must not share its entry."""
    return str(escape(value))


def render_email_html_with_jinja(content: EmailContent) -> str:
    """The same page rendered by Jinja for this message alone (the reference for the fast path)."""
    return current_app.jinja_env.get_template(_TEMPLATE).render(content=content)


def enqueue_email(session: Session, content: EmailContent, *, recipient: str, purpose: str,
                  dedupe_key: str, now: datetime, item_id: int | None = None,
                  attempt_id: int | None = None, manage_url: str | None = None,
                  new_key: bool = False, write: bool = True) -> OutboxMessage:
    """Queue an e-mail whose text and HTML parts both come from ``content`` (``write``: as for
    :func:`enqueue_message`)."""
    return enqueue_message(
        session, channel="email", recipient=recipient, purpose=purpose, dedupe_key=dedupe_key, now=now,
        subject=content.subject, body=email_text(content),
        body_html=render_email_html(content),
        language=content.language, item_id=item_id, attempt_id=attempt_id, manage_url=manage_url,
        new_key=new_key, write=write,
    )
