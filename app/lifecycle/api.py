"""The notice lifecycle on the API: collection at the counter, and the carrier's task list."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app, g, request

from app.errors import FieldError, Problem, ValidationFailed
from app.extensions import db
from app.lifecycle import service as lifecycle
from app.lifecycle.api_models import Collection, CollectionInput, TaskList
from app.lifecycle.collection import Collector, parse_collector
from app.models.types import utcnow
from app.web.api_auth import device_required, legal_event_device_required
from app.web.apidoc import Answer, operation, validate
from app.web.problems import api_blueprint
from notices import s10

bp = api_blueprint("lifecycle_api", __name__)
TOKEN_ONLY_HEADERS = {"Warning": {"description": "Sent to token-only (not enrolled) devices: a development convenience.",
                                  "schema": {"type": "string"}}}


def _collection_input() -> tuple[datetime | None, Collector]:
    """The body (none at all is an empty object) as the model says, then the collector's shared rule."""
    body: CollectionInput = validate(CollectionInput, request.get_json(silent=True) or {})
    problem = Problem()
    collector = parse_collector(body.collected_by, body.id_type, body.id_last_digits, problem)
    problem.raise_if_any()
    if collector is None:  # parse_collector adds a problem whenever it returns None: raised above
        raise ValidationFailed([FieldError("collected_by", "is required")])
    return (body.collected_at.astimezone(timezone.utc) if body.collected_at else None), collector


@operation("recordCollection", tag="Carriers", summary="The item was collected at the counter", auth="device",
           description="Only a device of the item's pickup point, or of the carrier that left its notice, may record "
                       "a collection (403 otherwise; COLLECTION_SCOPE=staff_only refuses every device). `collected_at` "
                       "(default now) may not precede the notice or the registration, nor follow now (422). With "
                       "REQUIRE_SIGNED_DEVICES only enrolled handhelds may record it.",
           body=CollectionInput, answers={200: Answer("Already recorded", Collection, headers=TOKEN_ONLY_HEADERS),
                                          201: Answer("Recorded", Collection, headers=TOKEN_ONLY_HEADERS)},
           problems=(400, 401, 403, 404, 409, 422))
@bp.post("/items/<tracking_number>/collection")
@legal_event_device_required
def record_collection(tracking_number: str):
    """A pickup point's scan: the item was handed over; every pending lifecycle step stops.

    Only a device of the item's pickup point (or of the carrier that left the notice) may record it.
    """
    now = utcnow()
    when, collector = _collection_input()
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


@operation("listTasks", tag="Carriers", summary="Open tasks of the device's carrier", auth="device",
           answers={200: Answer("OK", TaskList)}, problems=(401, 403))
@bp.get("/tasks")
@device_required
def list_tasks():
    """Open tasks for the device's carrier (repeat notices to leave), oldest first."""
    return {"tasks": lifecycle.open_tasks(db.session, g.device.carrier_id, tz=current_app.config["OPERATOR_TIMEZONE"])}
