"""Accounts: CLI, sign-in and sign-out, roles, CSRF, rate limit on sign-in."""
from __future__ import annotations

from tests.portal.conftest import csrf_from, login


def test_users_create_prints_password_on_last_line_and_it_signs_in(app, runner, api, client):
    result = runner.invoke(args=["users", "create", "Anna@Sad.example.com", "--role", "sender_admin",
                                 "--sender", "Sąd Rejonowy Testowo"])
    assert result.exit_code == 0, result.output
    password = result.output.strip().splitlines()[-1]
    assert len(password) >= 10
    response = login(client, "anna@sad.example.com", password)
    assert response.status_code == 302 and response.headers["Location"].endswith("/portal/")
    assert "Sąd Rejonowy Testowo" in client.get("/portal/").text


def test_users_create_checks_role_and_sender(runner, api):
    assert runner.invoke(args=["users", "create", "x@y.example.com", "--role", "sender_clerk"]).exit_code != 0
    bad = runner.invoke(args=["users", "create", "x@y.example.com", "--role", "sender_clerk", "--sender", "Nope"])
    assert bad.exit_code != 0 and "no sender named" in bad.output
    staff = runner.invoke(args=["users", "create", "ops@op.example.com", "--role", "staff"])
    assert staff.exit_code == 0
    again = runner.invoke(args=["users", "create", "ops@op.example.com", "--role", "staff"])
    assert again.exit_code != 0 and "already registered" in again.output


def test_password_is_stored_as_argon2_hash(app, people):
    from app.extensions import db
    from app.models import User

    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "admin@a.example.com"))
        assert user.password_hash.startswith("$argon2id$")
        assert people.PASSWORD not in user.password_hash


def test_wrong_password_is_refused_without_saying_which_part(client, people):
    response = login(client, "admin@a.example.com", "wrong password!")
    assert response.status_code == 401
    assert "Wrong e-mail or password" in response.text or "Nieprawidłowy e-mail lub hasło" in response.text
    unknown = login(client, "nobody@a.example.com", "wrong password!")
    assert unknown.status_code == 401
    assert client.get("/portal/").status_code == 302


def test_login_without_csrf_token_is_refused(client, people):
    response = client.post("/login", data={"email": "admin@a.example.com", "password": people.PASSWORD})
    assert response.status_code in (400, 401)
    assert client.get("/portal/").status_code == 302


def test_portal_sends_anonymous_people_to_sign_in_and_back(client, people):
    response = client.get("/portal/?status=registered")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    page = client.get(response.headers["Location"])
    back = client.post(response.headers["Location"], data={
        "email": "clerk@a.example.com", "password": people.PASSWORD, "csrf_token": csrf_from(page.text)})
    assert back.headers["Location"] == "/portal/?status=registered"


def test_next_parameter_cannot_send_people_elsewhere(client, people):
    page = client.get("/login")
    response = client.post("/login?next=https://evil.example/", data={
        "email": "clerk@a.example.com", "password": people.PASSWORD, "csrf_token": csrf_from(page.text)})
    assert response.headers["Location"] == "/portal/"


def test_logout_ends_the_session(people):
    client = people.client("clerk@a.example.com")
    assert client.get("/portal/").status_code == 200
    page = client.get("/portal/")
    assert client.post("/logout", data={"csrf_token": csrf_from(page.text)}).status_code == 302
    assert client.get("/portal/").status_code == 302


def test_staff_cannot_open_the_sender_portal(people):
    client = people.client("staff@operator.example.com")
    assert client.get("/portal/").status_code == 403


def test_disabled_account_loses_its_session(app, people):
    from app.extensions import db
    from app.models import User
    from app.models.types import utcnow

    client = people.client("clerk@a.example.com")
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "clerk@a.example.com"))
        user.disabled_at = utcnow()
        db.session.commit()
    assert client.get("/portal/").status_code == 302


def test_sign_in_is_rate_limited(app, client, people):
    statuses = [login(client, "admin@a.example.com", "wrong password!").status_code for _ in range(12)]
    assert statuses[:10] == [401] * 10
    assert statuses[-1] == 429
    # The limit is per address and per account: the right password is refused too for now.
    refused = login(client, "admin@a.example.com", people.PASSWORD)
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "Too many attempts" in refused.text or "Zbyt wiele prób" in refused.text


def test_sign_in_limits_are_kept_in_redis_when_configured(app_config, api):
    """With a Redis URL, counters live in Redis (shared by every web process), not in memory."""
    import uuid

    import redis

    from app import create_app
    from tests.portal.conftest import People
    from tests.support import required

    client_redis = redis.Redis.from_url(required.REDIS_URL)
    try:
        client_redis.ping()
    except redis.exceptions.ConnectionError:
        required.missing("Redis", f"nothing answers at {required.REDIS_URL}")
    prefix = f"awizo-test-{uuid.uuid4().hex[:8]}"
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": api.app.config["SQLALCHEMY_DATABASE_URI"],
                      "RATELIMIT_STORAGE_URI": required.REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix,
                      "LOGIN_RATE_LIMIT": "3 per minute"})
    try:
        People(app, api)
        client = app.test_client()
        statuses = [login(client, "admin@a.example.com", "wrong password!").status_code for _ in range(4)]
        assert statuses == [401, 401, 401, 429]
        assert client_redis.keys(f"*{prefix}*")
    finally:
        for key in client_redis.scan_iter(f"*{prefix}*"):
            client_redis.delete(key)
        client_redis.close()
        from app.extensions import db

        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_changing_the_password_ends_other_sessions(people):
    from tests.portal.conftest import post_form

    here, elsewhere = people.client("clerk@a.example.com"), people.client("clerk@a.example.com")
    wrong = post_form(here, "/account", {"current_password": "nope nope nope", "new_password": "a new long password",
                                         "new_password_confirm": "a new long password"})
    assert wrong.status_code == 422 and "current_password" in wrong.text
    done = post_form(here, "/account", {"current_password": people.PASSWORD, "new_password": "a new long password",
                                        "new_password_confirm": "a new long password"})
    assert done.status_code == 200 and 'id="password-changed"' in done.text
    assert here.get("/portal/").status_code == 200
    assert elsewhere.get("/portal/").status_code == 302
    assert login(here.application.test_client(), "clerk@a.example.com", "a new long password").status_code == 302


def test_staff_menu_leads_to_the_operator_pages(people):
    client = people.client("staff@operator.example.com")
    page = client.get("/account").text
    assert 'href="/staff/devices"' in page and 'href="/portal/"' not in page
