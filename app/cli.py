"""Operator commands: ``flask senders create``, ``flask carriers create``."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.models import ApiKey, Carrier, Device, PickupPoint, Sender
from app.security import new_token

senders_cli = AppGroup("senders", help="Manage sender organisations.")
carriers_cli = AppGroup("carriers", help="Manage carriers and their devices.")


def create_sender(name: str, key_name: str = "default") -> tuple[Sender, str]:
    """Create a sender with one API key; returns the key, which is never stored in clear."""
    sender = Sender(name=name)
    token = new_token("sk")
    sender.api_keys.append(ApiKey(name=key_name, prefix=token.prefix, key_hash=token.digest))
    db.session.add(sender)
    db.session.commit()
    return sender, token.token


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
            raise click.BadParameter(f"no pickup point with code {pickup_code}", param_hint="--pickup-point")
    else:
        point = default_pickup_point()
    carrier = Carrier(name=name, default_pickup_point=point)
    token = new_token("dt")
    carrier.devices.append(Device(label=device_label, token_prefix=token.prefix, token_hash=token.digest))
    db.session.add(carrier)
    db.session.commit()
    return carrier, token.token


@senders_cli.command("create")
@click.argument("name")
@click.option("--key-name", default="default", help="A name for the API key.")
def senders_create(name: str, key_name: str) -> None:
    """Create a sender organisation and print its new API key (shown only once)."""
    if db.session.scalar(sa.select(Sender.id).where(Sender.name == name)):
        raise click.ClickException(f"a sender named {name!r} already exists")
    sender, key = create_sender(name, key_name)
    click.echo(f"Created sender #{sender.id} {sender.name}. API key (shown once, store it now):")
    click.echo(key)


@carriers_cli.command("create")
@click.argument("name")
@click.option("--pickup-point", "pickup_code", help="Code of the carrier's default pickup point.")
@click.option("--device-label", default="handheld", help="A label for the first device.")
def carriers_create(name: str, pickup_code: str | None, device_label: str) -> None:
    """Create a carrier with a device and print the device token (shown only once)."""
    carrier, token = create_carrier(name, pickup_code, device_label)
    click.echo(f"Created carrier #{carrier.id} {carrier.name} (pickup point {carrier.default_pickup_point.code}). "
               "Device token (shown once, store it now):")
    click.echo(token)


def init_app(app) -> None:
    from app.demo import demo_command

    app.cli.add_command(demo_command)
    app.cli.add_command(senders_cli)
    app.cli.add_command(carriers_cli)
    from app.lifecycle_cli import lifecycle_cli
    from app.scheduler import scheduler_command

    app.cli.add_command(lifecycle_cli)
    app.cli.add_command(scheduler_command)
    from app.worker import worker_command
    app.cli.add_command(worker_command)
    from app.messaging_cli import messaging_cli
    app.cli.add_command(messaging_cli)
