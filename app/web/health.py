"""Process health for load balancers and monitoring: ``/healthz``, ``/readyz`` and ``/metrics``.

- ``/healthz``: the process answers (no database involved), 200.
- ``/readyz``: the database answers a ``SELECT 1``; 503 problem+json with ``Retry-After`` if not.
- ``/metrics``: Prometheus text. Counters from :mod:`app.metrics` (all gunicorn workers and the
  outbox worker added up when ``PROMETHEUS_MULTIPROC_DIR`` is set), and gauges read from the
  database at scrape time: outbox messages by channel and status, the age of the oldest due
  queued message, and the lifecycle sweep's lag (how long the oldest due step has waited).
  With ``METRICS_TOKEN`` set, a ``Bearer`` token is required.
"""
from __future__ import annotations

import hmac
import os

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, jsonify, request
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from app.extensions import db
from app.models import OutboxMessage
from app.models.lifecycle import ItemLifecycle
from app.models.types import utcnow
from app.web.problems import problem

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.DBAPIError as exc:
        db.session.rollback()
        return problem(503, "Service unavailable", f"The database is not reachable ({exc.__class__.__name__}).",
                       "service-unavailable", headers={"Retry-After": "5"})
    return jsonify(status="ready", database="ok")


class DatabaseGauges:
    """Gauges computed from the database when Prometheus scrapes."""

    def collect(self):
        now = utcnow()
        by_state = GaugeMetricFamily("awizo_outbox_messages", "Outbox messages by channel and status",
                                     labels=["channel", "status"])
        rows = db.session.execute(sa.select(OutboxMessage.channel, OutboxMessage.status, sa.func.count())
                                  .group_by(OutboxMessage.channel, OutboxMessage.status)).all()
        for channel, status, count in rows:
            by_state.add_metric([channel, status], count)
        yield by_state
        oldest = db.session.scalar(sa.select(sa.func.min(OutboxMessage.next_attempt_at))
                                   .where(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now))
        yield GaugeMetricFamily("awizo_outbox_oldest_queued_age_seconds",
                                "How long the oldest due queued message has waited",
                                value=(now - oldest).total_seconds() if oldest else 0.0)
        due = db.session.scalar(sa.select(sa.func.min(ItemLifecycle.next_action_at))
                                .where(ItemLifecycle.next_action_at <= now))
        yield GaugeMetricFamily("awizo_lifecycle_sweep_lag_seconds",
                                "How long the oldest due lifecycle step has waited for the sweep",
                                value=(now - due).total_seconds() if due else 0.0)


@bp.get("/metrics")
def metrics():
    token = current_app.config.get("METRICS_TOKEN")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and not hmac.compare_digest(given.encode(), token.encode()):
        return Response("metrics need the METRICS_TOKEN bearer token\n", 401, mimetype="text/plain",
                        headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counters = CollectorRegistry()
        multiprocess.MultiProcessCollector(counters)
    else:
        counters = REGISTRY
    gauges = CollectorRegistry(auto_describe=False)
    gauges.register(DatabaseGauges())
    body = generate_latest(counters) + generate_latest(gauges)
    return Response(body, mimetype=CONTENT_TYPE_LATEST)
