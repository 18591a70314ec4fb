"""The notice lifecycle on the API: collection at the counter, and the carrier's task list."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app, g, request

from app.errors import FieldError, Problem, ValidationFailed
from app.extensions import db
from app.lifecycle import service as lifecycle
from app.lifecycle.collection import Collector, parse_collector
from app.models.types import utcnow
from app.web.api_auth import device_required, legal_event_device_required
from app.web.problems import api_blueprint
from notices import s10

bp = api_blueprint("lifecycle_api", __name__)


def _collection_input(now: datetime) -> tuple[datetime | None, Collector]:
    data = request.get_json(silent=True) or {}
    if not isinstance(data, dict):
        raise ValidationFailed([FieldError("body", "must be a JSON object")])
    problem, when = Problem(), None
    raw = data.get("collected_at")
    if raw is not None:
        try:
            when = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
        except ValueError:
            problem.add("collected_at", "must be an ISO 8601 date-time with an offset")
        if when is not None and when.tzinfo is None:
            problem.add("collected_at", "must include a UTC offset")
            when = None
        elif when is not None:
            when = when.astimezone(timezone.utc)
    collector = parse_collector(data.get("collected_by"), data.get("id_type"), data.get("id_last_digits"), problem)
    problem.raise_if_any()
    if collector is None:  # parse_collector adds a problem whenever it returns None: raised above
        raise ValidationFailed([FieldError("collected_by", "is required")])
    return when, collector


@bp.post("/items/<tracking_number>/collection")
@legal_event_device_required
def record_collection(tracking_number: str):
    """A pickup point's scan: the item was handed over; every pending lifecycle step stops.

    Only a device of the item's pickup point (or of the carrier that left the notice) may record it.
    """
    now = utcnow()
    when, collector = _collection_input(now)
    cfg = current_app.config
    item, new = lifecycle.record_collection(
        db.session, s10.normalise(tracking_number), collector, now=now, collected_at=when,
        recorded_by=f"device:{g.device.id}", device=g.device, scope=cfg["COLLECTION_SCOPE"],
        max_skew_s=cfg["MAX_CLOCK_SKEW_SECONDS"],
    )
    return {
        "tracking_number": item.tracking_number,
        "status": item.status,
        "deadlines": lifecycle.item_deadlines(
            db.session, item, tz=current_app.config.get("OPERATOR_TIMEZONE") or "Europe/Warsaw",
            late_record_tolerance_s=current_app.config.get("CHECK_LATE_RECORD_TOLERANCE_SECONDS", 3600)),
    }, (201 if new else 200)


@bp.get("/tasks")
@device_required
def list_tasks():
    """Open tasks for the device's carrier (repeat notices to leave), oldest first."""
    return {"tasks": lifecycle.open_tasks(db.session, g.device.carrier_id, tz=current_app.config["OPERATOR_TIMEZONE"])}
