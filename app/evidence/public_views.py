"""Public views: home page and the verification page (masked record, HTML or JSON)."""
from __future__ import annotations

import hmac

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, request
from flask_babel import gettext

from app.delivery import items as item_service
from app.delivery.records import RecordSettings, item_record
from app.errors import NotFound
from app.evidence import proofs
from app.evidence.witnesses import configured
from app.extensions import db
from app.models import Attempt
from app.models.handheld import AttemptDeviceEvidence
from app.models.types import utcnow
from app.web import i18n
from notices import claim_codes, dates
from notices.proof import EVENT_KINDS, OUTCOMES, STATUSES, format_time

bp = Blueprint("public", __name__, template_folder="templates")

MAX_UPLOAD = 20 * 1024 * 1024


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


@bp.app_template_filter("localtime")
def localtime(value: str | None) -> str:
    """An ISO time from a record, shown in the operator's time zone and in UTC, in the page's language."""
    return format_time(value, current_app.config["OPERATOR_TIMEZONE"], i18n.current_language())


@bp.app_template_filter("plaindate")
def plaindate(value: str | None) -> str:
    """An ISO date (``2026-12-07``) in the page's language, by Babel: "7 gru 2026" / "7 Dec 2026"."""
    return dates.day(value or None, i18n.current_language())


@bp.app_template_filter("event_kind")
def event_kind(kind: str) -> str:
    """An item event's name in the page's language."""
    names = EVENT_KINDS.get(kind)
    return gettext(names) if names else kind.replace("_", " ")


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
    settings = RecordSettings.from_config(current_app.config)
    record = item_record(db.session, item, settings, public=True, lang=i18n.current_language(), now=utcnow())
    integrity = proofs.integrity_summary(db.session, item, settings=settings, now=utcnow())
    if wants_json():
        return jsonify({**record, "integrity": integrity})
    return render_template("public/verify.html", record=record, integrity=integrity, token=token,
                           outcomes=OUTCOMES, statuses=STATUSES)


@bp.get("/n/<int:device_id>/<int:sequence>/<tag>")
def device_notice(device_id: int, sequence: int, tag: str):
    """The QR code of a notice a handheld printed offline: the item's record once the scan arrived."""
    key = claim_codes.device_notice_key(current_app.config["SECRET_KEY"], device_id)
    if not hmac.compare_digest(claim_codes.scan_notice_tag(key, sequence), tag.upper()):
        return render_template("public/verify_unknown.html"), 404
    attempt = db.session.scalar(
        sa.select(Attempt).join(AttemptDeviceEvidence, AttemptDeviceEvidence.attempt_id == Attempt.id)
        .where(AttemptDeviceEvidence.device_id == device_id, AttemptDeviceEvidence.sequence == sequence,
               AttemptDeviceEvidence.signed.is_(True)).order_by(Attempt.id).limit(1))
    if attempt is None:  # printed, not yet sent: the handheld sends it once it has network
        return render_template("public/notice_pending.html"), 404
    return redirect(attempt.item.verify_url(current_app.config["PUBLIC_BASE_URL"]))


@bp.get("/v/<token>/proof.pdf")
def public_proof(token: str):
    """The masked proof PDF for whoever holds the QR code or the alert's link."""
    try:
        item = item_service.item_by_verify_token(db.session, token)
    except NotFound:
        return render_template("public/verify_unknown.html"), 404
    pdf = proofs.render_proof(db.session, item, settings=RecordSettings.from_config(current_app.config),
                              now=utcnow(), public=True)
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="proof-{item.tracking_number}.pdf"'})


@bp.route("/proofs/verify", methods=["GET", "POST"])
def verify_upload():
    """Upload a proof PDF and get a verdict in words."""
    verdict = error = None
    if request.method == "POST":
        upload = request.files.get("file")
        data = upload.read(MAX_UPLOAD + 1) if upload else b""
        if not data:
            error = "missing"
        elif len(data) > MAX_UPLOAD:
            error = "too_large"
        else:
            cfg = current_app.config
            verdict = proofs.verify_document(
                db.session, data, cfg["PUBLIC_BASE_URL"], witnesses=configured(cfg),
                tree_head_max_age_s=cfg.get("TREE_HEAD_MAX_AGE_SECONDS", 300)).as_dict()
    return render_template("public/verify_upload.html", verdict=verdict, error=error), (422 if error else 200)
