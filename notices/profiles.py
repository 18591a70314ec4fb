"""Service profiles: the rules of what happens after a notice is left, as data per service.

Each profile says how long the item is held, how long the first notice gives, whether a
repeat notice is left when that period ends, whether the recipient is reminded the day before
the collection deadline, how days are counted (calendar or working days, against which
country's public holidays), whether a deadline falling on a Saturday, Sunday or public holiday
moves to the next working day, and what happens at the end: the item is returned to the
sender, and for official letters service is also deemed made (Polish KPA art. 44 § 4).

Periods run from the day of the notice, which is not counted (KPA art. 57 § 1), and end with
the end of their last day in the operator's time zone. Dates are computed in
:mod:`notices.lifecycle`.
"""
from __future__ import annotations

from dataclasses import dataclass

from notices.i18n import N_

DEEMED_SERVED = "deemed_served"
RETURNED = "returned"


@dataclass(frozen=True)
class ServiceProfile:
    code: str
    name_pl: str
    name_en: str
    first_notice_days: int
    """Days to collect that the first notice gives (KPA: 7)."""
    deemed_service: bool = False
    """At the end of the hold, service is deemed made (then the item returns to the sender)."""
    hold_days: int | None = None
    """Days from the first notice the item is held; ``None`` means the first-notice period."""
    repeat_notice: bool = False
    """When the first-notice period ends uncollected, a repeat notice is left."""
    reminder_days_before: int | None = 1
    """Remind the recipient this many days before the collection deadline (``None``: never)."""
    working_days: bool = False
    """Count periods in working days instead of calendar days."""
    roll_to_working_day: bool = False
    """A period ending on a Saturday, Sunday or public holiday ends on the next working day."""
    country: str = "PL"
    """Whose public holidays count."""
    alert_hour: int = 8
    """Local hour at which repeat-notice tasks and reminders become due (not at night)."""

    @property
    def hold(self) -> int:
        return self.hold_days if self.hold_days is not None else self.first_notice_days

    @property
    def end_action(self) -> str:
        return DEEMED_SERVED if self.deemed_service else RETURNED


PROFILES: dict[str, ServiceProfile] = {
    p.code: p
    for p in (
        # KPA art. 44: a first notice giving 7 days, a repeat notice, collection within 14 days of
        # the first notice, then service is deemed made on the last day and the letter returns.
        # Deadlines on a Saturday or public holiday move to the next working day (art. 57 § 4). Whether
        # § 4 applies to the art. 44 periods is argued both ways in case law, so it is a setting here.
        ServiceProfile("pl_official_letter", N_("List polecony urzędowy (KPA)"), "Official letter (Poland, KPA)",
                       first_notice_days=7, hold_days=14, repeat_notice=True, deemed_service=True,
                       roll_to_working_day=True, country="PL"),
        # An ordinary registered letter: the same 7 + 7 days with a repeat notice, then it is
        # returned to the sender; no legal fiction of service.
        ServiceProfile("pl_registered_letter", N_("List polecony"), "Registered letter (Poland)",
                       first_notice_days=7, hold_days=14, repeat_notice=True, roll_to_working_day=True,
                       country="PL"),
        # Royal Mail keeps an item 18 calendar days at the delivery office, then returns it.
        ServiceProfile("uk_signed_for", N_("Royal Mail Signed For"), "Royal Mail Signed For",
                       first_notice_days=18, country="GB"),
        # Deutsche Post keeps an item 7 working days at the branch.
        ServiceProfile("de_einschreiben", N_("Deutsche Post Einschreiben"), "Deutsche Post Einschreiben",
                       first_notice_days=7, working_days=True, country="DE"),
    )
}


def get_profile(code: str) -> ServiceProfile:
    return PROFILES[code]
