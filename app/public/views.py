"""Public views: home page and the verification page (masked record, HTML or JSON)."""
from __future__ import annotations

from flask import current_app, jsonify, render_template, request

from notices.proof import OUTCOMES, STATUSES, format_time
from app.extensions import db
from app.public import bp
from app.services import items as item_service
from app.services.errors import NotFound
from app.services.records import item_record


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


@bp.app_template_filter("localtime")
def localtime(value: str | None) -> str:
    """An ISO time from a record, shown in the operator's time zone and in UTC."""
    return format_time(value, current_app.config["OPERATOR_TIMEZONE"])


@bp.get("/")
def home():
    return render_template("public/home.html")


@bp.get("/v/<token>")
def verify(token: str):
    try:
        item = item_service.item_by_verify_token(db.session, token)
    except NotFound:
        if wants_json():
            response = jsonify({"title": "Not found", "status": 404, "detail": "No record for this link."})
            response.mimetype = "application/problem+json"
            return response, 404
        return render_template("public/verify_unknown.html"), 404
    record = item_record(db.session, item, current_app.config["PUBLIC_BASE_URL"], public=True)
    if wants_json():
        return jsonify(record)
    return render_template("public/verify.html", record=record, outcomes=OUTCOMES, statuses=STATUSES)
