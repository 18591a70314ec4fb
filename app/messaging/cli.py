"""``flask messaging …``: operator commands for outbound messaging."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from app.extensions import db
from app.messaging.bounces import apply_dsns
from app.models.types import utcnow
from app.web.cli_text import gettext as _

messaging_cli = AppGroup("messaging", help=_("Wiadomości wychodzące: spóźnione zwroty e-maili."))


@messaging_cli.command("bounces", help=_("Wczytaj zwroty RFC 3464 (jedna wiadomość albo mbox; FILE lub - dla stdin) i zapisz je.\n\nKażdy trwale "
        "odrzucony adresat oznacza swój e-mail jako niedoręczony, blokuje adres i informuje adresata SMS-em, jeśli "
        "to możliwe. Raporty o opóźnieniu niczego nie zmieniają."))
@click.argument("source", default="-", type=click.Path(allow_dash=True, dir_okay=False))
def bounces_command(source: str) -> None:
    """Read RFC 3464 bounces (one message or an mbox; FILE or - for stdin) and record them.

    Each permanently failed recipient marks its e-mail undelivered, suppresses the address and
    tells the recipient by SMS where possible. Delayed reports change nothing.
    """
    if source == "-":
        data = sys.stdin.buffer.read()
    else:
        with open(source, "rb") as handle:
            data = handle.read()
    summary = apply_dsns(db.session, data, now=utcnow(), report=click.echo)
    click.echo(_("Wiadomości: %(messages)d; zapisane odbicia: %(recorded)d; niedopasowane lub już ostateczne: "
                 "%(unmatched)d; nie trwały błąd: %(ignored)d; nie raport doręczenia (DSN): %(not_dsn)d",
                 messages=summary.messages, recorded=summary.recorded, unmatched=summary.unmatched,
                 ignored=summary.ignored, not_dsn=summary.not_dsn))
