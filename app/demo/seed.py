"""Demo data for a first look: ``flask --app wsgi demo`` (run by ``make run``)."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click
import sqlalchemy as sa
from flask import current_app

from app.accounts import service as accounts
from app.cases.context import CaseSettings
from app.cases.filing import NewCase, file_case
from app.cases.links import case_url
from app.delivery import addresses, enrolments, pickup_points
from app.delivery.attempts import ScanInput, record_attempt
from app.delivery.cli import create_carrier
from app.delivery.items import NewItem, register_item
from app.extensions import db
from app.models import ApiKey, Carrier, Device, Item, PickupPoint, Sender, User
from app.models.cases import Case
from app.models.types import utcnow
from app.security import new_token
from app.senders.cli import create_sender
from app.web.cli_text import cli_language
from app.web.cli_text import gettext as _
from notices import s10
from notices.outcomes import Outcome
from notices.sms import QuietHours, held_text, quiet_hours_end

DEMO_SENDER = "Sąd Rejonowy dla Warszawy-Mokotowa (demo)"
DATA = Path(__file__).parent / "data"
# Where the demo carrier's scans were made: at the first address, and at the depot for the second
# (so the record and /staff/carriers show an "at the depot" attempt).
DEMO_SCANS = {10_000_001: (52.20468, 21.02276), 10_000_002: (52.23565, 21.00815)}
DEMO_CARRIER = "Anna Nowak (demo)"


def _fresh_sender_key(sender: Sender) -> str:
    token = new_token("sk")
    db.session.add(ApiKey(sender_id=sender.id, name=f"demo {utcnow():%Y-%m-%d %H:%M}",
                          prefix=token.prefix, key_hash=token.digest))
    return token.token


def _fresh_device_token(carrier: Carrier) -> str:
    token = new_token("dt")
    db.session.add(Device(carrier_id=carrier.id, label=f"demo {utcnow():%Y-%m-%d %H:%M}",
                          token_prefix=token.prefix, token_hash=token.digest))
    return token.token


DEMO_USERS = (("staff@awizo.demo", "staff"), ("admin@sad.demo", "sender_admin"))


def _demo_login(email: str, role: str, sender: Sender | None) -> str:
    """A demo account with a fresh password each run (passwords are stored only hashed)."""
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        return accounts.create_user(db.session, email, role, sender, name=email.split("@")[0])[1]
    password = secrets.token_urlsafe(12)
    user.password_hash = accounts.hash_password(password)
    db.session.commit()
    return password


def seed_demo() -> dict:
    """Create (once) a demo sender, carrier and items; hand out fresh credentials each run."""
    sender = db.session.scalar(sa.select(Sender).where(Sender.name == DEMO_SENDER))
    if sender is None:
        sender, api_key = create_sender(DEMO_SENDER, "demo")
    else:
        api_key = _fresh_sender_key(sender)
    carrier = db.session.scalar(sa.select(Carrier).where(Carrier.name == DEMO_CARRIER))
    if carrier is None:
        carrier, device_token = create_carrier(DEMO_CARRIER)
    else:
        device_token = _fresh_device_token(carrier)
    db.session.commit()

    now = utcnow()
    _demo_address_points(now)
    people = [
        ("Jan Kowalski", "ul. Puławska 17 m. 4", "02-515", "+48601234567", "jan.kowalski@example.com", "pl"),
        ("Maria Wiśniewska", "ul. Wołoska 12", "02-675", "+48602345678", "maria@example.com", "pl"),
        ("John Smith", "ul. Domaniewska 39", "02-672", None, "john.smith@example.com", "en"),
    ]
    numbers = []
    for serial, (name, line1, postal, phone, email, lang) in enumerate(people, start=10_000_001):
        number = s10.make("RR", serial, "PL")
        numbers.append(number)
        if db.session.scalar(sa.select(Item.id).where(Item.tracking_number == number)):
            continue
        register_item(db.session, sender, NewItem(
            tracking_number=number, service="pl_official_letter", sender_reference=f"I C {serial % 1000}/26",
            recipient_name=name, address_line1=line1, address_line2=None, postal_code=postal,
            city="Warszawa", country="PL", phone=phone, email=email, language=lang,
        ), now=now - timedelta(days=1))
        if serial != 10_000_003:
            device = db.session.scalars(sa.select(Device).where(Device.carrier_id == carrier.id)).one()
            scanned_at = now - timedelta(hours=2) + timedelta(minutes=20 * (serial - 10_000_001))
            record_attempt(db.session, device, ScanInput(
                tracking_number=number, outcome=Outcome.NOTICE_LEFT, occurred_at=scanned_at,
                latitude=DEMO_SCANS[serial][0], longitude=DEMO_SCANS[serial][1], accuracy_m=9.0,
            ), f"demo-{number}", now=now, base_url=current_app.config["PUBLIC_BASE_URL"],
                tz=current_app.config["OPERATOR_TIMEZONE"], secret=current_app.config["SECRET_KEY"],
                check_config=current_app.config)
    items = db.session.scalars(sa.select(Item).where(Item.tracking_number.in_(numbers))).all()
    case_url = _demo_case(items[0] if items else None, now)
    logins = {email: _demo_login(email, role, sender if role != "staff" else None) for email, role in DEMO_USERS}
    _, code = enrolments.create_enrolment(db.session, carrier.id, "demo phone", created_by="demo", now=now)
    return {"api_key": api_key, "device_token": device_token, "logins": logins,
            "enrol_url": f"{current_app.config['PUBLIC_BASE_URL']}/h/enrol#code={code}",
            "case_url": case_url,
            "verify_urls": {i.tracking_number: f"{current_app.config['PUBLIC_BASE_URL']}/v/{i.verify_token}" for i in items}}


def quiet_hours_notice(config, now: datetime) -> str | None:
    """The line ``make run`` prints when the default SMS quiet hours hold alerts at ``now``.

    Without it a demo started at night shows alerts that never go out, with no reason given.
    """
    zone = config.get("OPERATOR_TIMEZONE") or "Europe/Warsaw"
    spec = config.get("SMS_QUIET_HOURS") or "21:00-08:00"
    until = quiet_hours_end(now, QuietHours.parse(spec, zone))
    if until is None:
        return None
    at = until.astimezone(ZoneInfo(zone)).strftime("%H:%M")
    return _("Teraz trwają godziny ciszy (%(spec)s, %(zone)s): SMS czekają do %(at)s, e-maile wychodzą od razu. "
             "Skrzynka deweloperska pokazuje taki SMS jako \"%(held)s\". "
             "Ustaw SMS_QUIET_HOURS=off, aby wysyłać SMS o każdej porze.",
             spec=spec, zone=zone, at=at, held=held_text(until, zone)[cli_language()])
def _demo_address_points(now) -> None:
    """The sample address-point files (PRG layout and plain CSV), the pickup-point register, and the
    depot on the map."""
    for name in ("address_points_prg.csv", "address_points.csv"):
        addresses.import_points(db.session, (DATA / name).read_bytes(), now=now)
    pickup_points.import_file(db.session, (DATA / "pickup_points.csv").read_bytes(), now=now)
    depot = db.session.scalar(sa.select(PickupPoint).where(PickupPoint.code == current_app.config["DEFAULT_PICKUP_POINT_CODE"]))
    if depot is not None and depot.latitude is None and depot.code == "WAW-01":
        depot.latitude, depot.longitude = 52.2356, 21.0081  # ul. Świętokrzyska 31/33
        db.session.commit()
def _demo_case(item: Item | None, now) -> str | None:
    """One open complaint, so the staff queue and the case page have something to show."""
    if item is None:
        return None
    settings = CaseSettings.from_app(current_app)
    case = db.session.scalar(sa.select(Case).where(Case.item_id == item.id))
    if case is None:
        case, _ = file_case(db.session, item, NewCase(
            kind="was_home", message="Byłem w domu cały dzień, nikt nie dzwonił, awizo nie było w skrzynce.",
            channel="email", address=item.recipient_email or "demo@example.com", filed_from="record"), settings, now=now)
    return case_url(settings.base_url, settings.secret, case)


@click.command("demo", help=_("Utwórz dane demonstracyjne i wypisz świeże dane dostępowe do wypróbowania API."))
def demo_command() -> None:
    """Create demo data and print fresh credentials to try the API with."""
    info = seed_demo()
    base = current_app.config["PUBLIC_BASE_URL"]
    click.echo(_("Klucz API nadawcy demo: %(key)s", key=info["api_key"]))
    click.echo(_("Token urządzenia przewoźnika demo: %(token)s", token=info["device_token"]))
    for email, password in info["logins"].items():
        click.echo(_("Zaloguj się na %(url)s jako %(email)s hasłem %(password)s", url=base + "/login", email=email,
                     password=password))
    click.echo(_("Urządzenie doręczyciela: otwórz %(url)s (jednorazowy link rejestracji, 30 minut)",
                 url=info["enrol_url"]))
    for number, url in info["verify_urls"].items():
        click.echo(_("Przesyłka %(number)s: %(url)s", number=number, url=url))
    if info.get("case_url"):
        click.echo(_("Reklamacja (strona sprawy): %(url)s", url=info["case_url"]))
    click.echo(_("Wypróbuj:") + f" curl -H 'Authorization: Bearer {info['api_key']}' {base}/api/v1/items/{next(iter(info['verify_urls']))}")
    notice = quiet_hours_notice(current_app.config, utcnow())
    if notice:
        click.echo(notice)
