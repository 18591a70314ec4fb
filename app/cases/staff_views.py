"""The operator's case console: the queue by due date, one case with its evidence, actions, metrics."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for

from app.accounts.web import login_required, signed_in, signed_in_sender_id
from app.cases import handling, letters, metrics, queries
from app.cases.context import CaseSettings
from app.cases.forms import STAFF_FORMS, AskForm, CaseQueueFilter, DecideForm, NoteForm
from app.cases.letters import attach_letter
from app.errors import NotFound, ServiceError
from app.extensions import db
from app.models.accounts import SENDER_ROLES
from app.models.types import utcnow
from app.web.forms import check, refused
from notices.cases import DECISIONS, KINDS, STATUSES

bp = Blueprint("staff_cases", __name__, template_folder="templates")


def _case(number: str):
    try:
        return handling.case_by_number(db.session, number)
    except NotFound:
        abort(404)


@bp.get("/staff/cases")
@login_required("staff")
def queue():
    query = CaseQueueFilter()
    errors = check(query)
    filters = {name: value for name, value in query.data.items() if name not in errors}
    user = signed_in()
    cases = queries.queue(db.session, status=filters.get("status") or None, kind=filters.get("kind") or None,
                          mine=user.id if filters.get("mine") else None,
                          overdue_at=utcnow() if filters.get("overdue") else None)
    return render_template("cases/staff_queue.html", cases=cases, kinds=KINDS, statuses=STATUSES,
                           filters=filters, errors=errors, now=utcnow()), 422 if errors else 200


@bp.get("/staff/cases/metrics")
@login_required("staff")
def case_metrics():
    data = metrics.case_metrics(db.session, now=utcnow())
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    if best == "application/json" or request.args.get("format") == "json":
        return jsonify(data)
    return render_template("cases/staff_metrics.html", metrics=data, kinds=KINDS)


@bp.get("/staff/cases/<number>")
@login_required("staff")
def case(number: str):
    found = _case(number)
    data = queries.case_data(db.session, found, CaseSettings.from_app(current_app).check_rules, internal=True)
    return render_template("cases/staff_case.html", case=data, kinds=KINDS, statuses=STATUSES, decisions=DECISIONS)


@bp.post("/staff/cases/<number>/<any(assign, note, ask, decide):action>")
@login_required("staff")
def act(number: str, action: str):
    found, user = _case(number), signed_in()
    settings, now = CaseSettings.from_app(current_app), utcnow()
    form = STAFF_FORMS[action]()
    errors = check(form)
    if not errors:
        try:
            if isinstance(form, NoteForm):
                handling.add_note(db.session, found, form.body.data or "", visible=form.visible.data,
                                  user_id=user.id, settings=settings, now=now)
            elif isinstance(form, AskForm):
                handling.ask_carrier(db.session, found, form.question.data or "", user_id=user.id, settings=settings, now=now)
            elif isinstance(form, DecideForm):
                handling.decide(db.session, found, form.decision.data or "", form.reason.data or "", user_id=user.id,
                                settings=settings, now=now, on_decided=attach_letter)
            else:
                handling.assign(db.session, found, user.id, settings, now=now)
        except ServiceError as exc:
            db.session.rollback()
            errors = refused(exc)
    if errors:
        data = queries.case_data(db.session, found, settings.check_rules, internal=True)
        return render_template("cases/staff_case.html", case=data, kinds=KINDS, statuses=STATUSES,
                               decisions=DECISIONS, errors=errors, failed=action), 422
    flash("Zapisano. / Saved.", "ok")
    return redirect(url_for("staff_cases.case", number=number))


@bp.get("/staff/cases/<number>/letter.pdf")
@login_required("staff")
def letter(number: str):
    found = _case(number)
    if found.letter_pdf is None:
        abort(404)
    return Response(found.letter_pdf, mimetype="application/pdf")


@bp.get("/portal/cases/<number>/bundle.zip")
@login_required(*SENDER_ROLES)
def sender_bundle(number: str):
    """The sender of the item downloads the evidence bundle (with the sender's proof)."""
    found = _case(number)
    if found.item.sender_id != signed_in_sender_id():
        abort(404)
    data = letters.evidence_bundle(db.session, found, variant="sender",
                                   settings=CaseSettings.from_app(current_app), now=utcnow())
    return Response(data, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{number}-evidence.zip"'})
