"""``flask worker``: the process that sends what the outbox holds, and keeps doing so.

The worker survives what it can wait out: a dropped database connection or a database that is
down (it logs, backs off up to ``OUTBOX_MAX_BACKOFF_SECONDS`` and reconnects), a provider that
fails (the outbox retries the message later) and a bug in one message (that message is put
back, the others go on). It exits non-zero only when its configuration is wrong.
"""
from __future__ import annotations

import json
import logging
import signal
import threading

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.messaging.delivery import run_once
from app.messaging.outbox_settings import OutboxSettings
from app.messaging.providers import channels
from app.metrics import WORKER_ERRORS
from app.web.cli_text import gettext as _
from app.web.cli_text import ngettext

log = logging.getLogger("awizo.worker")


def configure_logging() -> None:
    """One line per record on stderr, INFO and up (the structured lines are JSON themselves)."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("awizo").setLevel(logging.INFO)


def _settings(app) -> OutboxSettings:
    try:
        return OutboxSettings.from_app(app)
    except (TypeError, ValueError) as exc:
        raise click.ClickException(_("konfiguracja kolejki wiadomości jest błędna: %(error)s", error=exc)) from exc


@click.command("worker", help=_("Wysyłaj SMS-y i e-maile z kolejki, ponawiając nieudane; kończy się czysto po SIGTERM lub Ctrl-C."))
@click.option("--once", is_flag=True, help=_("Wyślij wszystko, co jest teraz do wysłania, i zakończ."))
@click.option("--poll-interval", type=float, default=None,
              help=_("Sekundy między sprawdzeniami kolejki wiadomości (domyślnie OUTBOX_POLL_SECONDS)."))
@with_appcontext
def worker_command(once: bool, poll_interval: float | None) -> None:
    """Send queued SMS and e-mail, retrying failures; stops cleanly on SIGTERM or Ctrl-C."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # werkzeug's LocalProxy
    configure_logging()
    settings = _settings(app)
    interval = poll_interval if poll_interval is not None else float(app.config.get("OUTBOX_POLL_SECONDS") or 2)
    max_backoff = float(app.config.get("OUTBOX_MAX_BACKOFF_SECONDS") or 30)
    stop = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
    names = ", ".join(f"{name}: {ch.provider}" for name, ch in sorted(channels(app).items())) or _("brak")
    click.echo(_("Awizo worker: kanały %(names)s; jednorazowe opróżnienie kolejki.", names=names) if once else
               _("Awizo worker: kanały %(names)s; sprawdzanie co %(seconds)s s.", names=names,
                 seconds=format(interval, "g")))
    total, failures = 0, 0
    try:
        while True:
            try:
                total += run_once(db.session, channels(app), settings, stopping=stop.is_set)
                failures = 0
                wait = interval
            except sa.exc.DBAPIError as exc:
                failures += 1
                wait = min(max_backoff, interval * 2 ** min(failures, 10))
                WORKER_ERRORS.labels("worker", "database").inc()
                log.error(json.dumps({"event": "worker.database_error", "error": exc.__class__.__name__,
                                      "failures": failures, "retry_in": round(wait, 1)}))
                _reconnect()
            except Exception as exc:  # anything else: log it, wait, go on
                failures += 1
                wait = min(max_backoff, interval * 2 ** min(failures, 10))
                WORKER_ERRORS.labels("worker", "internal").inc()
                log.exception(json.dumps({"event": "worker.error", "error": exc.__class__.__name__,
                                          "retry_in": round(wait, 1)}))
                _reconnect()
            if once and failures >= 3:
                raise click.ClickException(_("nie udało się opróżnić kolejki wiadomości; błędy są powyżej"))
            if (once and failures == 0) or stop.wait(wait):
                break
    finally:
        db.session.remove()
        for channel in channels(app).values():  # a kept SMTP connection says QUIT
            close = getattr(channel, "close", None)
            if close is not None:
                close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    click.echo(ngettext("Awizo worker: zatrzymany po obsłużeniu %(num)d wiadomości.",
                         "Awizo worker: zatrzymany po obsłużeniu %(num)d wiadomości.", total))


def _reconnect() -> None:
    """Drop the session and every pooled connection: the next round starts on fresh ones."""
    try:
        db.session.rollback()
    except Exception:  # the connection is gone; removing the session is what matters
        pass
    db.session.remove()
    db.engine.dispose()
