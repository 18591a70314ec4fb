"""Staff view: find a recipient and read their one history (opt-ins, changes, every alert)."""
from __future__ import annotations

from flask import abort, current_app, render_template, request

from app.accounts.web import login_required, signed_in
from app.extensions import db
from app.models.subscriptions import Subscriber
from app.models.types import utcnow
from app.recipients import personal_data as recipient_data
from app.recipients import subscriptions
from app.recipients.blueprint import bp


@bp.get("/staff/")
@login_required("staff")
def staff_index():
    query = request.args.get("q", "")
    return render_template("recipients/staff_list.html", q=query,
                           people=recipient_data.find_subscribers(db.session, query))


def _person(subscriber_id: int) -> Subscriber:
    subscriber = db.session.get(Subscriber, subscriber_id)
    if subscriber is None:
        abort(404)
    return subscriber


@bp.get("/staff/<int:subscriber_id>")
@login_required("staff")
def staff_timeline(subscriber_id: int):
    subscriber = _person(subscriber_id)
    return render_template("recipients/staff_timeline.html", s=subscriber,
                           entries=recipient_data.timeline(db.session, subscriber, now=utcnow()), letter_code=None)


@bp.post("/staff/<int:subscriber_id>/letter-code")
@login_required("staff")
def staff_letter_code(subscriber_id: int):
    """Issue a code to be printed in a letter to the address; shown once, stored hashed."""
    subscriber = _person(subscriber_id)
    user = signed_in()
    code = subscriptions.issue_letter_code(db.session, subscriber, now=utcnow(),
                                           secret=current_app.config["SECRET_KEY"], actor=f"staff:{user.id}")
    return render_template("recipients/staff_timeline.html", s=subscriber,
                           entries=recipient_data.timeline(db.session, subscriber, now=utcnow()), letter_code=code)
