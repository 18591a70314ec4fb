"""Checks on every attempt: gathered from the database, judged by ``notices.checks``, stored.

A new scan's checks run in its own transaction, before the commit (:func:`check_new_attempt`):
they only read until their verdict is made, so a failure (a wrong threshold in the
configuration, a bug) writes nothing and never refuses the scan (``flask checks rerun`` catches
up). Corrections and printed notices are checked after their commit (:func:`check_recorded_attempt`). Their results are
one :class:`AttemptCheck` row per attempt, replaced whenever they are recomputed: when a later
scan joins a burst, when the handheld prints the paper notice, or on a rerun.

``checks_for_attempt(session, attempt)`` is the public shape other areas (cases) show.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from app.delivery import addresses
from app.events import record_event
from app.models import Attempt, AttemptCheck, Carrier, Item, ItemLocation, PaperNoticePrint
from notices import addresses as address_keys
from notices import check_texts
from notices.checks import AttemptFacts, Depot, OtherScan, Point, Rules, distance_to_address, evaluate, parse_hours
from notices.outcomes import upu_event

log = logging.getLogger(__name__)


def rules_from_config(config: Mapping[str, Any]) -> Rules:
    """Thresholds from the app's configuration (see ``app.settings``), handed down by its caller."""
    start, end = parse_hours(config.get("DELIVERY_HOURS") or "08:00-20:00")
    return Rules(
        min_far_m=float(config.get("CHECK_FAR_FROM_ADDRESS_MIN_M", 150)),
        depot_radius_m=float(config.get("CHECK_DEPOT_RADIUS_M", 200)),
        max_speed_kmh=float(config.get("CHECK_MAX_SPEED_KMH", 150)),
        burst_window_s=float(config.get("CHECK_BURST_WINDOW_SECONDS", 60)),
        burst_min_attempts=int(config.get("CHECK_BURST_MIN_ATTEMPTS", 3)),
        poor_accuracy_m=float(config.get("CHECK_POOR_ACCURACY_M", 100)),
        clock_tolerance_s=float(config.get("DEVICE_CLOCK_TOLERANCE_SECONDS", 60)),
        late_record_tolerance_s=float(config.get("CHECK_LATE_RECORD_TOLERANCE_SECONDS", 3600)),
        hours_start=start, hours_end=end, timezone=config.get("OPERATOR_TIMEZONE") or "Europe/Warsaw",
    )


def address_point(item: Item) -> Point | None:
    location = getattr(item, "location", None)
    if location is None or location.latitude is None:
        return None
    return Point(location.latitude, location.longitude)


def _key(point: Point | None, item_id: int, line1: str, postal_code: str, city: str) -> str:
    if point is not None:
        return f"{point.lat:.4f},{point.lon:.4f}"
    return address_keys.item_key(line1, postal_code, city) or f"item:{item_id}"


def address_key(item: Item) -> str:
    """Where an attempt was meant to happen, to tell "different addresses" apart."""
    return _key(address_point(item), item.id, item.address_line1, item.postal_code, item.city)


# What the checks read of an attempt, loaded with it in one statement.
WITH_PLACES = (joinedload(Attempt.item).joinedload(Item.location),)
WITH_FACTS = (*WITH_PLACES, joinedload(Attempt.carrier).joinedload(Carrier.default_pickup_point),
              joinedload(Attempt.pickup_point), joinedload(Attempt.device_evidence))  # type: ignore[attr-defined]

_ATTEMPTS = cast(sa.Table, Attempt.__table__)
_ITEMS = cast(sa.Table, Item.__table__)
_LOCATIONS = cast(sa.Table, ItemLocation.__table__)
# A scan of the carrier's as the rules see it: plain columns, no ORM object (a scan reads two kinds).
_OTHER_SCAN = (_ATTEMPTS.c.id, _ATTEMPTS.c.occurred_at, _ATTEMPTS.c.latitude, _ATTEMPTS.c.longitude,
               _ATTEMPTS.c.accuracy_m, _ITEMS.c.id.label("item_id"), _ITEMS.c.address_line1, _ITEMS.c.postal_code,
               _ITEMS.c.city, _LOCATIONS.c.latitude.label("item_lat"), _LOCATIONS.c.longitude.label("item_lon"))
