"""``flask cases list`` and ``flask cases decide CASE_NUMBER DECISION --reason TEXT``."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.cases import handling, queries
from app.cases.context import CaseSettings
from app.cases.letters import attach_letter
from app.errors import ServiceError
from app.extensions import db
from app.models.types import utcnow
from app.web.cli_text import gettext as _
from notices.cases import DECISIONS, OPEN_STATUSES

cases_cli = AppGroup("cases", help=_("Reklamacje: lista spraw, rozstrzygnięcie sprawy."))


@cases_cli.command("list", help=_("Sprawy według terminu: numer, status, rodzaj, przesyłka, termin."))
@click.option("--all", "show_all", is_flag=True, help=_("Także sprawy rozstrzygnięte."))
def list_cases(show_all: bool) -> None:
    """Cases by due date: number, status, kind, item, due."""
    for case in queries.queue(db.session, status="all" if show_all else None):
        overdue = " " + _("PO TERMINIE") if case.status in OPEN_STATUSES and case.due_at < utcnow() else ""
        click.echo(f"{case.number}\t{case.status}\t{case.kind}\t{case.item.tracking_number}\t"
                   f"{case.due_at.isoformat()}{overdue}")


@cases_cli.command("decide", help=_("Rozstrzygnij sprawę; adresat i nadawca dostają informację, pismo jest podpisane i dołączone."))
@click.argument("case_number")
@click.argument("decision", type=click.Choice(list(DECISIONS)))
@click.option("--reason", required=True, help=_("Uzasadnienie; czytają je adresat i nadawca."))
def decide(case_number: str, decision: str, reason: str) -> None:
    """Decide a case; the recipient and the sender are told, the letter is signed and attached."""
    try:
        case = handling.case_by_number(db.session, case_number)
        handling.decide(db.session, case, decision, reason, user_id=None, settings=CaseSettings.from_app(current_app),
                        now=utcnow(), on_decided=attach_letter)
    except ServiceError as exc:
        raise click.ClickException(exc.detail) from None
    click.echo(f"{case.number}\t{case.status}\t{case.decision}")
