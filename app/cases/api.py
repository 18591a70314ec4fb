"""Carriers' statements on the handheld API: the open questions, and the answer to one."""
from __future__ import annotations

from flask import current_app, g

from app.cases import handling
from app.cases.context import CaseSettings
from app.errors import FieldError, ValidationFailed
from app.extensions import db
from app.models.types import iso, utcnow
from app.web.api_auth import device_required
from app.web.problems import api_blueprint, json_body

bp = api_blueprint("cases_api", __name__)


@bp.get("/statements")
@device_required
def list_statements():
    """Questions about the device's carrier's attempts waiting for an answer, oldest first."""
    return {"statements": handling.open_statements(db.session, g.device.carrier_id)}


@bp.post("/statements/<int(max=2147483647):statement_id>")
@device_required
def answer_statement(statement_id: int):
    data = json_body()
    answer = data.get("answer") if isinstance(data, dict) else None
    if not isinstance(answer, str):
        raise ValidationFailed([FieldError("answer", "must be a string")])
    statement = handling.answer_statement(db.session, g.device.carrier_id, statement_id, answer,
                                          device_id=g.device.id, settings=CaseSettings.from_app(current_app), now=utcnow())
    return {"id": statement.id, "answered_at": iso(statement.answered_at)}, 201