_OTHER_SCANS = _ATTEMPTS.join(_ITEMS, _ITEMS.c.id == _ATTEMPTS.c.item_id).outerjoin(
    _LOCATIONS, _LOCATIONS.c.item_id == _ITEMS.c.id)


def _other_scans_statement():
    """One statement: the carrier's previous located scan before ``at`` (``previous`` true), then
    its scans from ``since`` to ``until`` (``previous`` false), the attempt itself left out.
    Built once; each scan binds its values."""
    attempt_id: sa.BindParameter[int] = sa.bindparam("attempt_id")
    at: sa.BindParameter[datetime] = sa.bindparam("at")
    carrier_scans = (_ATTEMPTS.c.carrier_id == sa.bindparam("carrier_id"), _ATTEMPTS.c.id != attempt_id)
    previous = (sa.select(sa.true().label("previous"), *_OTHER_SCAN).select_from(_OTHER_SCANS).where(
        *carrier_scans, _ATTEMPTS.c.latitude.is_not(None),
        sa.or_(_ATTEMPTS.c.occurred_at < at, sa.and_(_ATTEMPTS.c.occurred_at == at, _ATTEMPTS.c.id < attempt_id)))
        .order_by(_ATTEMPTS.c.occurred_at.desc(), _ATTEMPTS.c.id.desc()).limit(1).subquery())
    around = sa.select(sa.false().label("previous"), *_OTHER_SCAN).select_from(_OTHER_SCANS).where(
        *carrier_scans, _ATTEMPTS.c.occurred_at.between(sa.bindparam("since"), sa.bindparam("until")))
    return sa.union_all(sa.select(previous), around)


_OTHER_SCANS_AROUND = _other_scans_statement()


def _other(row) -> OtherScan:
    point = None if row.item_lat is None else Point(row.item_lat, row.item_lon)
    return OtherScan(row.id, row.occurred_at, _key(point, row.item_id, row.address_line1, row.postal_code, row.city),
                     row.latitude, row.longitude, row.accuracy_m)


_INSERT_CHECK = sa.insert(cast(sa.Table, AttemptCheck.__table__))


def _printed(attempt_id):
    return sa.exists().where(PaperNoticePrint.attempt_id == attempt_id)


def gather_facts(session: Session, attempt: Attempt, rules: Rules, printed: bool | None = None) -> AttemptFacts:
    """Everything the rules need about one attempt, as plain data (``printed``: when already known)."""
    window = timedelta(seconds=rules.burst_window_s)
    others = session.connection().execute(_OTHER_SCANS_AROUND, {
        "attempt_id": attempt.id, "carrier_id": attempt.carrier_id, "at": attempt.occurred_at,
        "since": attempt.occurred_at - window, "until": attempt.occurred_at + window}).all()
    previous = next((row for row in others if row.previous), None)
    neighbours = [row for row in others if not row.previous]
    depots: list[Depot] = []
    for point in (attempt.carrier.default_pickup_point, attempt.pickup_point):
        if (point is not None and point.latitude is not None and point.longitude is not None
                and all(d.code != point.code for d in depots)):
            depots.append(Depot(point.code, point.latitude, point.longitude))
    evidence = getattr(attempt, "device_evidence", None)
    if printed is None:
        printed = session.scalar(sa.select(_printed(attempt.id)))
    return AttemptFacts(
        occurred_at=attempt.occurred_at,
        leaves_notice=upu_event(attempt.outcome).leaves_notice,
        address_key=address_key(attempt.item),
        location=(None if attempt.latitude is None or attempt.longitude is None
                  else Point(attempt.latitude, attempt.longitude)),
        accuracy_m=attempt.accuracy_m,
        address=address_point(attempt.item),
        depots=tuple(depots),
        previous=_other(previous) if previous is not None else None,
        neighbours=tuple(_other(n) for n in neighbours),
        clock_skew_s=evidence.clock_skew_s if evidence is not None else None,
        notice_printed=bool(printed),
        recorded_at=attempt.recorded_at,
    )


