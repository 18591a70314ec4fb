"""The unsubscribe link in every e-mail: ``/unsubscribe/<signed token>``.

``POST`` with ``List-Unsubscribe=One-Click`` (RFC 8058, sent by mail clients without any
page or cookie) unsubscribes at once; a person opening the link gets a page with a
CSRF-protected button.
"""
from flask import Blueprint

bp = Blueprint("unsubscribe", __name__, url_prefix="/unsubscribe")


def init_app(app) -> None:
    from app.extensions import csrf
    from app.unsubscribe import views

    csrf.exempt(views.unsubscribe)  # the view checks CSRF itself unless it is a one-click POST
    app.register_blueprint(bp)
