"""Health, readiness and Prometheus metrics, as a load balancer and a monitoring system see them."""
from __future__ import annotations

import re


def _value(text: str, name: str, **labels) -> float:
    label_text = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    pattern = re.escape(name) + (r"\{" + re.escape(label_text) + r"\}" if labels else "") + r" ([0-9.e+-]+)"
    match = re.search(pattern, text)
    assert match, f"{name}{labels} not in the metrics"
    return float(match.group(1))


def test_healthz_and_readyz_answer_when_the_database_does(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["database"] == "ok"


def test_readyz_is_a_503_problem_with_retry_after_when_the_database_is_unreachable(app_config):
    from app import create_app

    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) > 0
    assert client_healthz(app) == 200  # the process itself is up


def client_healthz(app) -> int:
    return app.test_client().get("/healthz").status_code


def test_metrics_show_the_outbox_by_state_scans_and_sends(api, client, runner):
    number = api.register().get_json()["tracking_number"]
    before = client.get("/metrics").get_data(as_text=True)
    scans_before = _value(before, "awizo_scans_total", outcome="notice_left") if "awizo_scans_total{" in before else 0
    assert api.scan(number).status_code == 201
    text = client.get("/metrics").get_data(as_text=True)
    assert _value(text, "awizo_outbox_messages", channel="sms", status="queued") == 1
    assert _value(text, "awizo_outbox_messages", channel="email", status="queued") == 1
    assert _value(text, "awizo_outbox_oldest_queued_age_seconds") >= 0
    assert _value(text, "awizo_lifecycle_sweep_lag_seconds") == 0
    assert _value(text, "awizo_scans_total", outcome="notice_left") == scans_before + 1
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    text = client.get("/metrics").get_data(as_text=True)
    assert _value(text, "awizo_outbox_messages", channel="email", status="sent") == 1
    assert _value(text, "awizo_outbox_sends_total", channel="email", provider="dev", outcome="sent") >= 1


def test_metrics_can_require_a_token(app_config):
    from app import create_app

    app = create_app({**app_config, "METRICS_TOKEN": "s3cret"})
    client = app.test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret"}).status_code == 200
