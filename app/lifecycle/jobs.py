"""Periodic jobs, declared as data with stable ids, and the lifecycle's own job.

Each job body only calls a service inside an app context (the scheduler provides it). Each
area declares its jobs next to its services; ``create_app`` hands the whole list to the
scheduler with :func:`register_jobs`. A job's ``seconds`` may name a config key.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from app.extensions import db
from app.lifecycle import sweep as lifecycle_sweep
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


_KEY = "awizo.jobs"


def register_jobs(app, jobs) -> None:
    """The jobs this application's scheduler runs (ids must be unique)."""
    ids = [job.id for job in jobs]
    if len(ids) != len(set(ids)):
        raise ValueError(f"duplicate job ids: {ids}")
    app.extensions[_KEY] = tuple(jobs)


def registered_jobs(app) -> tuple[Job, ...]:
    return app.extensions.get(_KEY, ())


def sweep_lifecycle():
    """Repeat notices, reminders, deemed service and returns that have fallen due."""
    cfg = current_app.config
    return lifecycle_sweep.sweep(db.session, now=utcnow(), tz=cfg["OPERATOR_TIMEZONE"], base_url=cfg["PUBLIC_BASE_URL"],
                                 secret=cfg["SECRET_KEY"], connections=cfg["LIFECYCLE_SWEEP_CONNECTIONS"])



JOBS: tuple[Job, ...] = (
    Job("lifecycle-sweep", sweep_lifecycle, "LIFECYCLE_SWEEP_SECONDS",
        "Take the notice-lifecycle steps that are due (repeat notice, reminder, deemed service, return)."),
)
