"""The scheduler's periodic jobs, declared as data with stable ids.

Each job body only calls a service inside an app context (the scheduler provides it). To add a
job, append a :class:`Job` to ``JOBS``; its ``seconds`` may name a config key.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import current_app

from app.extensions import db
from app.models.types import utcnow


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable[[], object]
    seconds: int | str
    """Interval in seconds, or the name of a config key holding it."""
    description: str = ""

    def interval(self, config) -> float:
        return float(config.get(self.seconds) or 60) if isinstance(self.seconds, str) else float(self.seconds)


def sweep_lifecycle():
    """Repeat notices, reminders, deemed service and returns that have fallen due."""
    from app.lifecycle import service as lifecycle

    cfg = current_app.config
    return lifecycle.sweep(db.session, now=utcnow(), tz=cfg["OPERATOR_TIMEZONE"], base_url=cfg["PUBLIC_BASE_URL"])


def publish_tree_head():
    """Sign a fresh head of the transparency log, so witnesses see it grow every few minutes."""
    from app.evidence.log import publish_tree_head as publish

    return publish()


CASE_ESCALATION_KEY = "awizo.jobs.case_escalation"


def escalate_cases():
    """Cases past their due date: escalate with a new date and tell the recipient (wired in create_app)."""
    run = current_app.extensions.get(CASE_ESCALATION_KEY)
    return run(current_app) if run else []


JOBS: tuple[Job, ...] = (
    Job("lifecycle-sweep", sweep_lifecycle, "LIFECYCLE_SWEEP_SECONDS",
        "Take the notice-lifecycle steps that are due (repeat notice, reminder, deemed service, return)."),
    Job("publish-tree-head", publish_tree_head, "TREE_HEAD_PUBLISH_SECONDS",
        "Sign and publish the transparency log's current tree head."),
    Job("case-escalation", escalate_cases, "CASE_ESCALATION_SECONDS",
        "Escalate complaints not decided by their due date and tell the recipient the new date."),
)
