"""Checks tests: delivery hours around the clock unless a test sets them, and a depot with a position."""
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import PickupPoint

DEPOT = (52.2356, 21.0081)  # the demo pickup point WAW-01, ul. Świętokrzyska 31/33


@pytest.fixture
def app_config(app_config):
    return {**app_config, "DELIVERY_HOURS": "00:00-23:59:59", "PASSWORD_HASH_CHEAP": True}


@pytest.fixture
def depot(app, api):
    """The carrier's default pickup point, placed on the map."""
    with app.app_context():
        point = db.session.scalar(sa.select(PickupPoint).where(PickupPoint.code == app.config["DEFAULT_PICKUP_POINT_CODE"]))
        point.latitude, point.longitude = DEPOT
        db.session.commit()
        return point.code
