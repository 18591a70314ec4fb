"""``flask carriers enrol CARRIER_ID``: a one-time enrolment link for a new handheld."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.models.types import utcnow
from app.services import enrolments
from app.services.errors import ServiceError


@click.command("enrol")
@click.argument("carrier_id", type=int)
@click.option("--label", default="handheld", help="A name for the new device.")
@with_appcontext
def enrol_command(carrier_id: int, label: str) -> None:
    """Print a one-time enrolment link (open it on the handheld); the code works once, for 30 minutes."""
    try:
        enrolment, code = enrolments.create_enrolment(db.session, carrier_id, label, created_by="cli", now=utcnow())
    except ServiceError as exc:
        raise click.ClickException(exc.detail) from None
    click.echo(f"Enrolment code for carrier #{carrier_id} ({enrolment.carrier.name}), device {label!r}: {code}")
    click.echo(f"Valid until {enrolment.expires_at:%Y-%m-%d %H:%M} UTC. Open this link on the handheld:")
    click.echo(f"{current_app.config['PUBLIC_BASE_URL']}/h/enrol#code={code}")