def judge(session: Session, attempt: Attempt, rules: Rules, printed: bool | None = None
          ) -> tuple[AttemptFacts, list[dict], float | None]:
    """The attempt's facts, its checks' results and its distance to the address; reads only."""
    facts = gather_facts(session, attempt, rules, printed)
    return facts, [check.as_dict() for check in evaluate(facts, rules)], distance_to_address(facts)


def _store(session: Session, attempt_id: int, now: datetime, results: list[dict], distance: float | None, *,
           replace: bool) -> AttemptCheck:
    """The attempt's check row with these results (``replace``: it may exist already); no flush."""
    row = session.get(AttemptCheck, attempt_id) if replace else None
    if row is None:
        row = AttemptCheck(attempt_id=attempt_id)
        session.add(row)
    row.checked_at = now
    row.distance_m = None if distance is None else round(distance, 1)
    row.results = results
    return row


def run_checks(session: Session, attempt: Attempt, rules: Rules, now: datetime, *, printed: bool | None = None,
               first: bool = False) -> AttemptCheck:
    """Compute the attempt's checks and store them (replacing earlier ones); flushes, no commit.

    ``first``: the attempt was just recorded, so it has no stored checks yet to replace.
    """
    _facts, results, distance = judge(session, attempt, rules, printed)
    row = _store(session, attempt.id, now, results, distance, replace=not first)
    session.flush()
    return row


def check_new_attempt(session: Session, attempt: Attempt, rules_config: Mapping[str, Any], now: datetime) -> None:
    """Check ``attempt``, just written in this transaction, and the carrier's scans around it.

    Adds the check rows to the transaction (no flush, no commit). Any failure before they are
    added is logged and leaves the scan as it is; a database error is raised (the transaction
    is lost anyway).
    """
    try:
        rules = rules_from_config(rules_config)
        facts, results, distance = judge(session, attempt, rules, printed=False)
    except sa.exc.DBAPIError:
        raise
    except Exception:
        log.exception("checks on attempt %s failed; run `flask checks rerun` to retry", attempt.id)
        return
    session.connection().execute(_INSERT_CHECK, {"attempt_id": attempt.id, "checked_at": now, "results": results,
                                                 "distance_m": None if distance is None else round(distance, 1)})
    if any(r["code"] == "burst" for r in results):
        for other in facts.neighbours:
            neighbour = session.get(Attempt, other.attempt_id)
            if neighbour is not None:
                run_checks(session, neighbour, rules, now)


def check_recorded_attempt(session: Session, attempt_id: int, rules_config: Mapping[str, Any], now: datetime,
                           fresh: bool = False) -> None:
    """After a scan is committed: check it (and the carrier's scans around it, for bursts).

    ``rules_config`` is the app's configuration, read here so that a wrong threshold fails the
    checks only. Any failure is logged and rolled back; the scan itself is already safe.
    ``fresh``: the attempt was recorded just now (it has no checks stored yet).
    """
    try:
        rules = rules_from_config(rules_config)
        found = session.execute(
            sa.select(Attempt, _printed(Attempt.id)).options(*WITH_FACTS).where(Attempt.id == attempt_id)
            .execution_options(populate_existing=True)).first()
        if found is None:
            raise LookupError(f"attempt {attempt_id} does not exist")
        attempt, printed = found
        row = run_checks(session, attempt, rules, now, printed=printed, first=fresh)
        if any(r["code"] == "burst" for r in row.results):
            window = timedelta(seconds=rules.burst_window_s)
            for other in session.scalars(sa.select(Attempt).where(
                    Attempt.carrier_id == attempt.carrier_id, Attempt.id != attempt.id,
                    Attempt.occurred_at.between(attempt.occurred_at - window, attempt.occurred_at + window))):
                run_checks(session, other, rules, now)
        session.commit()
    except Exception:
        session.rollback()
        log.exception("checks on attempt %s failed; run `flask checks rerun` to retry", attempt_id)


