"""The notice lifecycle on the API: collection at the counter, and the carrier's task list."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import current_app, g, request

from app.web.problems import api_blueprint
from app.web.api_auth import device_required
from app.extensions import db
from app.models.types import utcnow
from app.lifecycle import service as lifecycle
from app.errors import FieldError, ValidationFailed
from notices import s10

bp = api_blueprint("lifecycle_api", __name__)


def _collection_input(now: datetime) -> tuple[datetime | None, str | None]:
    data = request.get_json(silent=True) or {}
    if not isinstance(data, dict):
        raise ValidationFailed([FieldError("body", "must be a JSON object")])
    errors, when, by = [], None, data.get("collected_by")
    raw = data.get("collected_at")
    if raw is not None:
        try:
            when = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
        except ValueError:
            when = None
            errors.append(FieldError("collected_at", "must be an ISO 8601 date-time with an offset"))
        if when is not None and when.tzinfo is None:
            errors.append(FieldError("collected_at", "must include a UTC offset"))
        elif when is not None:
            when = when.astimezone(timezone.utc)
            if when > now + timedelta(seconds=current_app.config["MAX_CLOCK_SKEW_SECONDS"]):
                errors.append(FieldError("collected_at", "is in the future"))
    if by is not None and (not isinstance(by, str) or len(by) > 200):
        errors.append(FieldError("collected_by", "must be a string of at most 200 characters"))
    if errors:
        raise ValidationFailed(errors)
    return when, by


@bp.post("/items/<tracking_number>/collection")
@device_required
def record_collection(tracking_number: str):
    """A pickup point's scan: the item was handed over; every pending lifecycle step stops."""
    now = utcnow()
    when, by = _collection_input(now)
    item, new = lifecycle.record_collection(
        db.session, s10.normalise(tracking_number), now=now, collected_at=when, collected_by=by,
        recorded_by=f"device:{g.device.id}",
    )
    return {
        "tracking_number": item.tracking_number,
        "status": item.status,
        "deadlines": lifecycle.item_deadlines(db.session, item),
    }, (201 if new else 200)


@bp.get("/tasks")
@device_required
def list_tasks():
    """Open tasks for the device's carrier (repeat notices to leave), oldest first."""
    return {"tasks": lifecycle.open_tasks(db.session, g.device.carrier_id)}
