"""Prometheus counters shared by the web, worker and scheduler processes.

Counters live here (a module that imports nothing of the application) so every area can count
what it does. With ``PROMETHEUS_MULTIPROC_DIR`` set (gunicorn with several workers, see
``gunicorn.conf.py``) prometheus_client keeps them in files there and ``/metrics`` adds up all
processes; without it each process counts for itself. Gauges that describe the database
(outbox by state, oldest queued message, sweep lag) are read at scrape time instead, see
:mod:`app.web.health`.
"""
from __future__ import annotations

from prometheus_client import Counter

OUTBOX_SENDS = Counter("awizo_outbox_sends_total", "Provider calls made by the outbox worker",
                       ["channel", "provider", "outcome"])
SCANS = Counter("awizo_scans_total", "Handheld scans received, by result", ["outcome"])
WORKER_ERRORS = Counter("awizo_worker_errors_total", "Errors the worker and scheduler recovered from",
                        ["process", "kind"])
