"""``flask addresses import FILE`` and ``flask checks rerun --since DATE``."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import AppGroup

from app.delivery import addresses, checks
from app.errors import ServiceError
from app.extensions import db
from app.models.types import utcnow
from app.web.cli_text import gettext as _
from app.web.cli_text import ngettext

addresses_cli = AppGroup("addresses", help=_("Rejestr punktów adresowych, względem którego sprawdzane są próby doręczenia."))
checks_cli = AppGroup("checks", help=_("Kontrole prób doręczenia."))


@addresses_cli.command("import", help=_("Wczytaj punkty adresowe: CSV punktów adresowych PRG (EPSG:2180) albo "
        "street,number,postal_code,city,lat,lon."))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Load address points: a PRG address-point CSV (EPSG:2180) or street,number,postal_code,city,lat,lon."""
    try:
        result = addresses.import_points(db.session, file.read_bytes(), now=utcnow())
    except ServiceError as exc:
        raise click.ClickException("; ".join(f"{e.field}: {e.message}" for e in exc.errors) or exc.detail) from None
    layout = "PRG (EPSG:2180 → WGS84)" if result.layout == "prg" else _("zwykły CSV (WGS84)")
    click.echo(_("%(file)s: %(layout)s, nowe punkty adresowe: %(imported)d, zmienione: %(updated)d.",
                 file=file.name, layout=layout, imported=result.imported, updated=result.updated))


@checks_cli.command("rerun", help=_("Przelicz kontrole każdej próby od dnia DATE, według dzisiejszych reguł i danych."))
@click.option("--since", "since", required=True, type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M"]),
              help=_("Sprawdź ponownie próby z tego dnia i późniejsze (w strefie czasowej operatora)."))
def rerun_command(since: datetime) -> None:
    """Recompute the checks of every attempt made since DATE, with today's rules and data."""
    zone = ZoneInfo(current_app.config["OPERATOR_TIMEZONE"])
    start = since.replace(tzinfo=zone).astimezone(timezone.utc)
    try:
        rules = checks.rules_from_config(current_app.config)
    except ValueError as exc:
        raise click.ClickException(f"DELIVERY_HOURS: {exc}") from None
    count = checks.rerun_since(db.session, start, rules, now=utcnow())
    click.echo(ngettext("Sprawdzono %(num)d próbę doręczenia od %(since)s.",
                         "Sprawdzono %(num)d prób doręczenia od %(since)s.", count, since=f"{since:%Y-%m-%d %H:%M}"))
