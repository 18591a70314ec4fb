"""The Awizo Flask application.

``create_app`` is the one place where the application is wired: extensions, the outbound
channels, the evidence log, blueprints (pages and JSON API), the rate limiter, sign-in and
CLI groups. Area packages define what they offer; nothing registers itself on import.
"""
from __future__ import annotations

import os

import sqlalchemy as sa
from dotenv import load_dotenv
from flask import Flask

from app import settings
from app.accounts import service as accounts_service
from app.accounts import web as accounts_web
from app.accounts.cli import users_cli
from app.cases import api as case_api
from app.cases import jobs as case_jobs
from app.cases import queries as case_queries
from app.cases import staff_views as case_staff_views
from app.cases import views as case_views
from app.cases.cli import cases_cli
from app.delivery import api_scans, handheld_api, handheld_views, records
from app.delivery.checks_cli import addresses_cli, checks_cli
from app.delivery.cli import carriers_cli, pickup_points_cli
from app.demo.seed import demo_command
from app.events import add_listener
from app.evidence import action_views, api_log, api_proofs, keyring, pki_views, public_views
from app.evidence import jobs as evidence_jobs
from app.evidence import log as evidence_log
from app.evidence.cli import evidence_cli
from app.extensions import csrf, db, migrate
from app.lifecycle import api as lifecycle_api
from app.lifecycle import jobs as lifecycle_jobs
from app.lifecycle.cli import lifecycle_cli
from app.lifecycle.scheduler import scheduler_command
from app.messaging import dev_views, enqueue, failover, outbox_settings, providers, statuses, twilio_hooks, unsubscribe
from app.messaging.cli import messaging_cli
from app.messaging.worker import worker_command
from app.recipients import cli as recipients_cli  # noqa: F401  (commands on the recipients blueprint)
from app.recipients import staff as recipients_staff  # noqa: F401  (routes on the recipients blueprint)
from app.recipients import subscriptions
from app.recipients import views as recipients_views  # noqa: F401  (routes on the recipients blueprint)
from app.recipients.blueprint import bp as recipients_bp
from app.senders import (  # noqa: F401  (routes on the portal blueprint)
    api_bulk,
    api_items,
    api_settings,
    formatting,
    openapi,
    organisation,
    portal,
    portal_admin,
    portal_import,
    portal_views,
    webhooks,
)
from app.senders.cli import senders_cli
from app.staff import carriers
from app.staff import pickup_points as staff_pickup_points
from app.staff import views as staff_views
from app.web import health, i18n, problems, ratelimit

API_BLUEPRINTS = (api_items.bp, api_scans.bp, api_log.bp, api_proofs.bp, lifecycle_api.bp,
                  api_bulk.bp, api_settings.bp, openapi.bp, case_api.bp, organisation.api)
PAGE_BLUEPRINTS = (public_views.bp, dev_views.bp, twilio_hooks.bp, unsubscribe.bp, accounts_web.bp,
                   portal.bp, handheld_views.bp, staff_views.bp, recipients_bp, health.bp, case_views.bp,
                   case_staff_views.bp, pki_views.bp, staff_pickup_points.bp, action_views.bp)
CLI_GROUPS = (demo_command, senders_cli, carriers_cli, users_cli, lifecycle_cli, scheduler_command,
              worker_command, messaging_cli, evidence_cli, addresses_cli, checks_cli, cases_cli,
              pickup_points_cli)


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory: configuration from the environment, overridable by tests."""
    if test_config is None:
        load_dotenv(os.path.join(os.getcwd(), ".env"))
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    loaded = settings.load()  # stops here, naming the variable, if the environment is wrong
    app.config.from_mapping(loaded.flask_config(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
        loaded = loaded.model_copy(update={k: v for k, v in test_config.items() if k in settings.Settings.model_fields})
    settings.install(app, loaded)

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True,
                     directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    csrf.init_app(app)
    i18n.init_app(app)           # Flask-Babel: page language, catalogs, dates in the operator's time zone
    with app.app_context():
        _configure_sqlite(db.engine)

    accounts_service.install_password_hasher(app, cheap=bool(app.config.get("PASSWORD_HASH_CHEAP")))
    providers.init_app(app)      # SMS, e-mail: Twilio/SMTP or the development outbox
    keyring.install_keys(app)    # proof signing and log keys
    add_listener(app, evidence_log.append_event, evidence_log.append_event_batch)  # every item fact joins the transparency log
    evidence_log.install_session_hooks()
    webhooks.init_app(app)       # sender callbacks: an item-event listener and an outbox channel
    _use_subscribers_quiet_hours(app)
    # E-mails carry a signed unsubscribe link (the settings are read when each e-mail is queued).
    enqueue.set_unsubscribe_link(app, lambda address: enqueue.unsubscribe_link(
        app.config["SECRET_KEY"], app.config["PUBLIC_BASE_URL"], address))
    # A failed alert is told through the other channel (with the item's link as configured when it fails).
    statuses.add_failure_hook(app, lambda session, failed, now: failover.tell_through_other_channel(
        session, failed, now, base_url=app.config["PUBLIC_BASE_URL"]))
    lifecycle_jobs.register_jobs(app, lifecycle_jobs.JOBS + evidence_jobs.JOBS + case_jobs.JOBS)
    records.add_record_section(app, case_queries.record_section)  # cases and an upheld finding on the record
    carriers.set_case_counts(app, case_queries.case_counts_between)  # /staff/carriers counts each carrier's cases

    problems.install(app)  # before the blueprints: it bounds their integer path parameters
    for bp in API_BLUEPRINTS:
        csrf.exempt(bp)
        app.register_blueprint(bp)
    csrf.exempt(twilio_hooks.bp)          # Twilio signs its requests instead
    csrf.exempt(unsubscribe.unsubscribe)  # checks CSRF itself unless it is an RFC 8058 one-click POST
    csrf.exempt(handheld_api.enrol)       # JSON from the device, no session or cookie involved
    csrf.exempt(handheld_api.notice_printed)  # the device's bearer token, no session or cookie involved
    csrf.exempt(case_views.file_case)     # JSON needs none (the record link is the capability); forms are checked
    csrf.exempt(action_views.record_action)   # the same: JSON with the record link and the notice's code
    csrf.exempt(action_views.managed_action)  # the same: JSON with the management link
    for bp in PAGE_BLUEPRINTS:
        app.register_blueprint(bp)

    ratelimit.init_app(app, API_BLUEPRINTS)
    accounts_web.init_app(app)
    app.jinja_env.globals["portal_nav"] = portal.portal_nav
    formatting.init_app(app)

    for command in CLI_GROUPS:
        app.cli.add_command(command)
    return app


def _use_subscribers_quiet_hours(app: Flask) -> None:
    """SMS to a subscriber's number wait for the end of the quiet hours that person chose."""
    outbox_settings.set_quiet_hours_lookup(app, subscriptions.quiet_hours_among)


def _configure_sqlite(engine: sa.Engine) -> None:
    """Foreign keys on, WAL journal and a busy timeout for every SQLite connection."""
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()
