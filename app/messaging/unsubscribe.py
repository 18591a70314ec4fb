"""Unsubscribe pages (Polish and English) and the RFC 8058 one-click endpoint."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from app.extensions import db
from app.messaging import opt_outs, suppressions
from app.models.types import utcnow
from notices import masking

bp = Blueprint("unsubscribe", __name__, url_prefix="/unsubscribe")


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
    if request.form.get("List-Unsubscribe") == "One-Click":
        opt_outs.unsubscribe_email(db.session, address, now=utcnow(), source="one_click")
        return "", 200
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError as exc:
        raise CSRFError(str(exc)) from None
    opt_outs.unsubscribe_email(db.session, address, now=utcnow(), source="unsubscribe_link")
    return _page(address, token, "unsubscribed")


@bp.post("/<token>/resume")
def resume(token: str):
    address = _address(token)
    opt_outs.resubscribe_email(db.session, address, now=utcnow())
    return _page(address, token, "resumed")
