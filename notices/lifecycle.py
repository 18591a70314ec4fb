"""What is due when after a notice is left: pure date arithmetic over a service profile.

:func:`plan` turns a profile, the moment the notice was left and the operator's time zone into
a :class:`Plan`: the end of the first-notice period, when the repeat notice and the reminder are
due, the collection deadline, when the end action (deemed service / return) is due and the
date service is deemed made. Every instant is an aware UTC datetime computed from local dates
and local clock times, so it is right on both sides of a DST change.

The lifecycle of an item is a short list of steps taken in order; the item's *stage* names the
next step (``awaiting_repeat_notice``, ``awaiting_reminder``, ``awaiting_end``) or how it ended
(``deemed_served``, ``returned``, ``collected``, ``stopped``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from notices import holidays
from notices.profiles import ServiceProfile
from notices.vocabulary import LifecycleAction, LifecycleStage

REPEAT_NOTICE = LifecycleAction.REPEAT_NOTICE.value
REMINDER = LifecycleAction.REMINDER.value
END = LifecycleAction.END.value
ACTIONS = (REPEAT_NOTICE, REMINDER, END)

OPEN_STAGES = tuple(f"awaiting_{a}" for a in ACTIONS)
STAGES = tuple(s.value for s in LifecycleStage)
FINAL_STAGES = tuple(s for s in STAGES if s not in OPEN_STAGES)

END_OF_DAY = time(23, 59, 59)


@dataclass(frozen=True)
class Plan:
    profile: str
    notice_at: datetime
    first_notice_until: date
    """Last day of the period the first notice gives."""
    collect_by: date
    """Last day on which the item can be collected."""
    collect_by_at: datetime
    """End of that day (local 23:59:59), in UTC."""
    repeat_notice_at: datetime | None
    reminder_at: datetime | None
    end_at: datetime
    """When the hold is over (local midnight after ``collect_by``): deemed served / returned."""
    end_action: str
    deemed_served_on: date | None
    """The day service is deemed made if the item is not collected (official letters)."""

    def due(self, action: str) -> datetime | None:
        return {REPEAT_NOTICE: self.repeat_notice_at, REMINDER: self.reminder_at, END: self.end_at}[action]

    def first_stage(self) -> str:
        return next_stage(self, None)


def _local(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A local wall-clock time as UTC (a time skipped by DST moves forward by the gap)."""
    local = datetime.combine(day, at, tzinfo=zone)
    return local.astimezone(timezone.utc)


def period_end(profile: ServiceProfile, start: date, days: int) -> date:
    """Last day of a period of ``days`` counted from ``start`` (not counted) under the profile."""
    end = holidays.add_days(profile.country, start, days, working=profile.working_days)
    if profile.roll_to_working_day:
        end = holidays.next_working_day(profile.country, end)
    return end


def plan(profile: ServiceProfile, notice_at: datetime, tz: str) -> Plan:
    """The dates of the whole lifecycle of an item whose first notice was left at ``notice_at``."""
    if notice_at.tzinfo is None:
        raise ValueError("notice_at must be timezone-aware")
    zone = ZoneInfo(tz)
    notice_day = notice_at.astimezone(zone).date()
    first_until = period_end(profile, notice_day, profile.first_notice_days)
    collect_by = period_end(profile, notice_day, profile.hold)
    alert_time = time(profile.alert_hour)
    repeat_at = None
    if profile.repeat_notice and first_until < collect_by:
        repeat_at = _local(first_until + timedelta(days=1), alert_time, zone)
    reminder_at = None
    if profile.reminder_days_before:
        reminder_at = _local(collect_by - timedelta(days=profile.reminder_days_before), alert_time, zone)
        if reminder_at <= notice_at.astimezone(timezone.utc) or (repeat_at and reminder_at <= repeat_at):
            reminder_at = None
    return Plan(
        profile=profile.code,
        notice_at=notice_at.astimezone(timezone.utc),
        first_notice_until=first_until,
        collect_by=collect_by,
        collect_by_at=_local(collect_by, END_OF_DAY, zone),
        repeat_notice_at=repeat_at,
        reminder_at=reminder_at,
        end_at=_local(collect_by + timedelta(days=1), time(0), zone),
        end_action=profile.end_action,
        deemed_served_on=collect_by if profile.deemed_service else None,
    )


def next_stage(plan: Plan, after: str | None) -> str:
    """The stage following the action ``after`` (``None``: the first stage after the notice)."""
    start = 0 if after is None else ACTIONS.index(after) + 1
    for action in ACTIONS[start:]:
        if plan.due(action) is not None:
            return f"awaiting_{action}"
    return plan.end_action


def action_of(stage: str) -> str | None:
    """The action a stage waits for, or ``None`` for a final stage."""
    return stage.removeprefix("awaiting_") if stage in OPEN_STAGES else None


def due_actions(plan: Plan, stage: str, now: datetime) -> list[str]:
    """Actions due at ``now`` for an item in ``stage``, in the order they must be taken."""
    actions = []
    while (action := action_of(stage)) and (at := plan.due(action)) is not None and at <= now:
        actions.append(action)
        stage = next_stage(plan, action)
    return actions


def collection_deadline(profile: ServiceProfile, notice_at: datetime, tz: str) -> datetime:
    """The last moment to collect (end of the hold's last day, local time), as an aware datetime."""
    return plan(profile, notice_at, tz).collect_by_at


REPEAT_NOTICE_GRACE_WORKING_DAYS = 1
"""A repeat notice counts if left on the day it falls due or by the end of the next working day."""

MISSING = "missing"
LATE = "late"


def repeat_notice_window(profile: ServiceProfile, repeat_notice_at: datetime, tz: str) -> tuple[datetime, datetime]:
    """From when and until when a left repeat notice counts as *the* repeat notice (aware UTC).

    It opens at the start of the local day the repeat notice falls due (the day after the
    first-notice period) and closes at the end of the next working day.
    """
    zone = ZoneInfo(tz)
    due_day = repeat_notice_at.astimezone(zone).date()
    last_day = holidays.add_days(profile.country, due_day, REPEAT_NOTICE_GRACE_WORKING_DAYS, working=True)
    return _local(due_day, time(0), zone), _local(last_day, END_OF_DAY, zone)


def repeat_notice_problem(profile: ServiceProfile, repeat_notice_at: datetime | None,
                          left_at: datetime | None, tz: str) -> str | None:
    """Why deemed service cannot rest on the repeat notice: ``"missing"``, ``"late"``, or ``None``.

    KPA art. 44 needs both notices actually left. ``None`` when the profile has no repeat
    notice or it was left within :func:`repeat_notice_window`.
    """
    if repeat_notice_at is None or not profile.repeat_notice:
        return None
    if left_at is None:
        return MISSING
    return LATE if left_at > repeat_notice_window(profile, repeat_notice_at, tz)[1] else None
