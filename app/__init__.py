"""The Awizo Flask application."""
from __future__ import annotations

import os

import sqlalchemy as sa
from dotenv import load_dotenv
from flask import Flask

from app import config
from app.extensions import csrf, db, migrate


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory: configuration from the environment, overridable by tests."""
    if test_config is None:
        load_dotenv(os.path.join(os.getcwd(), ".env"))
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(config.from_env(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    csrf.init_app(app)
    with app.app_context():
        _configure_sqlite(db.engine)

    from app import adapters
    adapters.init_app(app)
    from app import evidence
    evidence.init_app(app)  # transparency log of item events, signing keys

    from app.api import bp as api_bp
    from app.public import bp as public_bp
    from app.dev import bp as dev_bp

    csrf.exempt(api_bp)
    from app.api.errors import install as install_api_errors
    install_api_errors(app)
    app.register_blueprint(api_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(dev_bp)
    from app import twilio_hooks, unsubscribe
    twilio_hooks.init_app(app)
    unsubscribe.init_app(app)

    from app import portal
    portal.init_app(app)

    from app import handheld, staff
    handheld.init_app(app)
    staff.init_app(app)
    from app import recipients
    recipients.init_app(app)

    from app import cli
    cli.init_app(app)
    return app


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
