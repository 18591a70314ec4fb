"""Scans from carriers' handhelds: each one records a delivery attempt."""
from __future__ import annotations

from flask import current_app, g, make_response, request

from app.delivery.device_scans import SIGNED_CLOCK_AHEAD_LIMIT_S, parse_device_proof, record_device_scan
from app.delivery.schemas import parse_scan, parse_timestamp
from app.extensions import db
from app.metrics import SCANS
from app.models.types import utcnow
from app.web.api_auth import legal_event_device_required
from app.web.problems import ApiError, api_blueprint, json_body

bp = api_blueprint("scans_api", __name__)


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
    proof = parse_device_proof(data, lambda value, path, problem: parse_timestamp(value, path, problem, now, 10**9))
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
