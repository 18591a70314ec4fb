"""What the operator does with a case: take it, note, ask the carrier, decide. Each call commits.

Every status change reaches the recipient (through their confirmed contact) and the sender
(item event → log and webhook, e-mail), through the outbox, in the same transaction.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.cases.context import CaseSettings
from app.cases.notify import add_entry, status_changed, tell_recipient
from app.errors import Conflict, FieldError, NotFound, ValidationFailed
from app.models import Attempt
from app.models.cases import CarrierStatement, Case
from notices import case_numbers
from notices.cases import DECISIONS, OPEN_STATUSES

MAX_TEXT = 4000
# Called after a decision is written (e.g. to attach the signed letter); gets (session, case, now).
DecisionHook = Callable[[Session, Case, CaseSettings, datetime], None]


def case_by_number(session: Session, number: str) -> Case:
    canonical = case_numbers.normalise(number)
    case = session.scalar(sa.select(Case).where(Case.number == canonical)) if canonical else None
    if case is None:
        raise NotFound(f"No case {number}.")
    return case


def _text(value: str | None, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed([FieldError(field, "is required")])
    if len(value) > MAX_TEXT:
        raise ValidationFailed([FieldError(field, f"must be at most {MAX_TEXT} characters")])
    return value


def _still_open(case: Case) -> None:
    if case.status not in OPEN_STATUSES:
        raise Conflict(f"Case {case.number} is already decided.")


def _responded(case: Case, now: datetime) -> None:
    if case.first_response_at is None:
        case.first_response_at = now


def assign(session: Session, case: Case, user_id: int, settings: CaseSettings, *, now: datetime) -> Case:
    """Take the case; the first time it moves from ``open`` to ``in_progress`` (both sides told)."""
    _still_open(case)
    case.assigned_to_id = user_id
    _responded(case, now)
    if case.status == "open":
        status_changed(session, case, "in_progress", now, settings, actor="staff", author_id=user_id)
    else:
        add_entry(session, case, "assigned", now, actor="staff", visible=False, author_id=user_id)
    session.commit()
    return case


def add_note(session: Session, case: Case, body: str, *, visible: bool, user_id: int | None,
             settings: CaseSettings, now: datetime) -> None:
    """An internal note, or a note the recipient sees (and is told of)."""
    body = _text(body, "body")
    entry = add_entry(session, case, "note", now, actor="staff", body=body, visible=visible, author_id=user_id)
    if visible:
        _responded(case, now)
        tell_recipient(session, case, entry, settings, now, note=body)
    session.commit()


def ask_carrier(session: Session, case: Case, question: str, *, user_id: int | None, settings: CaseSettings,
                now: datetime) -> CarrierStatement:
    """Ask the carrier of the disputed attempt (or of the item's last attempt) for a statement."""
    _still_open(case)
    question = _text(question, "question")
    attempt = session.get(Attempt, case.attempt_id) if case.attempt_id else session.scalar(
        sa.select(Attempt).where(Attempt.item_id == case.item_id).order_by(Attempt.occurred_at.desc()).limit(1))
    if attempt is None:
        raise Conflict("This item has no attempt, so there is no carrier to ask.")
    statement = CarrierStatement(case_id=case.id, carrier_id=attempt.carrier_id, attempt_id=attempt.id,
                                 question=question, requested_at=now, requested_by_id=user_id)
    session.add(statement)
    session.flush()
    _responded(case, now)
    status_changed(session, case, "awaiting_carrier", now, settings, actor="staff", author_id=user_id,
                   data={"statement_id": statement.id})
    add_entry(session, case, "statement_requested", now, actor="staff", body=question, visible=False,
              author_id=user_id, data={"statement_id": statement.id, "carrier_id": attempt.carrier_id})
    session.commit()
    return statement


def open_statements(session: Session, carrier_id: int) -> list[dict]:
    """The carrier's unanswered questions, for the handheld's "today" page."""
    rows = session.execute(
        sa.select(CarrierStatement, Case).join(Case, Case.id == CarrierStatement.case_id)
        .where(CarrierStatement.carrier_id == carrier_id, CarrierStatement.answered_at.is_(None))
        .order_by(CarrierStatement.requested_at, CarrierStatement.id)).all()
    return [{"id": s.id, "case_number": case.number, "tracking_number": case.item.tracking_number,
             "attempt_id": s.attempt_id, "question": s.question, "requested_at": s.requested_at.isoformat()}
            for s, case in rows]


def answer_statement(session: Session, carrier_id: int, statement_id: int, answer: str, *, device_id: int | None,
                     settings: CaseSettings, now: datetime) -> CarrierStatement:
    """The carrier's answer joins the case's history; the case goes back to ``in_progress``."""
    statement = session.get(CarrierStatement, statement_id)
    if statement is None or statement.carrier_id != carrier_id:
        raise NotFound(f"No statement request {statement_id} for this carrier.")
    if statement.answered_at is not None:
        raise Conflict("This statement was already given.")
    statement.answer, statement.answered_at, statement.device_id = _text(answer, "answer"), now, device_id
    case = statement.case
    add_entry(session, case, "carrier_statement", now, actor="carrier", body=statement.answer,
              data={"statement_id": statement.id, "carrier_id": carrier_id, "question": statement.question})
    if case.status == "awaiting_carrier":
        status_changed(session, case, "in_progress", now, settings, actor="system")
    session.commit()
    return statement


def decide(session: Session, case: Case, decision: str, reason: str, *, user_id: int | None,
           settings: CaseSettings, now: datetime, on_decided: DecisionHook | None = None) -> Case:
    """Decide the case with a reason; both sides are told, the item's history says so."""
    _still_open(case)
    if decision not in DECISIONS:
        raise ValidationFailed([FieldError("decision", f"must be one of: {', '.join(DECISIONS)}")])
    reason = _text(reason, "reason")
    case.decision, case.decision_reason, case.decided_at = decision, reason, now
    _responded(case, now)
    if on_decided is not None:
        on_decided(session, case, settings, now)
    status_changed(session, case, "decided", now, settings, actor="staff", author_id=user_id, body=reason,
                   data={"decision": decision})
    session.commit()
    return case
