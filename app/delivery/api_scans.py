"""Scans from carriers' handhelds: each one records a delivery attempt."""
from __future__ import annotations

from datetime import datetime

from flask import current_app, g, make_response, request
from pydantic_core import PydanticCustomError

from app.delivery.api_records import ScanResult
from app.delivery.corrections import correct_attempt
from app.delivery.device_scans import SIGNED_CLOCK_AHEAD_LIMIT_S, parse_device_proof, record_device_scan
from app.delivery.schemas import Scan, ScanCorrection, parse_scan
from app.errors import Problem
from app.extensions import db
from app.metrics import SCANS
from app.models.types import utcnow
from app.web.api_auth import legal_event_device_required
from app.web.api_types import parse_timestamp
from app.web.apidoc import Answer, operation, validate
from app.web.problems import ApiError, api_blueprint, json_body
from notices.outcomes import Outcome

bp = api_blueprint("scans_api", __name__)


def device_time(value, path: str, problem: Problem, now: datetime) -> datetime | None:
    """The handheld's clock when sending: any RFC 3339 time (a skew is flagged, not refused)."""
    try:
        return parse_timestamp(value, now, 10**9)
    except PydanticCustomError as exc:
        problem.add(path, exc.message())
        return None


TOKEN_ONLY_WARNING = {"Warning": {"description": "Sent to token-only (not enrolled) devices: a development convenience.",
                                   "schema": {"type": "string"}}}


@operation("createScan", tag="Carriers", summary="Record a delivery attempt (idempotent)", auth="device",
           parameters=({"name": "Idempotency-Key", "in": "header", "required": True,
                        "schema": {"type": "string", "minLength": 1, "maxLength": 200}},),
           body=Scan, description=(
               "A scan of an item waiting at another carrier's pickup point is flagged `outside_carrier_scope` (or "
               "refused 403 when the operator sets DEVICE_SCOPE=refuse). With REQUIRE_SIGNED_DEVICES only enrolled, "
               "signing handhelds may scan (403 `signed-device-required`); a token-only device gets a `Warning` header."),
           answers={201: Answer("Recorded (or the first answer, replayed)", ScanResult, headers=TOKEN_ONLY_WARNING)},
           problems=(400, 401, 403, 404, 409, 422),
           links={201: {"recordCollection": {"tracking_number": "$response.body#/tracking_number"}}})
@bp.post("/scans")
@legal_event_device_required
def create_scan():
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not key or len(key) > 200:
        raise ApiError(400, "Bad request", "Send a unique 'Idempotency-Key' header (at most 200 characters) with each scan.",
                       "idempotency-key-required", field="Idempotency-Key")
    now = utcnow()
    data = json_body()
    # An enrolled handheld signs its own clock: one running ahead is flagged (see device_scans), not refused.
    max_skew = SIGNED_CLOCK_AHEAD_LIMIT_S if g.device.public_key else current_app.config["MAX_CLOCK_SKEW_SECONDS"]
    scan = parse_scan(data, now, max_skew)
    # An enrolled handheld's sequence and signature (verified), and its clock when sending.
    proof = parse_device_proof(data, lambda value, path, problem: device_time(value, path, problem, now))
    result = record_device_scan(
        db.session, g.device, scan, proof, key, now=now,
        base_url=current_app.config["PUBLIC_BASE_URL"], tz=current_app.config["OPERATOR_TIMEZONE"],
        clock_tolerance_s=current_app.config.get("DEVICE_CLOCK_TOLERANCE_SECONDS", 60),
        replay_window_s=current_app.config.get("TOKEN_SCAN_REPLAY_WINDOW_SECONDS", 600),
        device_scope=current_app.config["DEVICE_SCOPE"], check_config=current_app.config,
        secret=current_app.config["SECRET_KEY"],
    )
    SCANS.labels("replayed" if result.replayed else scan.outcome.value).inc()
    response = make_response(result.body, result.status_code)
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


@operation("correctScan", tag="Carriers", summary="Correct this device's just-recorded scan (an appended attempt)",
           auth="device", body=ScanCorrection, description=(
               "Within SCAN_CORRECTION_WINDOW_SECONDS (default 120) of the scan reaching the server, the device that "
               "recorded it may correct its outcome. The attempt is never changed: the correction is a new attempt "
               "with `corrects_attempt_id`, same time and place. Later: 409 `correction-window-closed` naming "
               "`attempt_id`; a scan already corrected, a correction, or not the item's latest scan: 409; the same "
               "outcome: 422."),
           answers={201: Answer("Corrected", ScanResult, headers=TOKEN_ONLY_WARNING)},
           problems=(400, 401, 403, 404, 409, 422))
@bp.post("/scans/<int:attempt_id>/correction")
@legal_event_device_required
def correct_scan(attempt_id: int):
    """``{"outcome": …, "pickup_point"?: …}``: correct this device's just-recorded scan (an appended attempt)."""
    correction: ScanCorrection = validate(ScanCorrection, json_body())
    cfg = current_app.config
    body = correct_attempt(
        db.session, g.device, attempt_id, Outcome(correction.outcome), now=utcnow(), base_url=cfg["PUBLIC_BASE_URL"],
        tz=cfg["OPERATOR_TIMEZONE"], secret=cfg["SECRET_KEY"], check_config=cfg,
        window_s=cfg["SCAN_CORRECTION_WINDOW_SECONDS"], pickup_point_code=correction.pickup_point,
    )
    SCANS.labels("corrected").inc()
    return body, 201
