"""Correcting a just-recorded scan: an appended attempt that names the one it corrects.

A carrier who tapped the wrong outcome may correct it from the same handheld within
``SCAN_CORRECTION_WINDOW_SECONDS`` of the scan reaching the server. Nothing is updated or
deleted: the mistaken attempt stays in the record, marked as corrected, and the correction is
a new attempt (same time and place, the right outcome) with ``corrects_attempt_id`` set. The
item's status, its notice cycle and the alerts follow the correction: alerts still queued for
the mistaken attempt are cancelled, a notice left by the correction starts the cycle and its
alerts. The correction is an item event, so it joins the transparency log.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.delivery import checks
from app.delivery.attempts import ITEM_STATUS
from app.delivery.records import attempt_data
from app.errors import Conflict, FieldError, NotFound, ValidationFailed
from app.events import record_event
from app.lifecycle import service as lifecycle
from app.messaging.statuses import cancel_queued_alerts
from app.models import Attempt, Device, Item, PickupPoint
from app.recipients import notifications
from app.recipients.address_proof import issue_claim_code
from notices.outcomes import Outcome, upu_event
from notices.vocabulary import FINAL_ITEM_STATUSES


class CorrectionWindowClosed(Conflict):
    slug = "correction-window-closed"
    title = "Too late to correct this scan"


def _original(session: Session, device: Device, attempt_id: int, now: datetime, window_s: float) -> Attempt:
    original = session.get(Attempt, attempt_id)
    if original is None or original.device_id != device.id:
        raise NotFound(f"This device recorded no scan {attempt_id}.")
    if original.corrects_attempt_id is not None:
        raise Conflict("This scan is itself a correction and cannot be corrected again.",
                       [FieldError("attempt_id", "is a correction")])
    corrected_by = session.scalar(sa.select(Attempt.id).where(Attempt.corrects_attempt_id == original.id))
    if corrected_by is not None:
        raise Conflict(f"This scan was already corrected (attempt {corrected_by}).",
                       [FieldError("attempt_id", "was already corrected")])
    if (now - original.recorded_at).total_seconds() > window_s:
        raise CorrectionWindowClosed(
            f"A scan can be corrected only within {int(window_s)} seconds of being recorded; this one was recorded "
            f"at {original.recorded_at.isoformat()}. Ask the office to open a case instead.",
            [FieldError("attempt_id", f"was recorded more than {int(window_s)} seconds ago")])
    later = session.scalar(sa.select(Attempt.id).where(Attempt.item_id == original.item_id, Attempt.id > original.id)
                           .limit(1))
    if later is not None:
        raise Conflict("Only the item's latest scan can be corrected.",
                       [FieldError("attempt_id", "is not the item's latest scan")])
    return original


def correct_attempt(session: Session, device: Device, attempt_id: int, outcome: Outcome, *, now: datetime,
                    base_url: str, tz: str, secret: str, check_config: Mapping[str, Any], window_s: float,
                    pickup_point_code: str | None = None) -> dict:
    """Append a correction of ``attempt_id`` with ``outcome``; returns the new attempt's data. Commits.

    Refused (problem+json) when the scan is not this device's (404), was already corrected or
    is not the item's latest (409), the window has passed (409 ``correction-window-closed``),
    or the outcome is the one already recorded (422). ``secret`` and ``check_config`` as for
    :func:`app.delivery.attempts.record_attempt`.
    """
    original = _original(session, device, attempt_id, now, window_s)
    if outcome.value == original.outcome:
        raise ValidationFailed([FieldError("outcome", "is the outcome already recorded")])
    item = session.get_one(Item, original.item_id)
    event = upu_event(outcome)
    before = upu_event(Outcome(original.outcome))
    pickup = None
    if event.leaves_notice:
        if pickup_point_code:
            pickup = session.scalar(sa.select(PickupPoint).where(PickupPoint.code == pickup_point_code))
            if pickup is None:
                raise ValidationFailed([FieldError("pickup_point", f"unknown pickup point {pickup_point_code}")])
        else:
            pickup = original.pickup_point or device.carrier.default_pickup_point
            if pickup is None:
                raise ValidationFailed([FieldError("pickup_point", "is required: the carrier has no default pickup point")])
    correction = Attempt(
        item_id=item.id, carrier_id=original.carrier_id, device_id=device.id, outcome=outcome.value,
        upu_event=event.code, reason=event.reason, action=event.action,
        occurred_at=original.occurred_at, recorded_at=now,
        latitude=original.latitude, longitude=original.longitude, accuracy_m=original.accuracy_m,
        pickup_point=pickup, corrects_attempt_id=original.id,
    )
    if event.leaves_notice:
        correction.collect_by_at = (original.collect_by_at if before.leaves_notice and original.collect_by_at
                                    else lifecycle.collection_deadline_for_notice(session, item, original.occurred_at, tz))
        item.collect_by_at = correction.collect_by_at
    item.status = ITEM_STATUS[outcome]
    session.add(correction)
    session.flush()
    record_event(session, item, "attempt_corrected", now, {
        "attempt_id": correction.id, "corrects_attempt_id": original.id,
        "outcome": correction.outcome, "previous_outcome": original.outcome, "upu_event": correction.upu_event,
    })
    if before.leaves_notice and not event.leaves_notice:
        # No notice was left after all: what was queued for it is not sent, the cycle stops.
        cancel_queued_alerts(session, original.id, now, reason="the scan was corrected", code="scan_corrected")
        lifecycle.stop_lifecycle(session, item, "scan_corrected", now=now)
    if event.leaves_notice and not before.leaves_notice:
        issue_claim_code(session, item, now=now, secret=secret, attempt_id=correction.id)
        repeat_notice = lifecycle.start_lifecycle(session, item, correction, tz=tz, now=now, base_url=base_url,
                                                  secret=secret)[1]
        if not repeat_notice:
            notifications.enqueue_notice_alerts(session, item, correction, base_url=base_url, tz=tz, now=now,
                                                secret=secret)
    elif item.status in FINAL_ITEM_STATUSES and not before.leaves_notice:
        lifecycle.stop_lifecycle(session, item, item.status, now=now)
    body = {**attempt_data(correction), "tracking_number": item.tracking_number, "item_status": item.status,
            "verify_url": item.verify_url(base_url)}
    session.commit()
    checks.check_recorded_attempt(session, correction.id, check_config, now)
    return body
