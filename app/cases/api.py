"""Carriers' statements on the handheld API: the open questions, and the answer to one."""
from __future__ import annotations

from flask import current_app, g

from app.cases import handling
from app.cases.api_models import Answered, StatementAnswer, StatementList
from app.cases.context import CaseSettings
from app.extensions import db
from app.models.types import iso, utcnow
from app.web.api_auth import device_required
from app.web.apidoc import Answer, operation, validate
from app.web.problems import api_blueprint, json_body

bp = api_blueprint("cases_api", __name__)


@operation("listStatements", tag="Carriers", auth="device",
           summary="Statements the operator asked the device's carrier for (complaints)",
           answers={200: Answer("OK", StatementList)}, problems=(401, 403))
@bp.get("/statements")
@device_required
def list_statements():
    """Questions about the device's carrier's attempts waiting for an answer, oldest first."""
    return {"statements": handling.open_statements(db.session, g.device.carrier_id)}


@operation("answerStatement", tag="Carriers", summary="Answer a statement request", auth="device",
           body=StatementAnswer, answers={201: Answer("Answered", Answered)}, problems=(400, 401, 403, 404, 409, 422))
@bp.post("/statements/<int(max=2147483647):statement_id>")
@device_required
def answer_statement(statement_id: int):
    body: StatementAnswer = validate(StatementAnswer, json_body())
    statement = handling.answer_statement(db.session, g.device.carrier_id, statement_id, body.answer,
                                          device_id=g.device.id, settings=CaseSettings.from_app(current_app), now=utcnow())
    return {"id": statement.id, "answered_at": iso(statement.answered_at)}, 201
