"""Operator staff pages for handhelds: enrol a device with a one-time code, list, revoke."""
from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")


def init_app(app) -> None:
    from app.staff import views  # noqa: F401

    app.register_blueprint(bp)
