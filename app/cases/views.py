"""Recipients' case pages: file a case from the record link, follow it on the case link.

``POST /v/<token>/cases`` takes JSON (no CSRF: the record link is the capability) or the form
(which carries its CSRF token); both are limited per record and per client address.
"""
from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, render_template, request, url_for

from app.cases import filing, letters, queries
from app.cases.context import CaseSettings
from app.cases.forms import CaseForm, CodeForm, FindRecordForm
from app.cases.links import case_by_token
from app.delivery import items as item_service
from app.delivery.records import RecordSettings, item_record
from app.errors import FieldError, NotFound, ServiceError, ValidationFailed
from app.extensions import db
from app.models.types import utcnow
from app.web.forms import check, refused
from app.web.i18n import current_language
from app.web.problems import problem, too_many_requests
from app.web.ratelimit import limiter
from notices.cases import DECISIONS, KINDS, STATUSES

bp = Blueprint("cases", __name__, template_folder="templates")


def record_limit() -> str:
    return current_app.config.get("CASE_RATE_LIMIT_PER_RECORD") or "5 per hour"


def client_limit() -> str:
    return current_app.config.get("CASE_RATE_LIMIT_PER_CLIENT") or "20 per hour"


def _per_record() -> str:
    return "case-record:" + hashlib.sha256((request.view_args or {}).get("token", "").encode()).hexdigest()[:32]


def _wants_json() -> bool:
    if request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    if _wants_json():
        return problem(exc.status, exc.title, exc.detail, exc.slug, exc.errors)
    return render_template("cases/problem.html", error=exc), exc.status


@bp.errorhandler(429)
def _too_many(exc):
    if not _wants_json():
        return exc
    return too_many_requests(exc, "Too many cases from this link or address; try again later.")


def _item(token: str):
    try:
        return item_service.item_by_verify_token(db.session, token)
    except NotFound:
        abort(404)


@bp.get("/v/<token>/cases/new")
def new_case(token: str):
    item = _item(token)
    record = item_record(db.session, item, RecordSettings.from_config(current_app.config), public=True)
    return render_template("cases/new.html", record=record, token=token, kinds=KINDS, errors={}, form={
        "attempt_id": request.args.get("attempt", ""), "kind": request.args.get("kind", "no_notice_found"),
        "from": request.args.get("from", "record")})


@bp.post("/v/<token>/cases")
@limiter.limit(record_limit, key_func=_per_record)
@limiter.limit(client_limit)
def file_case(token: str):
    item = _item(token)
    settings = CaseSettings.from_app(current_app)
    if request.is_json:
        new = filing.parse_new_case(request.get_json(silent=True), language=current_language(), filed_from="api")
        case, url = filing.file_case(db.session, item, new, settings, now=utcnow())
        body = {"case_number": case.number, "case_url": url, "status": case.status,
                "due_at": case.due_at.isoformat().replace("+00:00", "Z")}
        return body, 201, {"Location": url}
    form = CaseForm()  # its CSRF token is checked here (the view is exempt for JSON)
    errors = check(form)
    if not errors:
        data = {"kind": form.kind.data, "attempt_id": form.attempt_id.data or None, "message": form.message.data,
                "contact": {form.contact_channel.data or "email": form.contact.data or None}}
        try:
            new = filing.parse_new_case(data, language=current_language(), filed_from=form.origin.data or "record")
            case, url = filing.file_case(db.session, item, new, settings, now=utcnow())
        except ValidationFailed as exc:
            errors = refused(exc)
        else:
            return redirect(urlsplit(url).path + f"?lang={current_language()}&new=1", code=303)
    record = item_record(db.session, item, RecordSettings.from_config(current_app.config), public=True)
    return render_template("cases/new.html", record=record, token=token, kinds=KINDS, form=form.values(),
                           errors=errors), 422


@bp.get("/c/<token>")
def case_page(token: str):
    case = case_by_token(db.session, token)
    data = queries.case_data(db.session, case, CaseSettings.from_app(current_app).check_rules)
    if _wants_json():
        return jsonify(data)
    return render_template("cases/case.html", case=data, token=token, kinds=KINDS, statuses=STATUSES,
                           decisions=DECISIONS, new=request.args.get("new"), code_error=None)


@bp.post("/c/<token>/confirm")
@limiter.limit(client_limit)
def confirm_code(token: str):
    settings = CaseSettings.from_app(current_app)
    form = CodeForm()
    try:
        if check(form):
            raise ValidationFailed([FieldError("code", "is required")])
        filing.confirm_code(db.session, token, (form.code.data or "").strip(), settings, now=utcnow())
    except ServiceError as exc:
        case = case_by_token(db.session, token)
        data = queries.case_data(db.session, case, CaseSettings.from_app(current_app).check_rules)
        return render_template("cases/case.html", case=data, token=token, kinds=KINDS, statuses=STATUSES,
                               decisions=DECISIONS, new=None, code_error=exc.errors[0].message if exc.errors
                               else "locked"), exc.status
    return redirect(url_for("cases.case_page", token=token, lang=current_language()), code=303)


@bp.route("/c/confirm/<link_token>", methods=["GET", "POST"])
def confirm_email(link_token: str):
    """The e-mail link shows a button; only pressing it confirms (mail scanners open links)."""
    now = utcnow()
    try:
        case = filing.email_link_case(db.session, link_token, now)
    except ValidationFailed:
        return render_template("cases/confirm_email.html", invalid=True), 404
    if request.method == "POST":
        filing.confirm_email_link(db.session, link_token, now=now)
        return render_template("cases/confirm_email.html", invalid=False, done=True, number=case.number)
    return render_template("cases/confirm_email.html", invalid=False, done=False, number=case.number,
                           link_token=link_token)


@bp.route("/cases/find", methods=["GET", "POST"])
def find_record():
    """From the alerts page: paste the record link (from the alert or the QR code) to open a case."""
    error = None
    form = FindRecordForm()
    if request.method == "POST":
        text = "" if check(form) else (form.link.data or "").strip()
        token = urlsplit(text).path.rstrip("/").split("/")[-1] if "/" in text else text
        try:
            item_service.item_by_verify_token(db.session, token)
            target = url_for("cases.new_case", token=token, lang=current_language()) + "&from=alerts_page"
            return redirect(target, code=303)
        except NotFound:
            error = "unknown_link"
    return render_template("cases/find.html", error=error, link=form.link.data or ""), (422 if error else 200)


@bp.get("/c/<token>/letter.pdf")
def letter(token: str):
    case = case_by_token(db.session, token)
    if case.letter_pdf is None:
        abort(404)
    return Response(case.letter_pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{case.number}.pdf"'})


@bp.get("/c/<token>/bundle.zip")
def bundle(token: str):
    case = case_by_token(db.session, token)
    number = case.number
    data = letters.evidence_bundle(db.session, case, variant="public", settings=CaseSettings.from_app(current_app),
                                   now=utcnow())
    return Response(data, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{number}-evidence.zip"'})
