"""JSON endpoints for the handheld: enrolment, who am I, and the data of a printable notice."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, g, jsonify

from app.delivery import checks, enrolments, paper_notice
from app.delivery.handheld import bp
from app.errors import NotFound, ServiceError
from app.extensions import db
from app.models import Attempt, Item
from app.models.types import iso, utcnow
from app.web.api_auth import device_required
from app.web.problems import json_body, problem
from notices import masking


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    headers = {"WWW-Authenticate": 'Bearer realm="awizo"'} if exc.status == 401 else None
    return problem(exc.status, exc.title, exc.detail, exc.slug, exc.errors, headers)


def _device_data(device) -> dict:
    pickup = device.carrier.default_pickup_point
    return {
        "device": {"id": device.id, "label": device.label, "key_fingerprint": device.key_fingerprint},
        "carrier": {"id": device.carrier_id, "name": device.carrier.name},
        "pickup_point": None if pickup is None else {
            "code": pickup.code, "name": pickup.name, "address": pickup.address,
        },
    }


@bp.post("/api/enrol")
def enrol():
    """``{code, public_key}`` → the device's token (shown once) and what the app needs."""
    data = json_body()
    device, token = enrolments.enrol_device(db.session, str(data.get("code") or ""),
                                            data.get("public_key"), now=utcnow())
    return jsonify({"token": token, **_device_data(device)}), 201


@bp.get("/api/me")
@device_required
def me():
    return jsonify(_device_data(g.device))


@bp.get("/api/item/<tracking_number>")
@device_required
def item_at_the_door(tracking_number: str):
    """The addressee's masked name and address, for the carrier to check the door before recording."""
    item = db.session.scalar(sa.select(Item).where(Item.tracking_number == tracking_number.upper()))
    if item is None:
        raise NotFound(f"No item {tracking_number} is registered.")
    address = ", ".join(p for p in (item.address_line1, item.address_line2,
                                    f"{item.postal_code or ''} {item.city or ''}".strip()) if p)
    return jsonify({"tracking_number": item.tracking_number, "status": item.status,
                    "addressee": {"name": masking.door_name(item.recipient_name), "address": address}})


def _noticed_attempt(tracking_number: str) -> tuple[Item, Attempt]:
    """The item and this carrier's latest notice-leaving attempt for it, or 404."""
    item = db.session.scalar(sa.select(Item).where(Item.tracking_number == tracking_number.upper()))
    attempt = None
    if item is not None:
        attempt = db.session.scalar(
            sa.select(Attempt).where(Attempt.item_id == item.id, Attempt.carrier_id == g.device.carrier_id,
                                     Attempt.pickup_point_id.is_not(None))
            .order_by(Attempt.id.desc()).limit(1))
    if item is None or attempt is None:
        raise NotFound(f"This carrier left no notice for {tracking_number}.")
    return item, attempt


@bp.get("/api/notice/<tracking_number>")
@device_required
def notice_data(tracking_number: str):
    """What the paper notice says; only for an item this carrier left a notice for. Reads only."""
    item, attempt = _noticed_attempt(tracking_number)
    cfg = current_app.config
    return jsonify(paper_notice.notice_data(db.session, item, attempt, base_url=cfg["PUBLIC_BASE_URL"],
                                            tz=cfg["OPERATOR_TIMEZONE"], secret=cfg["SECRET_KEY"], now=utcnow()))


@bp.post("/api/notice/<tracking_number>/printed")
@device_required
def notice_printed(tracking_number: str):
    """The handheld printed the paper notice: the attempt is no longer "no notice printed"."""
    _, attempt = _noticed_attempt(tracking_number)
    now = utcnow()
    checks.record_notice_printed(db.session, attempt, g.device.id, current_app.config, now)
    return jsonify({"attempt_id": attempt.id, "printed_at": iso(now)}), 201
