"""Portal pages."""
from flask import render_template

from app.auth_web import current_user, login_required
from app.portal import bp


@bp.get("/")
@login_required("sender_admin", "sender_clerk")
def index():
    return render_template("portal/account.html", user=current_user())
