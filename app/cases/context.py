"""What every case service needs from the running application, gathered once per call."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from notices.cases import DEFAULT_TARGET_WORKING_DAYS


@dataclass(frozen=True)
class CaseSettings:
    base_url: str
    secret: str
    tz: str
    target_working_days: int = DEFAULT_TARGET_WORKING_DAYS

    @classmethod
    def from_app(cls, app=None) -> CaseSettings:
        cfg = (app or current_app).config
        return cls(base_url=cfg["PUBLIC_BASE_URL"], secret=cfg["SECRET_KEY"],
                   tz=cfg.get("OPERATOR_TIMEZONE") or "Europe/Warsaw",
                   target_working_days=int(cfg.get("CASE_TARGET_WORKING_DAYS") or DEFAULT_TARGET_WORKING_DAYS))
