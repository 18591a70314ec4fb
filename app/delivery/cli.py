"""``flask carriers create|enrol``: carriers, their devices and handheld enrolment."""
from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from app.delivery import enrolments, pickup_points
from app.errors import ServiceError
from app.extensions import db
from app.models import Carrier, Device, PickupPoint
from app.models.types import utcnow
from app.security import new_token
from app.web.cli_text import gettext as _
from app.web.cli_text import ngettext

carriers_cli = AppGroup("carriers", help=_("Zarządzanie doręczycielami i ich urządzeniami."))
pickup_points_cli = AppGroup("pickup-points", help=_("Rejestr placówek odbioru."))


def default_pickup_point() -> PickupPoint:
    """The pickup point named in configuration, created on first use."""
    cfg = current_app.config
    point = db.session.scalar(sa.select(PickupPoint).where(PickupPoint.code == cfg["DEFAULT_PICKUP_POINT_CODE"]))
    if point is None:
        point = PickupPoint(code=cfg["DEFAULT_PICKUP_POINT_CODE"], name=cfg["DEFAULT_PICKUP_POINT_NAME"],
                            address=cfg["DEFAULT_PICKUP_POINT_ADDRESS"], opening_hours="Pn–Pt 8–20, Sb 9–14")
        db.session.add(point)
        db.session.flush()
    return point


def create_carrier(name: str, pickup_code: str | None = None, device_label: str = "handheld") -> tuple[Carrier, str]:
    """Create a carrier with one device; returns the device token, shown once."""
    if pickup_code:
        point = db.session.scalar(sa.select(PickupPoint).where(PickupPoint.code == pickup_code))
        if point is None:
            raise click.BadParameter(_("nie ma placówki o kodzie %(code)s", code=pickup_code), param_hint="--pickup-point")
    else:
        point = default_pickup_point()
    carrier = Carrier(name=name, default_pickup_point=point)
    token = new_token("dt")
    carrier.devices.append(Device(label=device_label, token_prefix=token.prefix, token_hash=token.digest))
    db.session.add(carrier)
    db.session.commit()
    return carrier, token.token


@carriers_cli.command("create", help=_("Utwórz doręczyciela z urządzeniem i wypisz token urządzenia (pokazywany tylko raz)."))
@click.argument("name")
@click.option("--pickup-point", "pickup_code", help=_("Kod domyślnej placówki odbioru doręczyciela."))
@click.option("--device-label", default="handheld", help=_("Nazwa pierwszego urządzenia."))
def carriers_create(name: str, pickup_code: str | None, device_label: str) -> None:
    """Create a carrier with a device and print the device token (shown only once)."""
    carrier, token = create_carrier(name, pickup_code, device_label)
    point = carrier.default_pickup_point.code if carrier.default_pickup_point else _("brak")
    click.echo(_("Utworzono przewoźnika #%(id)s %(name)s (placówka %(point)s). "
                 "Token urządzenia (pokazywany raz, zapisz go teraz):", id=carrier.id, name=carrier.name, point=point))
    click.echo(token)


@carriers_cli.command("enrol", help=_("Wypisz jednorazowy link rejestracji (otwórz go na terminalu); kod działa raz, przez 30 minut."))
@click.argument("carrier_id", type=int)
@click.option("--label", default="handheld", help=_("Nazwa nowego urządzenia."))
def enrol_command(carrier_id: int, label: str) -> None:
    """Print a one-time enrolment link (open it on the handheld); the code works once, for 30 minutes."""
    try:
        enrolment, code = enrolments.create_enrolment(db.session, carrier_id, label, created_by="cli", now=utcnow())
    except ServiceError as exc:
        raise click.ClickException(exc.detail) from None
    click.echo(_("Kod rejestracji dla przewoźnika #%(id)s (%(name)s), urządzenie %(label)r: %(code)s",
                 id=carrier_id, name=enrolment.carrier.name, label=label, code=code))
    click.echo(_("Ważny do %(until)s UTC. Otwórz ten link na urządzeniu doręczyciela:",
                 until=f"{enrolment.expires_at:%Y-%m-%d %H:%M}"))
    click.echo(f"{current_app.config['PUBLIC_BASE_URL']}/h/enrol#code={code}")


@pickup_points_cli.command("import", help=_("Utwórz lub zaktualizuj placówki odbioru z pliku CSV "
        "(code,name,address,lat,lon,mon,…,sun,holidays_closed).\n\nGodziny w dniu tygodnia np. 08:00-20:00 (kilka "
        "przedziałów oddzielonych spacjami, puste = zamknięte); holidays_closed yes/no (domyślnie yes). Ponowne "
        "wczytanie tego samego pliku niczego nie zmienia. Błędna komórka jest zgłaszana z wierszem i kolumną, i "
        "wtedy nic nie jest zapisywane."))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def pickup_points_import(file: Path) -> None:
    """Create or update pickup points from a CSV (code,name,address,lat,lon,mon,…,sun,holidays_closed).

    Hours per weekday like 08:00-20:00 (several ranges separated by spaces, empty = closed);
    holidays_closed yes/no (default yes). Running the same file again changes nothing. A bad
    cell is reported with its row and column, and then nothing is written."""
    try:
        result = pickup_points.import_file(db.session, file.read_bytes(), now=utcnow())
    except ServiceError as exc:
        db.session.rollback()
        for error in exc.errors:
            click.echo(f"{file.name}: {error.field}: {error.message}", err=True)
        raise click.ClickException(ngettext("%(file)s: %(num)d błąd; nic nie zaimportowano.",
                                            "%(file)s: %(num)d błędów; nic nie zaimportowano.",
                                            len(exc.errors), file=file.name)) from None
    click.echo(_("%(file)s: nowe placówki: %(created)d, zmienione: %(updated)d, bez zmian: %(unchanged)d.",
                 file=file.name, created=result.created, updated=result.updated, unchanged=result.unchanged))
