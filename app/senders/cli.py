"""``flask senders create``: a sender organisation and its first API key."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.errors import ValidationFailed
from app.extensions import db
from app.models import ApiKey, Sender
from app.security import new_token
from app.senders.organisation import normalise_contact_email, set_contact_email
from app.web.cli_text import gettext as _

senders_cli = AppGroup("senders", help=_("Zarządzanie organizacjami nadawców."))


def create_sender(name: str, key_name: str = "default") -> tuple[Sender, str]:
    """Create a sender with one API key; returns the key, which is never stored in clear."""
    sender = Sender(name=name)
    token = new_token("sk")
    sender.api_keys.append(ApiKey(name=key_name, prefix=token.prefix, key_hash=token.digest))
    db.session.add(sender)
    db.session.commit()
    return sender, token.token


@senders_cli.command("create", help=_("Utwórz organizację nadawcy i wypisz jej nowy klucz API (pokazywany tylko raz)."))
@click.argument("name")
@click.option("--key-name", default="default", help=_("Nazwa klucza API."))
@click.option("--contact-email", help=_("Adres, na który trafiają informacje o doręczeniu zastępczym, zwrotach i reklamacjach."))
def senders_create(name: str, key_name: str, contact_email: str | None) -> None:
    """Create a sender organisation and print its new API key (shown only once)."""
    if db.session.scalar(sa.select(Sender.id).where(Sender.name == name)):
        raise click.ClickException(_("nadawca o nazwie %(name)r już istnieje", name=name))
    try:
        contact = normalise_contact_email(contact_email)
    except ValidationFailed as exc:
        raise click.BadParameter(exc.errors[0].message, param_hint="--contact-email") from None
    sender, key = create_sender(name, key_name)
    if contact:
        set_contact_email(db.session, sender, contact)
    click.echo(_("Utworzono nadawcę #%(id)s %(name)s. Klucz API (pokazywany raz, zapisz go teraz):",
                 id=sender.id, name=sender.name))
    click.echo(key)
