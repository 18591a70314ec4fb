"""Staff commands for the notice lifecycle: ``flask lifecycle sweep`` and ``flask lifecycle collected``."""
from __future__ import annotations

from datetime import datetime, timezone

import click
from flask import current_app
from flask.cli import AppGroup

from app.errors import Problem, ServiceError, ValidationFailed
from app.extensions import db
from app.lifecycle import service as lifecycle
from app.lifecycle import sweep as lifecycle_sweep
from app.lifecycle.collection import parse_collector
from app.models.types import utcnow
from app.web.cli_text import gettext as _
from app.web.cli_text import ngettext
from notices import s10
from notices.vocabulary import IdDocument

lifecycle_cli = AppGroup("lifecycle", help=_("Powtórne awizo, przypomnienia, doręczenie zastępcze, odbiór."))


@lifecycle_cli.command("sweep", help=_("Wykonaj raz każdy krok cyklu awizo, który jest teraz należny."))
def sweep_command() -> None:
    """Take every lifecycle step that is due now, once."""
    cfg = current_app.config
    result = lifecycle_sweep.sweep(db.session, now=utcnow(), tz=cfg["OPERATOR_TIMEZONE"], base_url=cfg["PUBLIC_BASE_URL"],
                                   secret=cfg["SECRET_KEY"], connections=cfg["LIFECYCLE_SWEEP_CONNECTIONS"])
    if result.locked_out:
        click.echo(_("Inny proces właśnie przegląda terminy; tutaj nic nie zrobiono."))
    done = ", ".join(f"{kind}: {n}" for kind, n in sorted(result.actions.items())) or _("nic nie było wymagalne")
    click.echo(ngettext("Przegląd zakończony (%(num)d partia): %(done)s.",
                        "Przegląd zakończony (%(num)d partii): %(done)s.", result.batches, done=done))


@lifecycle_cli.command("collected", help=_("Zapisz odbiór przesyłki w okienku; wszystko, co oczekuje, zostaje zatrzymane."))
@click.argument("tracking_number")
@click.option("--by", "collected_by", required=True, help=_("Imię i nazwisko osoby, która odebrała przesyłkę."))
@click.option("--id-type", required=True, type=click.Choice([d.value for d in IdDocument]),
              help=_("Okazany dokument tożsamości."))
@click.option("--id-last-digits", required=True, help=_("Ostatnie 3 lub 4 znaki numeru dokumentu."))
@click.option("--at", "collected_at", help=_("Kiedy, ISO 8601 z przesunięciem strefy (domyślnie: teraz)."))
@click.option("--staff", "recorded_by", help=_("Kto rejestruje odbiór w okienku."))
def collected_command(tracking_number: str, collected_by: str, id_type: str, id_last_digits: str,
                      collected_at: str | None, recorded_by: str | None) -> None:
    """Record that an item was collected at the counter; everything pending stops."""
    when = None
    if collected_at:
        try:
            when = datetime.fromisoformat(collected_at)
        except ValueError:
            raise click.BadParameter(_("podaj czas w ISO 8601, np. 2026-04-02T10:15:00+02:00"), param_hint="--at") from None
        if when.tzinfo is None:
            raise click.BadParameter(_("podaj przesunięcie względem UTC, np. +02:00"), param_hint="--at")
        when = when.astimezone(timezone.utc)
    problem = Problem()
    collector = parse_collector(collected_by, id_type, id_last_digits, problem, ("--by", "--id-type", "--id-last-digits"))
    if collector is None:
        raise click.UsageError("; ".join(f"{e.field} {e.message}" for e in problem.errors))
    number = s10.normalise(tracking_number)
    try:
        item, new = lifecycle.record_collection(db.session, number, collector, now=utcnow(), collected_at=when,
                                                recorded_by=f"staff:{recorded_by}" if recorded_by else "staff",
                                                max_skew_s=current_app.config["MAX_CLOCK_SKEW_SECONDS"])
    except ValidationFailed as exc:
        raise click.BadParameter("; ".join(e.message for e in exc.errors), param_hint="--at") from None
    except ServiceError as exc:
        raise click.ClickException(exc.detail) from None
    click.echo(_("Przesyłka %(number)s zapisana jako odebrana.", number=item.tracking_number) if new else
               _("Przesyłka %(number)s była już zapisana jako odebrana.", number=item.tracking_number))
