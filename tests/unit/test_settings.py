"""Settings come from the environment once, typed, and a wrong value names its variable."""
import pytest

from app import create_app, settings


def test_defaults_need_no_environment(tmp_path):
    loaded = settings.load({})
    assert loaded.SMTP_PORT == 25 and loaded.OPERATOR_TIMEZONE == "Europe/Warsaw"
    assert loaded.WEBHOOK_ALLOW_PRIVATE_NETWORKS is False
    config = loaded.flask_config(str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'awizo.sqlite3'}"
    assert len(config["SECRET_KEY"]) == 64  # a development key kept under instance/


@pytest.mark.parametrize(("variable", "value"), [
    ("SMTP_PORT", "twenty-five"),
    ("SMTP_PORT", "70000"),
    ("OPERATOR_TIMEZONE", "Europe/Warszawa"),
    ("SMS_QUIET_HOURS", "21-8"),
    ("DELIVERY_HOURS", "off"),
    ("DELIVERY_HOURS", "20:00-08:00"),
    ("PUBLIC_BASE_URL", "awizo.example"),
    ("WEBHOOK_ALLOW_PRIVATE_NETWORKS", "perhaps"),
    ("OUTBOX_POLL_SECONDS", "0"),
])
def test_a_wrong_value_stops_start_up_naming_the_variable(variable, value):
    with pytest.raises(settings.SettingsError) as error:
        settings.load({variable: value})
    assert variable in str(error.value)


def test_values_are_typed_and_empty_means_unset():
    loaded = settings.load({"SMTP_PORT": "2525", "SMTP_STARTTLS": "yes", "WEBHOOK_ALLOW_PRIVATE_NETWORKS": "1",
                            "SMS_RATE_PER_SECOND": "", "DATABASE_URL": "postgres://u@db/awizo"})
    assert loaded.SMTP_PORT == 2525 and loaded.SMTP_STARTTLS is True
    assert loaded.WEBHOOK_ALLOW_PRIVATE_NETWORKS is True and loaded.SMS_RATE_PER_SECOND == 1.0
    assert loaded.flask_config(".")["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/awizo"


def test_the_app_refuses_to_start_with_a_bad_environment(monkeypatch):
    monkeypatch.setenv("SMTP_PORT", "abc")
    with pytest.raises(settings.SettingsError, match="SMTP_PORT"):
        create_app({"TESTING": True})


def test_the_app_reads_webhook_private_networks_from_the_environment(monkeypatch, app_config):
    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE_NETWORKS", "true")
    app = create_app(app_config)
    assert app.config["WEBHOOK_ALLOW_PRIVATE_NETWORKS"] is True
    assert settings.get(app).WEBHOOK_ALLOW_PRIVATE_NETWORKS is True
