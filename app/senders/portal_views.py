"""Portal pages for following items: the list, one item, registering one, proofs, the chart."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _

from app.accounts.web import login_required, signed_in_sender_id
from app.delivery import items as item_service
from app.delivery.records import RecordSettings, item_record
from app.delivery.schemas import parse_new_item
from app.errors import FieldError, Problem, ServiceError
from app.evidence import bulk_proofs, proofs
from app.extensions import db
from app.models import Sender
from app.models.types import utcnow
from app.senders import item_queries, status_history
from app.senders.chart import COLOURS
from app.senders.formatting import status_label
from app.senders.forms import ChartRange, NewItemForm
from app.senders.imports import FIELD_TO_COLUMN, csv_row_to_payload
from app.senders.portal import bp
from app.web.forms import check
from app.web.problems import problem
from notices import s10
from notices.profiles import PROFILES
from notices.vocabulary import SENDER_ROLES


def sender_id() -> int:
    return signed_in_sender_id()


@bp.get("/")
@login_required(*SENDER_ROLES)
def index():
    problem = Problem()
    filters = item_queries.parse_filters(request.args, problem)
    page, per_page = item_queries.parse_page(request.args, problem, default_per_page=25)
    errors = {e.field: e.message for e in problem.errors}
    if errors:
        filters, page = item_queries.ItemFilters(), 1
    items, total = item_queries.find_items(db.session, sender_id(), filters, utcnow(), page=page, per_page=per_page)
    failed = item_queries.failed_alert_item_ids(db.session, [i.id for i in items])
    args: dict[str, Any] = request.args.to_dict()
    args.pop("page", None)
    pages = max(1, -(-total // per_page))
    return render_template(
        "portal/items.html", items=items, failed=failed, total=total, page=page, pages=pages,
        filters=filters, statuses=item_queries.STATUSES, errors=errors,
        prev_url=url_for("portal.index", page=page - 1, **args) if page > 1 else None,
        next_url=url_for("portal.index", page=page + 1, **args) if page < pages else None,
    )


@bp.get("/items/<tracking_number>")
@login_required(*SENDER_ROLES)
def item(tracking_number: str):
    found = _own_item(tracking_number)
    record = item_record(db.session, found, RecordSettings.from_config(current_app.config), now=utcnow())
    return render_template("portal/item.html", item=found, record=record)


@bp.get("/items/<tracking_number>/proof.pdf")
@login_required(*SENDER_ROLES)
def item_proof(tracking_number: str):
    found = _own_item(tracking_number)
    pdf = proofs.render_proof(db.session, found, settings=RecordSettings.from_config(current_app.config),
                              now=utcnow())
    response = make_response(pdf)
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="proof-{found.tracking_number}.pdf"'
    return response


def _own_item(tracking_number: str):
    try:
        return item_service.item_for_sender(db.session, sender_id(), s10.normalise(tracking_number))
    except ServiceError:
        abort(404)


@bp.route("/items/new", methods=["GET", "POST"])
@login_required(*SENDER_ROLES)
def new_item():
    errors: dict[str, str] = {}
    form = NewItemForm()
    if request.method == "POST":
        errors = check(form)
    if request.method == "POST" and not errors:
        try:  # the portal's form is the CSV row by another road: the same fields, the same rules
            new = parse_new_item(csv_row_to_payload(form.row()))
            registered = item_service.register_item(db.session, db.session.get_one(Sender, sender_id()), new, now=utcnow())
        except ServiceError as exc:
            errors = {FIELD_TO_COLUMN.get(e.field, e.field): e.message for e in exc.errors} or {"tracking_number": exc.detail}
        else:
            flash(_("Zarejestrowano przesyłkę {number}.").format(number=registered.tracking_number), "ok")
            return redirect(url_for("portal.item", tracking_number=registered.tracking_number))
    return render_template("portal/new_item.html", form=form.row(), errors=errors, services=PROFILES), \
        422 if errors else 200


@bp.get("/proofs")
@login_required(*SENDER_ROLES)
def proofs_page():
    return render_template("portal/proofs.html", max_items=bulk_proofs.MAX_ITEMS, error=None)


@bp.get("/proofs.zip")
@login_required(*SENDER_ROLES)
def proofs_zip():
    """The proofs of the ticked items, or of the items registered in a date range (streamed zip)."""
    try:
        numbers = [s10.normalise(n) for n in request.args.getlist("tracking_number") if n.strip()]
        window = None
        if not numbers:
            problem = Problem()
            filters = item_queries.parse_filters(request.args, problem)
            if not problem.errors and not (filters.registered_from and filters.registered_to):
                problem.add("registered_from", _("podaj obie daty albo zaznacz przesyłki na liście"))
            problem.raise_if_any()
            assert filters.registered_from and filters.registered_to  # both, or the problem above was raised
            window = (item_queries.start_of(filters.registered_from),
                      item_queries.start_of(filters.registered_to + timedelta(days=1)))
        ids = bulk_proofs.select_items(db.session, sender_id(), numbers=numbers, window=window)
    except ServiceError as exc:
        message = "; ".join(f"{e.field}: {e.message}" for e in exc.errors) or exc.detail
        return render_template("portal/proofs.html", max_items=bulk_proofs.MAX_ITEMS, error=message), 422
    stream = bulk_proofs.stream_zip(db.session, ids, settings=RecordSettings.from_config(current_app.config),
                                    now=utcnow(),
                                    tree_head_max_age_s=current_app.config.get("TREE_HEAD_MAX_AGE_SECONDS", 300))
    return Response(stream_with_context(stream), mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="proofs-{utcnow():%Y%m%d-%H%M%S}.zip"'})


def _chart_range() -> tuple[int, date, date, dict[str, str]]:
    """The chart's days from ``?days=``; a bad value is reported (``{field: message}``) and 30 are shown."""
    query = ChartRange()
    errors = check(query)
    days = query.days.data if query.days.data and not errors else 30
    today = utcnow().astimezone(ZoneInfo(current_app.config["OPERATOR_TIMEZONE"])).date()
    return days, today - timedelta(days=days - 1), today, errors


@bp.get("/stats")
@login_required(*SENDER_ROLES)
def stats():
    days, first, today, errors = _chart_range()
    history = status_history.sender_status_history(db.session, sender_id(), first, today,
                                                   current_app.config["OPERATOR_TIMEZONE"])
    now = {status: counts[-1] for status, counts in history.items() if counts[-1]}
    return render_template("portal/stats.html", totals=now, days=days, colours=COLOURS, errors=errors), \
        422 if errors else 200


@bp.get("/stats.json")
@login_required(*SENDER_ROLES)
def stats_json():
    """The chart's series: the signed-in sender's items by status at the end of each day."""
    _, first, today, errors = _chart_range()
    if errors:
        return problem(422, "Invalid request", f"Invalid value in: {next(iter(errors))}", "validation-error",
                       [FieldError(name, message) for name, message in errors.items()])
    history = status_history.sender_status_history(db.session, sender_id(), first, today,
                                                   current_app.config["OPERATOR_TIMEZONE"])
    return {
        "days": [d.isoformat() for d in status_history.days_between(first, today)],
        "series": [{"status": status, "label": status_label(status), "colour": COLOURS.get(status, "#000000"),
                    "counts": counts} for status, counts in history.items()],
    }
