"""How well complaints are handled: time to resolution first, time to first response beside it.

Per ISO week (of the opening) and per kind: cases opened, decided, median and 90th percentile
hours to resolution and to first response; and open cases past their due date now.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models.cases import Case
from notices.cases import OPEN_STATUSES


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (``share`` 0.5 is the median); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-round(share * 1000) * len(ordered) // 1000))
    return ordered[min(rank, len(ordered)) - 1]


def _hours(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else round((end - start).total_seconds() / 3600, 2)


def case_metrics(session: Session, *, now: datetime, since: datetime | None = None) -> dict:
    query = sa.select(Case)
    if since is not None:
        query = query.where(Case.opened_at >= since)
    groups: dict[tuple[str, str], dict] = {}
    overdue = []
    for case in session.scalars(query.order_by(Case.opened_at)):
        year, week, _ = case.opened_at.isocalendar()
        key = (f"{year}-W{week:02d}", case.kind)
        group = groups.setdefault(key, {"opened": 0, "resolution": [], "first_response": []})
        group["opened"] += 1
        if (hours := _hours(case.opened_at, case.decided_at)) is not None:
            group["resolution"].append(hours)
        if (hours := _hours(case.opened_at, case.first_response_at)) is not None:
            group["first_response"].append(hours)
        if case.status in OPEN_STATUSES and case.due_at < now:
            overdue.append({"case_number": case.number, "kind": case.kind, "status": case.status,
                            "due_at": case.due_at.isoformat()})
    rows = [{
        "week": week, "kind": kind, "opened": g["opened"], "decided": len(g["resolution"]),
        "resolution_hours": {"median": percentile(g["resolution"], 0.5), "p90": percentile(g["resolution"], 0.9)},
        "first_response_hours": {"median": percentile(g["first_response"], 0.5),
                                 "p90": percentile(g["first_response"], 0.9)},
    } for (week, kind), g in sorted(groups.items())]
    return {"by_week_and_kind": rows, "open_past_due": {"count": len(overdue), "cases": overdue}}
