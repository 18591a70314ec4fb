"""Staff pages for the pickup-point register: list, edit (or add), deactivate and reactivate."""
from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from app.accounts.web import login_required
from app.delivery import pickup_points
from app.errors import FieldError
from app.extensions import db
from app.models import PickupPoint
from app.models.types import utcnow
from app.staff.forms import ActiveForm, PickupPointForm
from app.web.forms import check
from app.web.i18n import current_language
from notices import pickup_points as rules

bp = Blueprint("staff_pickup_points", __name__, url_prefix="/staff/pickup-points", template_folder="templates")


def _point(point_id: int) -> PickupPoint:
    point = db.session.get(PickupPoint, point_id)
    if point is None:
        abort(404)
    return point


@bp.get("/")
@login_required("staff")
def index():
    points = db.session.scalars(sa.select(PickupPoint).order_by(PickupPoint.active.desc(), PickupPoint.code)).all()
    lang = current_language()
    return render_template("staff/pickup_points.html", rows=[(p, pickup_points.describe_point(p, lang)) for p in points])


def _form_values(form) -> tuple[dict, list[FieldError]]:
    """The edit form as register values (the same rules as the CSV import)."""
    line = ",".join(f'"{(form.get(c) or "").replace(chr(34), "")}"' for c in pickup_points.COLUMNS)
    data = ",".join(pickup_points.COLUMNS) + "\n" + line + "\n"
    try:
        rows = pickup_points.parse_file(data.encode())
    except pickup_points.PickupPointFileError as exc:
        return {}, [FieldError(e.field.split(": ", 1)[-1], e.message) for e in exc.errors]
    return rows[0], []


@bp.route("/new", methods=["GET", "POST"], defaults={"point_id": None})
@bp.route("/<int:point_id>", methods=["GET", "POST"])
@login_required("staff")
def edit(point_id: int | None):
    point = _point(point_id) if point_id is not None else None
    errors: list[FieldError] = []
    if request.method == "POST":
        posted = PickupPointForm()
        check(posted)
        values, errors = _form_values(posted.values())
        if point is not None and not errors and values["code"] != point.code:
            errors.append(FieldError("code", "cannot change: notices already name this point by its code"))
        if point is None and not errors and db.session.scalar(
                sa.select(PickupPoint.id).where(PickupPoint.code == values["code"])):
            errors.append(FieldError("code", f"{values['code']} is already in the register"))
        if not errors:
            if point is None:
                point = PickupPoint(code=values["code"], active=True)
                db.session.add(point)
            pickup_points.save(point, values, utcnow())
            db.session.commit()
            flash(f"Zapisano placówkę {point.code}. / Pickup point {point.code} saved.", "ok")
            return redirect(url_for("staff_pickup_points.index", lang=current_language()))
        form: Mapping[str, object] = posted.values()
    else:
        form = {} if point is None else {
            "code": point.code, "name": point.name, "address": point.address,
            "lat": "" if point.latitude is None else point.latitude,
            "lon": "" if point.longitude is None else point.longitude,
            "holidays_closed": "yes" if point.holidays_closed else "no",
            **{day: " ".join(f"{a}-{b}" for a, b in (point.hours or {}).get(day, [])) for day in rules.WEEKDAYS},
        }
    status = 422 if errors else 200
    return render_template("staff/pickup_point_edit.html", point=point, form=form, weekdays=rules.WEEKDAYS,
                           day_names=[gettext(name) for name in rules.DAY_NAMES],
                           errors={e.field: e.message for e in errors}), status


@bp.post("/<int:point_id>/active")
@login_required("staff")
def set_active(point_id: int):
    """Deactivate (``active=0``) or reactivate a point; a deactivated point is refused on new scans."""
    point = _point(point_id)
    form = ActiveForm()
    check(form)
    point.active = form.active.data == "1"
    point.updated_at = utcnow()
    db.session.commit()
    flash(f"Placówka {point.code} {'aktywna' if point.active else 'wyłączona'}. / "
          f"Pickup point {point.code} {'active' if point.active else 'deactivated'}.", "ok")
    return redirect(url_for("staff_pickup_points.index", lang=current_language()))
