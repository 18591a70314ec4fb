"""``flask worker``: the process that sends what the outbox holds."""
from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from app.messaging.providers import channels
from app.extensions import db
from app.messaging.outbox import OutboxSettings, run_once


@click.command("worker")
@click.option("--once", is_flag=True, help="Deliver everything due now, then exit.")
@click.option("--poll-interval", type=float, default=None,
              help="Seconds between looks at the outbox (default OUTBOX_POLL_SECONDS).")
@with_appcontext
def worker_command(once: bool, poll_interval: float | None) -> None:
    """Send queued SMS and e-mail, retrying failures; stops cleanly on SIGTERM or Ctrl-C."""
    app = current_app._get_current_object()
    settings = OutboxSettings.from_app(app)
    interval = poll_interval if poll_interval is not None else float(app.config.get("OUTBOX_POLL_SECONDS") or 2)
    stop = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
    names = ", ".join(f"{name}: {ch.provider}" for name, ch in sorted(channels(app).items())) or "none"
    click.echo(f"Awizo worker: channels {names}; " + ("draining once." if once else f"polling every {interval:g}s."))
    total = 0
    try:
        while True:
            total += run_once(db.session, channels(app), settings, stopping=stop.is_set)
            if once or stop.wait(interval):
                break
    finally:
        db.session.remove()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    click.echo(f"Awizo worker: stopped after handling {total} message(s).")
