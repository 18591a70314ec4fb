"""Unsubscribe pages (Polish and English) and the RFC 8058 one-click endpoint."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from wtforms import StringField

from app.extensions import db
from app.messaging import opt_outs, suppressions
from app.models.types import utcnow
from app.web.forms import Form, OpenForm, check
from notices import masking

bp = Blueprint("unsubscribe", __name__, url_prefix="/unsubscribe")


class OneClickForm(OpenForm):
    """RFC 8058: a mail client POSTs ``List-Unsubscribe=One-Click``, with no session and no token."""

    one_click = StringField(name="List-Unsubscribe")


class UnsubscribeForm(Form):
    """The button on the unsubscribe page (its CSRF token is checked)."""


def _address(token: str) -> str:
    found = suppressions.read_unsubscribe_token(current_app.config["SECRET_KEY"], token)
    if found is None or found[0] != "email":
        abort(404)
    return found[1]


def _page(address: str, token: str, state: str, status: int = 200):
    return render_template("email/unsubscribe.html", address=masking.email(address), token=token,
                           state=state), status


@bp.get("/<token>")
def confirm(token: str):
    address = _address(token)
    stopped = suppressions.is_suppressed(db.session, "email", address)
    return _page(address, token, "unsubscribed" if stopped else "ask")


@bp.post("/<token>")
def unsubscribe(token: str):
    address = _address(token)
    if OneClickForm().one_click.data == "One-Click":
        opt_outs.unsubscribe_email(db.session, address, now=utcnow(), source="one_click")
        return "", 200
    check(UnsubscribeForm())  # a bad or missing CSRF token is a 400
    opt_outs.unsubscribe_email(db.session, address, now=utcnow(), source="unsubscribe_link")
    return _page(address, token, "unsubscribed")


@bp.post("/<token>/resume")
def resume(token: str):
    address = _address(token)
    opt_outs.resubscribe_email(db.session, address, now=utcnow())
    return _page(address, token, "resumed")
