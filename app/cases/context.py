"""What every case service needs from the running application, gathered once per call.

Views, CLI commands and jobs build it from their app (``CaseSettings.from_app(current_app)``)
and hand it down; the case services never read the app's configuration themselves.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.delivery.checks import rules_from_config
from app.delivery.records import RecordSettings
from notices.cases import DEFAULT_TARGET_WORKING_DAYS
from notices.checks import Rules


@dataclass(frozen=True)
class CaseSettings:
    base_url: str
    secret: str
    tz: str
    check_rules: Rules
    """The checks' thresholds, for an attempt whose checks were never stored."""
    record: RecordSettings
    """What the item's record and proof need."""
    target_working_days: int = DEFAULT_TARGET_WORKING_DAYS

    @classmethod
    def from_app(cls, app) -> CaseSettings:
        cfg = app.config
        return cls(base_url=cfg["PUBLIC_BASE_URL"], secret=cfg["SECRET_KEY"],
                   tz=cfg.get("OPERATOR_TIMEZONE") or "Europe/Warsaw", check_rules=rules_from_config(cfg),
                   record=RecordSettings.from_config(cfg),
                   target_working_days=int(cfg.get("CASE_TARGET_WORKING_DAYS") or DEFAULT_TARGET_WORKING_DAYS))
