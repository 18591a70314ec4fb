"""Recording delivery attempts: append-only, idempotent, and alerting in the same transaction."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.delivery import checks, pickup_points
from app.delivery.records import attempt_data
from app.errors import Conflict, FieldError, NotFound, ValidationFailed
from app.events import record_event
from app.lifecycle import recipient_actions
from app.lifecycle import service as lifecycle
from app.models import Attempt, Device, IdempotencyRecord, Item
from app.models.bulk import insert_loaded
from app.models.lifecycle import ItemLifecycle
from app.recipients import notifications
from app.recipients.address_proof import issue_claim_code
from notices.outcomes import Outcome, upu_event
from notices.vocabulary import FINAL_ITEM_STATUSES, ItemStatus

ITEM_STATUS = {
    Outcome.DELIVERED: ItemStatus.DELIVERED,
    Outcome.NOTICE_LEFT: ItemStatus.AWAITING_COLLECTION,
    Outcome.NO_ACCESS: ItemStatus.AWAITING_COLLECTION,
    Outcome.REFUSED: ItemStatus.REFUSED,
    Outcome.ADDRESS_UNKNOWN: ItemStatus.UNDELIVERABLE,
    Outcome.MOVED: ItemStatus.UNDELIVERABLE,
}
FINAL_STATUSES = FINAL_ITEM_STATUSES
# An attempt may not be claimed before its item was registered; a few minutes' margin covers
# the clocks of the sender's system and of the handheld being slightly apart.
REGISTRATION_MARGIN = timedelta(minutes=5)


_ANSWERS = cast(sa.Table, IdempotencyRecord.__table__)
_INSERT_ANSWER = sa.insert(_ANSWERS)
_ANSWER = sa.select(_ANSWERS.c.key, _ANSWERS.c.request_hash, _ANSWERS.c.status_code, _ANSWERS.c.response,
                    _ANSWERS.c.created_at).order_by(_ANSWERS.c.id)
_ANSWER_BY_KEY = _ANSWER.where(_ANSWERS.c.device_id == sa.bindparam("device_id"), _ANSWERS.c.key == sa.bindparam("key"))
# A token-only device's resend: the same scan under any key since then, in the same statement.
_ANSWER_BY_KEY_OR_SCAN = _ANSWER.where(_ANSWERS.c.device_id == sa.bindparam("device_id"), sa.or_(
    _ANSWERS.c.key == sa.bindparam("key"),
    sa.and_(_ANSWERS.c.request_hash == sa.bindparam("fingerprint"), _ANSWERS.c.created_at >= sa.bindparam("since"))))


@dataclass(frozen=True)
class ScanInput:
    tracking_number: str
    outcome: Outcome
    occurred_at: datetime
    latitude: float | None
    longitude: float | None
    accuracy_m: float | None
    pickup_point_code: str | None = None
    no_fix: bool = False  # the device had no position fix: recorded as such, never a stale position

    def fingerprint(self) -> str:
        """A hash of the request, to tell a true replay from a reused key."""
        data = asdict(self)
        data["occurred_at"] = self.occurred_at.isoformat()
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class ScanResult:
    status_code: int
    body: dict
    replayed: bool = False


@dataclass
class Target:
    """The scanned item with its sender and its notice lifecycle (None before a first notice), read at once."""

    item: Item | None
    lifecycle: ItemLifecycle | None


_TARGET = (sa.select(Item, ItemLifecycle).outerjoin(ItemLifecycle, ItemLifecycle.item_id == Item.id)
           .options(joinedload(Item.sender), joinedload(Item.location))
           .where(Item.tracking_number == sa.bindparam("tracking_number")))


def load_target(session: Session, tracking_number: str) -> Target:
    """One statement: the item with its sender and located address, and its lifecycle (a scan
    needs them all: the checks read the address's point)."""
    row = session.execute(_TARGET, {"tracking_number": tracking_number}).first()
    return Target(None, None) if row is None else Target(row[0], row[1])


def previous_answer(session: Session, device_id: int, key: str, fingerprint: str, *,
                    same_scan_since: datetime | None = None) -> ScanResult | None:
    """The stored answer for this ``Idempotency-Key`` (a reused key with another scan is a conflict).

    With ``same_scan_since``, the first answer to the same scan sent since then under any key
    counts too (a token-only device resending what it already sent); both in one statement.
    """
    # Plain rows: a scan reads its key here every time, and almost always finds nothing.
    if same_scan_since is None:
        records = session.connection().execute(_ANSWER_BY_KEY, {"device_id": device_id, "key": key}).all()
    else:
        records = session.connection().execute(_ANSWER_BY_KEY_OR_SCAN, {
            "device_id": device_id, "key": key, "fingerprint": fingerprint, "since": same_scan_since}).all()
    if same_scan_since is not None:
        for record in records:
            if record.request_hash == fingerprint and record.created_at >= same_scan_since:
                return ScanResult(record.status_code, record.response, replayed=True)
    found = next((r for r in records if r.key == key), None)
    if found is None:
        return None
    if found.request_hash != fingerprint:
        raise Conflict(
            "This Idempotency-Key was already used for a different scan.",
            [FieldError("Idempotency-Key", "was already used for a different scan")],
        )
    return ScanResult(found.status_code, found.response, replayed=True)


def signed_scan_of(attempt: Attempt) -> dict:
    """``{"device_id", "sequence"}`` of the signed scan behind ``attempt``, or ``{}`` if none."""
    evidence = getattr(attempt, "device_evidence", None)
    if evidence is None or not evidence.signed or evidence.sequence is None:
        return {}
    return {"device_id": attempt.device_id, "sequence": evidence.sequence}


def record_attempt(
    session: Session, device: Device, scan: ScanInput, idempotency_key: str, *,
    now: datetime, base_url: str, tz: str, secret: str, check_config: Mapping[str, Any], on_attempt=None,
    target: Target | None = None, key_checked: bool = False,
) -> ScanResult:
    """Record one attempt exactly once per ``Idempotency-Key``, even when replays race.

    The attempt, the item's new status, the outbox messages for the recipient and the
    idempotency record are written in one transaction, with the checks on the attempt (which
    never refuse the scan). A replay returns the first answer.
    ``on_attempt(session, device, attempt)``, if given, adds more evidence in that transaction.
    ``secret`` (``SECRET_KEY``) derives the claim code printed on a notice and the subscribers'
    links; ``check_config`` is the app's configuration the checks take their thresholds from.
    ``target`` (from :func:`load_target`) and ``key_checked`` (the caller already looked the key
    up with :func:`previous_answer` in this transaction) spare the first try those reads.
    """
    fingerprint = scan.fingerprint()
    device_id = device.id
    for _ in range(5):
        stored = None if key_checked else previous_answer(session, device_id, idempotency_key, fingerprint)
        if stored:
            session.rollback()
            return stored
        try:
            # Holding the attempt keeps it in the session's (weak) identity map until the commit,
            # where the log entry reads it: otherwise it is loaded again. The checks read it too.
            # Every read of the request either needs nothing it wrote or follows an explicit flush, so
            # the writes go out in one flush at the commit rather than one before each read.
            with session.no_autoflush:
                result, attempt = _write_attempt(session, session.get(Device, device_id), scan, idempotency_key,
                                                fingerprint, now=now, base_url=base_url, tz=tz, secret=secret,
                                                on_attempt=on_attempt, target=target)
                checks.check_new_attempt(session, attempt, check_config, now)
            session.commit()
            return result
        except (IntegrityError, OperationalError):
            # Another request with the same key won the race (or SQLite was busy): look again.
            session.rollback()
            target, key_checked = None, False
    raise Conflict("The scan could not be recorded because of concurrent requests; retry it.")


_ITEMS = cast(sa.Table, Item.__table__)
_UPDATE_ITEM = (sa.update(_ITEMS).where(_ITEMS.c.id == sa.bindparam("item_id"))
                .values(status=sa.bindparam("new_status"), collect_by_at=sa.bindparam("new_collect_by_at")))


def _update_item(session: Session, item: Item, status: str, collect_by_at: datetime | None) -> None:
    """The item's new status and deadline: one plain UPDATE, and the loaded item says the same."""
    session.connection().execute(_UPDATE_ITEM, {"item_id": item.id, "new_status": status,
                                                "new_collect_by_at": collect_by_at})
    set_committed_value(item, "status", status)
    set_committed_value(item, "collect_by_at", collect_by_at)


def _write_attempt(session, device, scan, key, fingerprint, *, now, base_url, tz, secret, on_attempt=None,
                   target: Target | None = None) -> tuple[ScanResult, Attempt]:
    target = target or load_target(session, scan.tracking_number)
    item = target.item
    if item is None:
        raise NotFound(f"No item {scan.tracking_number} is registered.")
    if item.status in FINAL_STATUSES:
        raise Conflict(f"Item {item.tracking_number} is already {item.status.replace('_', ' ')}.")
    if scan.occurred_at < item.created_at - REGISTRATION_MARGIN:
        raise ValidationFailed([FieldError("occurred_at", "is before the item was registered "
                                           f"({item.created_at.isoformat()}): an attempt cannot precede it")])
    event = upu_event(scan.outcome)
    carrier = device.carrier
    pickup = None
    if event.leaves_notice:
        if scan.pickup_point_code:
            pickup = pickup_points.find(session, scan.pickup_point_code)
        else:
            pickup = pickup_points.for_notice(session, carrier, item, scan.latitude, scan.longitude,
                                              scan.occurred_at, tz)
            if pickup is None:
                raise ValidationFailed([FieldError("pickup_point", "is required: no pickup point in the register "
                                                   "is near the scan and the carrier has no default one")])
    attempt = Attempt(
        item_id=item.id, carrier_id=carrier.id, device_id=device.id, outcome=scan.outcome.value,
        upu_event=event.code, reason=event.reason, action=event.action,
        occurred_at=scan.occurred_at, recorded_at=now,
        latitude=scan.latitude, longitude=scan.longitude, accuracy_m=scan.accuracy_m,
        pickup_point=pickup, carrier=carrier, device=device,
    )
    if on_attempt is None:
        attempt.device_evidence = None  # type: ignore[attr-defined]  # known: no evidence row (spares a lazy load)
    if event.leaves_notice:
        # A repeat notice keeps the first notice's deadline (KPA: 14 days from the first notice).
        attempt.collect_by_at = lifecycle.collection_deadline_for_notice(session, item, scan.occurred_at, tz,
                                                                         current=target.lifecycle)
    _update_item(session, item, ITEM_STATUS[scan.outcome],
                 attempt.collect_by_at if event.leaves_notice else item.collect_by_at)
    insert_loaded(session, attempt)  # attempts are never updated: nothing for the unit of work to track
    if on_attempt is not None:
        on_attempt(session, device, attempt)
    recipient_actions.close_redelivery(session, item.id, attempt.id, now)
    record_event(session, item, "attempt_recorded", now, {
        "attempt_id": attempt.id, "outcome": attempt.outcome, "upu_event": attempt.upu_event,
    })
    repeat_notice = False
    if event.leaves_notice:
        # Printed on this notice; a signing handheld derived it itself from its scan number.
        issue_claim_code(session, item, now=now, secret=secret, attempt_id=attempt.id, **signed_scan_of(attempt))
        repeat_notice = lifecycle.start_lifecycle(session, item, attempt, tz=tz, now=now,
                                                  base_url=base_url, secret=secret, current=target.lifecycle)[1]
    elif item.status in FINAL_STATUSES:
        lifecycle.stop_lifecycle(session, item, item.status, now=now)
    if event.leaves_notice and not repeat_notice:  # the repeat notice alert went out when it fell due
        notifications.enqueue_notice_alerts(session, item, attempt, base_url=base_url, tz=tz, now=now, secret=secret,
                                            new_attempt=True)
    body = {
        **attempt_data(attempt),
        "tracking_number": item.tracking_number,
        "item_status": item.status,
        "verify_url": item.verify_url(base_url),
    }
    # A plain INSERT (no ORM object): the unique (device, key) index decides a race here.
    session.connection().execute(_INSERT_ANSWER, {"device_id": device.id, "key": key, "request_hash": fingerprint,
                                                  "status_code": 201, "response": body, "created_at": now})
    return ScanResult(201, body), attempt
