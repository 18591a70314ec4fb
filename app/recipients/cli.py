"""``flask recipients …``: claim codes sent by letter to prove access to an address."""
from __future__ import annotations

import click
from flask import current_app

from app.extensions import db
from app.models.subscriptions import Subscriber
from app.models.types import utcnow
from app.recipients import subscriptions
from app.recipients.blueprint import bp
from app.web.cli_text import gettext as _
from notices.recipient_messages import letter_text


@bp.cli.command("letter-code", help=_("Wydaj kod odbioru dla adresu subskrybenta SUBSCRIBER_ID i wypisz list do wysłania."))
@click.argument("subscriber_id", type=int)
def letter_code(subscriber_id: int) -> None:
    """Issue a claim code for SUBSCRIBER_ID's address and print the letter to send."""
    subscriber = db.session.get(Subscriber, subscriber_id)
    if subscriber is None:
        raise click.ClickException(_("Nie ma subskrybenta %(id)s.", id=subscriber_id))
    code = subscriptions.issue_letter_code(db.session, subscriber, now=utcnow(),
                                           secret=current_app.config["SECRET_KEY"], actor="cli")
    address = ", ".join(p for p in (subscriber.address_line1, subscriber.address_line2,
                                     f"{subscriber.postal_code} {subscriber.city}") if p)
    click.echo(_("Do: %(name)s, %(address)s", name=subscriber.name, address=address) + "\n")
    click.echo(letter_text(subscriber.language, subscriber.name or "", code,
                           f"{current_app.config['PUBLIC_BASE_URL']}/alerts/"))
    click.echo(code)


@bp.cli.command("letters-due", help=_("Wypisz listy z kodami odbioru wydane, ale jeszcze nieoznaczone jako wysłane lub użyte."))
def letters_due() -> None:
    """List the claim-code letters issued but not yet marked sent or used."""
    for claim, subscriber in subscriptions.letters_due(db.session):
        click.echo(f"{subscriber.id}\t{claim.issued_at:%Y-%m-%d}\t{subscriber.name}\t{subscriber.postal_code} {subscriber.city}")
