"""Staff commands for the notice lifecycle: ``flask lifecycle sweep`` and ``flask lifecycle collected``."""
from __future__ import annotations

from datetime import datetime, timezone

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.models.types import utcnow
from app.lifecycle import service as lifecycle
from app.lifecycle import sweep as lifecycle_sweep
from app.errors import ServiceError
from notices import s10

lifecycle_cli = AppGroup("lifecycle", help="Repeat notices, reminders, deemed service, collection.")


@lifecycle_cli.command("sweep")
def sweep_command() -> None:
    """Take every lifecycle step that is due now, once."""
    cfg = current_app.config
    result = lifecycle_sweep.sweep(db.session, now=utcnow(), tz=cfg["OPERATOR_TIMEZONE"], base_url=cfg["PUBLIC_BASE_URL"])
    if result.locked_out:
        click.echo("Another worker is sweeping right now; nothing done here.")
    done = ", ".join(f"{kind}: {n}" for kind, n in sorted(result.actions.items())) or "nothing was due"
    click.echo(f"Sweep done ({result.batches} batch(es)): {done}.")


@lifecycle_cli.command("collected")
@click.argument("tracking_number")
@click.option("--by", "collected_by", help="Who collected it (name, or 'recipient' / 'proxy').")
@click.option("--at", "collected_at", help="When, ISO 8601 with an offset (default: now).")
@click.option("--staff", "recorded_by", help="Who records it at the counter.")
def collected_command(tracking_number: str, collected_by: str | None, collected_at: str | None,
                      recorded_by: str | None) -> None:
    """Record that an item was collected at the counter; everything pending stops."""
    when = None
    if collected_at:
        try:
            when = datetime.fromisoformat(collected_at)
        except ValueError:
            raise click.BadParameter("use ISO 8601, e.g. 2026-04-02T10:15:00+02:00", param_hint="--at")
        if when.tzinfo is None:
            raise click.BadParameter("give the UTC offset, e.g. +02:00", param_hint="--at")
        when = when.astimezone(timezone.utc)
    number = s10.normalise(tracking_number)
    try:
        item, new = lifecycle.record_collection(db.session, number, now=utcnow(), collected_at=when,
                                                collected_by=collected_by, recorded_by=recorded_by)
    except ServiceError as exc:
        raise click.ClickException(exc.detail)
    click.echo(f"Item {item.tracking_number} {'recorded as collected' if new else 'was already recorded as collected'}.")
