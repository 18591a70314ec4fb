"""Reading cases: the one history, the staff queue, cases of an item, counts per carrier."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from app.cases.evidence import gather
from app.cases.notify import notice_found_not_left
from app.models import Attempt, Item
from app.models.cases import Case
from app.models.types import iso
from notices.cases import KINDS, OPEN_STATUSES
from notices.checks import Rules
from notices.i18n import LANGUAGES, N_, translations


def history(case: Case, *, internal: bool = False) -> list[dict]:
    """Every entry the reader may see, in time order (staff also see internal notes)."""
    return [{
        "id": e.id, "kind": e.kind, "actor": e.actor, "at": iso(e.occurred_at), "body": e.body,
        "visible": e.visible, **({"data": e.data} if e.data else {}),
    } for e in case.entries if e.visible or internal]


def case_data(session: Session, case: Case, check_rules: Rules, *, internal: bool = False) -> dict:
    """The case as the recipient's page and its JSON show it (``internal``: the staff view)."""
    data: dict[str, Any] = {
        "case_number": case.number,
        "status": case.status,
        "kind": case.kind,
        "attempt_id": case.attempt_id,
        "message": case.message,
        "opened_at": iso(case.opened_at),
        "due_at": iso(case.due_at),
        "statutory_due_at": iso(case.statutory_due_at),
        "decision": case.decision,
        "decision_reason": case.decision_reason,
        "decided_at": iso(case.decided_at),
        "notice_found_not_left": notice_found_not_left(case),
        "contact": {"channel": case.contact_channel, "confirmed": case.contact_confirmed_at is not None},
        "letter_available": case.letter_pdf is not None,
        "history": history(case, internal=internal),
        "evidence": gather(session, case, check_rules),
    }
    if internal:
        data["contact"]["address"] = case.contact_address
        data["assigned_to"] = case.assigned_to.email if case.assigned_to else None
    return data


def queue(session: Session, *, status: str | None = None, kind: str | None = None, mine: int | None = None,
          overdue_at: datetime | None = None, limit: int = 200) -> list[Case]:
    """Cases ordered by what is due first; by default the open ones."""
    query = sa.select(Case)
    if status == "all":
        pass
    elif status:
        query = query.where(Case.status == status)
    else:
        query = query.where(Case.status.in_(OPEN_STATUSES))
    if kind in KINDS:
        query = query.where(Case.kind == kind)
    if mine is not None:
        query = query.where(Case.assigned_to_id == mine)
    if overdue_at is not None:
        query = query.where(Case.due_at < overdue_at, Case.status.in_(OPEN_STATUSES))
    return list(session.scalars(query.order_by(Case.due_at, Case.id).limit(limit)))


def cases_of_item(session: Session, item_id: int) -> list[Case]:
    return list(session.scalars(sa.select(Case).where(Case.item_id == item_id).order_by(Case.id)))

FINDING = N_("Reklamacja {number}: ustalono, że awizo nie zostało pozostawione. "
             "Data doręczenia zastępczego jest zakwestionowana.")


def record_section(session: Session, item: Item, public: bool) -> dict:
    """What an item's record says about its cases: the list (sender only) and an upheld finding."""
    cases = cases_of_item(session, item.id)
    finding = next((c for c in cases if notice_found_not_left(c)), None)
    section: dict[str, Any] = {"notice_finding": None if finding is None else {
        "case_number": finding.number, "decision": finding.decision, "decided_at": iso(finding.decided_at),
        "text": {lang: translations(lang).gettext(FINDING).format(number=finding.number) for lang in LANGUAGES},
    }}
    if not public:
        section["cases"] = [{"case_number": c.number, "status": c.status, "kind": c.kind,
                             "decision": c.decision, "due_at": iso(c.due_at)} for c in cases]
    return section


def case_counts_by_carrier(session: Session, day: date, tz: str = "Europe/Warsaw") -> dict[int, dict]:
    """Per carrier, for cases about attempts made on ``day`` (operator's day): open and upheld ones.

    A case names an attempt, or else counts against the carrier of the item's last attempt.
    """
    zone = ZoneInfo(tz)
    start = datetime.combine(day, time(0), zone).astimezone(timezone.utc)
    return case_counts_between(session, None, start, start + timedelta(days=1))


def case_counts_between(session: Session, carrier_ids: list[int] | None, start: datetime,
                        end: datetime) -> dict[int, dict]:
    """Open and upheld cases about attempts made in ``[start, end)``, per carrier (all carriers with ``None``)."""
    latest = aliased(Attempt)
    last_attempt = (sa.select(latest.id).where(latest.item_id == Case.item_id)
                    .order_by(latest.occurred_at.desc(), latest.id.desc()).limit(1)
                    .correlate(Case).scalar_subquery())
    attempt_id = sa.func.coalesce(Case.attempt_id, last_attempt)
    rows = session.execute(
        sa.select(Attempt.carrier_id, Case.status, Case.decision)
        .select_from(Case).join(Attempt, Attempt.id == attempt_id)
        .where(Attempt.occurred_at >= start, Attempt.occurred_at < end,
               Attempt.carrier_id.in_(carrier_ids) if carrier_ids is not None else sa.true())).all()
    counts: dict[int, dict] = {}
    for carrier_id, status, decision in rows:
        entry = counts.setdefault(carrier_id, {"open": 0, "upheld": 0})
        if status in OPEN_STATUSES:
            entry["open"] += 1
        if decision in ("upheld", "partly_upheld"):
            entry["upheld"] += 1
    return counts
