"""The cases area's periodic job: complaints not decided by their due date are escalated."""
from __future__ import annotations

from flask import current_app

from app.cases.escalation import run_escalation
from app.lifecycle.jobs import Job


def escalate_cases() -> list[str]:
    """Escalate each case past its due date, with a new date the recipient is told."""
    return run_escalation(current_app)


JOBS: tuple[Job, ...] = (
    Job("case-escalation", escalate_cases, "CASE_ESCALATION_SECONDS",
        "Escalate complaints not decided by their due date and tell the recipient the new date."),
)
