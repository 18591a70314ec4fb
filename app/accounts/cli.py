"""``flask users create EMAIL --role ROLE [--sender NAME]``: accounts from the command line."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.accounts import service as accounts
from app.errors import ServiceError
from app.extensions import db
from app.models import Sender
from app.models.accounts import ROLES
from app.web.cli_text import gettext as _

users_cli = AppGroup("users", help=_("Zarządzanie osobami, które się logują (pracownicy operatora, administratorzy i urzędnicy "
                  "nadawców)."))


@users_cli.command("create", help=_("Utwórz konto i wypisz jego hasło samo w ostatnim wierszu (chyba że podano je w odpowiedzi na pytanie)."))
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True, help=_("staff, sender_admin lub sender_clerk."))
@click.option("--sender", "sender_name", help=_("Organizacja nadawcy (wymagana dla ról nadawcy)."))
@click.option("--name", help=_("Imię i nazwisko osoby."))
@click.option("--prompt-password", is_flag=True, help=_("Zapytaj o hasło zamiast je wygenerować."))
def users_create(email: str, role: str, sender_name: str | None, name: str | None, prompt_password: bool) -> None:
    """Create an account and print its password alone on the last line (unless prompted)."""
    sender = None
    if role != "staff":
        if not sender_name:
            raise click.UsageError(_("--sender NAZWA jest wymagane dla ról nadawcy"))
        sender = db.session.scalar(sa.select(Sender).where(Sender.name == sender_name))
        if sender is None:
            raise click.BadParameter(_("nie ma nadawcy o nazwie %(name)r", name=sender_name), param_hint="--sender")
    elif sender_name:
        raise click.UsageError(_("konta personelu nie należą do żadnego nadawcy; usuń --sender"))
    password = click.prompt(_("Hasło"), hide_input=True, confirmation_prompt=True) if prompt_password else None
    try:
        user, password = accounts.create_user(db.session, email, role, sender, password=password, name=name)
    except ServiceError as exc:
        raise click.ClickException("; ".join(f"{e.field} {e.message}" for e in exc.errors) or exc.detail)
    if sender:
        created = _("Utworzono konto %(role)s %(email)s dla %(sender)s.", role=user.role, email=user.email,
                    sender=sender.name)
    else:
        created = _("Utworzono konto %(role)s %(email)s.", role=user.role, email=user.email)
    if prompt_password:
        click.echo(created)
    else:
        click.echo(created + " " + _("Hasło (pokazywane raz, zapisz je teraz):"))
        click.echo(password)
