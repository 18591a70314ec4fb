"""HTML forms through Flask-WTF: each form is a class that validates its fields, and a page
shows each error next to the field it is about.

Views never read ``request.form`` themselves (a test in tests/unit/test_architecture.py fails
if one does): they build the area's form class, call :func:`check`, and hand the template
``errors`` (field name → sentence), merged with what the use case refused.
CSRF is checked by ``CSRFProtect`` for every POST and again by each form; the few posts that
carry no session (Twilio's callbacks, RFC 8058 one-click unsubscribe) use forms without it.
"""
from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError

from app.errors import ServiceError


class Form(FlaskForm):
    """A page's form; ``csrf`` as the app configures it (on, except in tests that turn it off)."""


class OpenForm(FlaskForm):
    """A form posted without a session (signed or one-click requests): no CSRF token to check."""

    class Meta:
        csrf = False


class QueryForm(FlaskForm):
    """A GET filter form: its fields come from the query string (``request.args``), never a session,
    so there is no CSRF token. ``check(form)`` names each bad parameter like any form's field."""

    class Meta:
        csrf = False

    def __init__(self, **kwargs):
        super().__init__(formdata=request.args, **kwargs)


def check(form: FlaskForm) -> dict[str, str]:
    """Validate ``form``; ``{field: first error}`` (empty when valid). A bad CSRF token is a
    400 (CSRFError), as ``CSRFProtect`` answers it, never a field error."""
    form.validate()
    if form.errors.get("csrf_token"):
        raise CSRFError(str(form.errors["csrf_token"][0]))
    return {name: str(messages[0]) for name, messages in form.errors.items() if messages}


def refused(exc: ServiceError) -> dict[str, str]:
    """What a use case refused, in the same shape: ``{field: message}``."""
    return {e.field or "general": e.message for e in exc.errors} or {"general": exc.detail}