def record_notice_printed(session: Session, attempt: Attempt, device_id: int | None, rules_config: Mapping[str, Any],
                          now: datetime) -> None:
    """The handheld produced the paper notice for ``attempt``: note it and re-check. Commits."""
    session.add(PaperNoticePrint(attempt_id=attempt.id, device_id=device_id, printed_at=now))
    record_event(session, attempt.item, "notice_printed", now,
                 {"attempt_id": attempt.id, "device_id": device_id})  # the print is in the log too
    session.commit()
    check_recorded_attempt(session, attempt.id, rules_config, now)


def relocate_if_unmatched(session: Session, item: Item, now: datetime) -> None:
    """An item the register did not know at registration is looked up again (it may be loaded now)."""
    location = item.location
    if location is not None and location.quality != "unmatched":
        return
    found = addresses.item_location(session, item.id, None, item.address_line1, item.postal_code, item.city, now)
    if location is None:
        session.add(found)
    elif found.quality != "unmatched":
        location.latitude, location.longitude = found.latitude, found.longitude
        location.quality, location.address_point_id, location.located_at = found.quality, found.address_point_id, now
    session.flush()


def rerun_since(session: Session, since: datetime, rules: Rules, now: datetime, batch: int = 500) -> int:
    """Recompute the checks of every attempt made since ``since``; returns how many. Commits per batch.

    Items the address-point register did not know are looked up again first.
    """
    done = 0
    last_id = 0
    while True:
        attempts = session.scalars(sa.select(Attempt).where(Attempt.occurred_at >= since, Attempt.id > last_id)
                                   .order_by(Attempt.id).limit(batch)).all()
        if not attempts:
            return done
        for attempt in attempts:
            relocate_if_unmatched(session, attempt.item, now)
            run_checks(session, attempt, rules, now)
        last_id = attempts[-1].id
        done += len(attempts)
        session.commit()


def checks_data(attempt: Attempt, lang: str = "pl") -> list[dict]:
    """The stored checks of an attempt: ``[{"code", "text", ...figures}]`` (text in ``lang``)."""
    row = getattr(attempt, "check_result", None)
    if row is None:
        return []
    return [{"code": r["code"], "text": check_texts.text(r, lang), **{k: v for k, v in r.items() if k != "code"}}
            for r in row.results]


def distance_data(attempt: Attempt, lang: str = "pl") -> dict | None:
    """``{"m": 2100.0, "text": "scanned 2.1 km from your address"}`` or None when unknown."""
    row = getattr(attempt, "check_result", None)
    if row is None or row.distance_m is None:
        return None
    return {"m": row.distance_m, "text": check_texts.distance_sentence(row.distance_m, lang)}


def checks_for_attempt(session: Session, attempt: Attempt, rules: Rules, lang: str = "pl") -> list[dict]:
    """The checks of one attempt in the public JSON shape ``[{"code", "text", ...figures}]``.

    Uses the stored results; an attempt never checked yet (an old one, or checks that
    failed) is checked now with ``rules``, without storing anything.
    """
    if getattr(attempt, "check_result", None) is not None:
        return checks_data(attempt, lang)
    return [{"code": c.code, "text": check_texts.text(c.as_dict(), lang), **c.figures}
            for c in evaluate(gather_facts(session, attempt, rules), rules)]
