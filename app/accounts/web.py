"""Signing people in to the web pages: session login/logout and ``login_required(*roles)``.

Usage in any blueprint::

    from app.accounts.web import current_user, login_required

    @bp.get("/devices")
    @login_required("staff")
    def devices(): ...

``login_required()`` with no roles admits any signed-in person. A person who is not signed
in is sent to the sign-in page (and back afterwards); a signed-in person with another role
gets 403.
"""
from __future__ import annotations

import hashlib
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from app.accounts import service as accounts
from app.errors import ServiceError
from app.extensions import db
from app.models import User
from app.models.types import utcnow
from app.web.forms import Form, check, refused
from app.web.problems import api_not_found_or_method
from app.web.ratelimit import limiter, login_limit, submitted_email

bp = Blueprint("auth", __name__)


def _session_fingerprint(user: User) -> str:
    """Changes when the password changes, so old sessions end with it."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def current_user() -> User | None:
    """The signed-in, active person of this request, or None."""
    if "user" not in g:
        user = None
        user_id = session.get("user_id")
        if user_id is not None:
            user = db.session.get(User, user_id)
            if user is None or user.disabled_at is not None or session.get("fp") != _session_fingerprint(user):
                session.clear()
                user = None
        g.user = user
    return g.user


def signed_in() -> User:
    """The person behind a view guarded by :func:`login_required` (who is never missing there)."""
    user = current_user()
    if user is None:
        abort(401)
    return user


def signed_in_sender_id() -> int:
    """The organisation of the signed-in sender admin or clerk (staff have none: 403)."""
    sender_id = signed_in().sender_id
    if sender_id is None:
        abort(403)
    return sender_id


def login_required(*roles: str):
    """Only signed-in people (with one of ``roles``, when given) may open the view."""
    if len(roles) == 1 and callable(roles[0]):
        return login_required()(roles[0])

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = current_user()
            if user is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if roles and user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapper
    return decorator


def sign_in(user: User) -> None:
    session.clear()  # a new session on sign-in: no fixation
    session["user_id"] = user.id
    session["fp"] = _session_fingerprint(user)
    session.permanent = True
    g.user = user


def landing_url(user: User) -> str:
    if user.role == "staff":
        for endpoint in ("staff.index", "operator.index"):
            if endpoint in current_app.view_functions:
                return url_for(endpoint)
        return url_for("auth.account")
    return url_for("portal.index")


def _safe_next(value: str | None) -> str | None:
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//"):
        return None
    return value


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=320)])
    password = PasswordField("Hasło / Password", validators=[DataRequired(), Length(max=200)])


class PasswordChangeForm(Form):
    current_password = PasswordField(validators=[DataRequired(lazy_gettext("Podaj obecne hasło."))])
    new_password = PasswordField(validators=[
        DataRequired(lazy_gettext("Podaj nowe hasło.")),
        Length(min=accounts.MIN_PASSWORD_LENGTH, max=200, message=lazy_gettext("Hasło musi mieć co najmniej 10 znaków."))])
    new_password_confirm = PasswordField(validators=[EqualTo("new_password", lazy_gettext("Nowe hasła się różnią."))])


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@limiter.limit(login_limit, methods=["POST"], key_func=submitted_email)
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, form.email.data or "", form.password.data or "", utcnow())
        if user is not None:
            sign_in(user)
            return redirect(_safe_next(request.args.get("next")) or landing_url(user))
        error = "Nieprawidłowy e-mail lub hasło. / Wrong e-mail or password."
    elif request.method == "POST" and not error:
        error = "Formularz wygasł, spróbuj ponownie. / The form expired, please try again." \
            if form.csrf_token.errors else "Podaj e-mail i hasło. / Enter your e-mail and password."
    status = 401 if error else 200
    return render_template("portal/login.html", form=form, error=error), status


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required()
def account():
    """The signed-in person's account; changing the password ends their other sessions."""
    user, errors, changed = signed_in(), {}, False
    form = PasswordChangeForm()
    if request.method == "POST":
        errors = check(form)
        if not errors:
            try:
                accounts.change_password(db.session, user, form.current_password.data or "", form.new_password.data or "")
            except ServiceError as exc:
                errors = refused(exc)
            else:
                sign_in(user)  # this session goes on; the others end (their fingerprint is stale)
                changed = True
    return render_template("portal/account.html", user=user, errors=errors, changed=changed), 422 if errors else 200


def init_app(app) -> None:
    """Session cookie settings, the page for rate-limited requests and ``current_user`` in templates."""
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    if str(app.config.get("PUBLIC_BASE_URL", "")).startswith("https://"):
        app.config.setdefault("SESSION_COOKIE_SECURE", True)

    @app.errorhandler(429)
    def _too_many(exc):
        """Pages (the API answers in problem+json): a sentence, and when to try again."""
        if request.path.startswith("/api/"):
            answer = api_not_found_or_method(exc)  # problem+json, with the limit's headers
            for name, value in exc.get_response().headers.items():
                if name.lower().startswith(("retry-after", "x-ratelimit")):
                    answer.headers[name] = value
            return answer
        response = exc.get_response()
        page = render_template("portal/too_many.html", retry_after=response.headers.get("Retry-After"))
        return page, 429, {k: v for k, v in response.headers.items() if k.lower().startswith(("retry-after", "x-ratelimit"))}

    @app.context_processor
    def _user():
        return {"current_user": current_user()}
