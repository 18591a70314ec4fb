"""JSON endpoints for the handheld: enrolment, who am I, and the data of a printable notice."""
from __future__ import annotations

from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, g, jsonify, request

from app.delivery import checks, enrolments, paper_notice, pickup_points
from app.delivery.handheld import bp
from app.errors import FieldError, NotFound, ServiceError, ValidationFailed
from app.extensions import db
from app.models import Attempt, Item
from app.models.types import iso, utcnow
from app.web.api_auth import device_required
from app.web.problems import json_body, problem
from notices import masking
from notices.pickup_points import is_open
from notices.profiles import PROFILES


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    headers = {"WWW-Authenticate": 'Bearer realm="awizo"'} if exc.status == 401 else None
    return problem(exc.status, exc.title, exc.detail, exc.slug, exc.errors, headers)


def _device_data(device) -> dict:
    pickup = device.carrier.default_pickup_point
    cfg = current_app.config
    return {
        "device": {"id": device.id, "label": device.label, "key_fingerprint": device.key_fingerprint},
        "carrier": {"id": device.carrier_id, "name": device.carrier.name},
        "pickup_point": None if pickup is None else {
            "code": pickup.code, "name": pickup.name, "address": pickup.address, "opening_hours": pickup.opening_hours,
        },
        # Printing a notice with no network: claim codes and QR links the device derives itself.
        "notice_kit": paper_notice.notice_kit(device, base_url=cfg["PUBLIC_BASE_URL"], tz=cfg["OPERATOR_TIMEZONE"],
                                              secret=cfg["SECRET_KEY"], now=utcnow()),
        "correction_window_s": cfg["SCAN_CORRECTION_WINDOW_SECONDS"],
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
    profile = PROFILES.get(item.service)
    return jsonify({"tracking_number": item.tracking_number, "status": item.status,
                    "addressee": {"name": masking.door_name(item.recipient_name), "address": address},
                    # Kept with the scan, so a notice printed offline names the service and the sender.
                    "service": item.service, "sender": item.sender.name if item.sender else None,
                    "service_name": {"pl": profile.name_pl, "en": profile.name_en} if profile else None})


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


def _coordinate(name: str, limit: float) -> float:
    try:
        value = float(request.args.get(name, ""))
    except ValueError:
        raise ValidationFailed([FieldError(name, "is required: a number (WGS84 degrees)")]) from None
    if not -limit <= value <= limit:
        raise ValidationFailed([FieldError(name, f"must be between -{limit:g} and {limit:g}")])
    return value


@bp.get("/api/pickup-points/nearest")
@device_required
def nearest_pickup_point():
    """``?lat=&lon=`` → the nearest pickup point open now (or, failing that, the nearest opening
    today, then the nearest active one), for the notice the carrier is about to leave."""
    lat, lon = _coordinate("lat", 90), _coordinate("lon", 180)
    tz, now = current_app.config["OPERATOR_TIMEZONE"], utcnow()
    found = pickup_points.nearest_open(db.session, lat, lon, now, tz)
    if found is None:
        raise NotFound("No pickup point in the register has a position.")
    point, distance = found
    lang = "en" if request.args.get("lang") == "en" else "pl"
    about = pickup_points.describe_point(point, lang) or {}
    return jsonify({"pickup_point": {**about, "distance_m": round(distance),
                                     "open_now": is_open(point.facts(), now.astimezone(ZoneInfo(tz)))}})
