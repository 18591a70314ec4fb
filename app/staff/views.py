"""Device enrolment, listing and revocation for operator staff (role ``staff``)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext

from app.accounts.web import login_required, signed_in
from app.delivery import enrolments
from app.delivery.paper_notice import qr_svg
from app.errors import ServiceError
from app.extensions import db
from app.models.types import utcnow
from app.staff import carriers as carrier_checks
from app.staff import service_queue
from app.staff.forms import CarrierDayFilter, EnrolmentForm
from app.web.forms import check, refused
from app.web.i18n import current_language
from notices import dates
from notices.check_texts import CODE_NAMES
from notices.checks import CODES

bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates")


@bp.get("/")
@login_required("staff")
def index():
    return redirect(url_for("staff.devices"))


@bp.get("/deemed-service")
@login_required("staff")
def deemed_service_queue():
    """Official letters whose deemed service could not be established (repeat notice missing or late)."""
    return render_template("staff/deemed_service.html", rows=service_queue.not_established(db.session))


@bp.get("/devices")
@login_required("staff")
def devices():
    return render_template("staff/devices.html", carriers=enrolments.devices_by_carrier(db.session))


@bp.post("/devices/enrol")
@login_required("staff")
def enrol():
    form = EnrolmentForm()
    errors = check(form)
    if not errors:
        try:
            enrolment, code = enrolments.create_enrolment(
                db.session, form.carrier_id.data or 0, (form.label.data or "").strip(), created_by=signed_in().email, now=utcnow())
        except ServiceError as exc:
            errors = refused(exc)
    if errors:
        return render_template("staff/devices.html", carriers=enrolments.devices_by_carrier(db.session),
                               errors=errors), 422
    # The code travels in the URL fragment, which browsers never send to a server or its logs.
    link = f"{current_app.config['PUBLIC_BASE_URL']}{url_for('handheld.enrol_page')}#code={code}"
    return render_template("staff/enrolment.html", enrolment=enrolment, code=code, link=link, qr=qr_svg(link))


@bp.post("/devices/<int:device_id>/revoke")
@login_required("staff")
def revoke(device_id: int):
    device = enrolments.revoke_device(db.session, device_id, now=utcnow())
    flash(f"Urządzenie #{device.id} ({device.label}) odwołane. / Device #{device.id} ({device.label}) revoked.",
          "ok")
    return redirect(url_for("staff.devices"))


@bp.get("/carriers")
@login_required("staff")
def carriers():
    """Per carrier and day: attempts, "not home" against the depot, flagged checks, cases, a plot."""
    tz = current_app.config["OPERATOR_TIMEZONE"]
    query = CarrierDayFilter()
    errors = check(query)
    error = "day" if "day" in errors else None
    day = query.day.data if query.day.data and not error else datetime.now(ZoneInfo(tz)).date()
    rows = carrier_checks.carrier_day_report(db.session, day, tz, carrier_checks.case_counts_of(current_app))
    asked = query.carrier.data if "carrier" not in errors else None
    chosen = asked or (rows[0].carrier_id if rows else None)
    chosen_row = next((r for r in rows if r.carrier_id == chosen), None)
    plot = None
    if chosen_row is not None and chosen is not None:
        title = gettext("Skany: {carrier}, {day}").format(carrier=chosen_row.name, day=dates.day(day, current_language()))
        plot = carrier_checks.carrier_day_plot(db.session, chosen, day, tz, title)
    return render_template("staff/carriers.html", rows=rows, day=day, error=error, chosen=chosen_row, plot=plot,
                           codes=CODES, code_names=CODE_NAMES), (422 if error else 200)
