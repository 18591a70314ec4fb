"""Cases not decided by their due date are escalated by the scheduler, and the recipient told.

Each missed target moves the case to ``escalated`` with a new date (another target period,
never past the statutory limit); the recipient and the sender hear it through the outbox.
A case whose statutory date has passed cannot be moved further: it stays open and counts as
past due in the metrics. Rows are locked (``SKIP LOCKED`` on PostgreSQL), so two schedulers
never escalate the same case twice.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.cases.context import CaseSettings
from app.cases.notify import status_changed
from app.extensions import db
from app.models.cases import Case
from app.models.types import utcnow
from notices.cases import OPEN_STATUSES, escalated_due


def escalate_due_cases(session: Session, settings: CaseSettings, *, now: datetime, batch: int = 100) -> list[str]:
    """Escalate every case past its due date that can still be given a later one; commits."""
    query = (sa.select(Case).where(Case.status.in_(OPEN_STATUSES), Case.due_at < now,
                                   Case.due_at < Case.statutory_due_at)
             .order_by(Case.due_at).limit(batch))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    escalated = []
    for case in session.scalars(query).all():
        new_due = escalated_due(case.due_at, case.statutory_due_at, settings.tz,
                                target_working_days=settings.target_working_days)
        if new_due <= case.due_at:
            continue
        previous = case.due_at
        case.due_at, case.escalated_at = new_due, now
        status_changed(session, case, "escalated", now, settings, actor="system",
                       data={"previous_due_at": previous.isoformat(), "due_at": new_due.isoformat()})
        escalated.append(case.number)
    session.commit()
    return escalated


def run_escalation(app) -> list[str]:
    """The scheduler's job body (inside an app context)."""
    return escalate_due_cases(db.session, CaseSettings.from_app(app), now=utcnow())
