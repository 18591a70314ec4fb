"""Pickup-point register tests: a small register in Gdańsk and Warsaw, written as the CSV staff load."""
import pytest

from app.accounts import service as accounts
from app.extensions import db
from tests.lifecycle.conftest import Lifecycle

PASSWORD = "correct horse battery staple"

REGISTER_CSV = """code,name,address,lat,lon,mon,tue,wed,thu,fri,sat,sun,holidays_closed
gda-01,UP Gdańsk 1,"ul. Długa 22/28, 80-801 Gdańsk",54.3489,18.6530,08:00-20:00,08:00-20:00,08:00-20:00,08:00-20:00,08:00-20:00,09:00-14:00,,yes
GDA-05,UP Gdańsk 5 Wrzeszcz,"ul. Grunwaldzka 1, 80-236 Gdańsk",54.3808,18.6048,07:00-21:00,07:00-21:00,07:00-21:00,07:00-21:00,07:00-21:00,07:00-21:00,10:00-16:00,no
WAW-07,UP Warszawa 7,"ul. Nowogrodzka 45, 00-695 Warszawa",52.2282,21.0038,08:00-20:00,08:00-20:00,08:00-20:00,08:00-20:00,08:00-20:00,,,yes
"""

GDANSK_HOME = (54.3500, 18.6520)  # 150 m from GDA-01, 4 km from GDA-05


@pytest.fixture
def app_config(app_config):
    return {**app_config, "DELIVERY_HOURS": "00:00-23:59:59", "PASSWORD_HASH_CHEAP": True}


@pytest.fixture
def register_file(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(REGISTER_CSV, encoding="utf-8")
    return path


@pytest.fixture
def loaded(runner, register_file):
    result = runner.invoke(args=["pickup-points", "import", str(register_file)])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def staff_user(app):
    with app.app_context():
        accounts.create_user(db.session, "staff@operator.example.com", "staff", None, password=PASSWORD)
    return "staff@operator.example.com"


@pytest.fixture
def lc(app):
    return Lifecycle(app)
