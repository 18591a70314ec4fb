"""The scheduler process: ``flask --app wsgi scheduler`` runs the jobs ``create_app`` registered.

One APScheduler job per declared job (stable id, one instance at a time, missed runs
coalesced). Each run happens in a fresh app context, and a failing run is logged (one JSON line)
and retried at the next interval; after a database error the connection pool is emptied, so the
next run reconnects. Nothing a job does stops the scheduler. Correctness does not depend on there being a single scheduler: the jobs
themselves are safe to run concurrently (see :func:`app.lifecycle.sweep.sweep`).
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

import click
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.lifecycle.jobs import Job, registered_jobs
from app.metrics import WORKER_ERRORS
from app.web.cli_text import gettext as _
from app.web.cli_text import ngettext

log = logging.getLogger("awizo.scheduler")


def run_job(app, job: Job, *, reraise: bool = False):
    """Run one job body in its own app context; the session is removed afterwards.

    A failure is logged and counted; it is raised again only when ``reraise`` (``--once``).
    """
    with app.app_context():
        try:
            result = job.func()
            log.info("job %s: %s", job.id, result)
            return result
        except Exception as exc:
            database = isinstance(exc, sa.exc.DBAPIError)
            WORKER_ERRORS.labels("scheduler", "database" if database else "internal").inc()
            log.exception(json.dumps({"event": "scheduler.job_failed", "job": job.id,
                                      "error": exc.__class__.__name__}))
            try:
                db.session.rollback()
            except Exception:  # the connection is gone; disposing of the pool below is what matters
                pass
            if database:
                db.engine.dispose()
            if reraise:
                raise
            return None
        finally:
            db.session.remove()


def build_scheduler(app, blocking: bool = True):
    scheduler = (BlockingScheduler if blocking else BackgroundScheduler)(timezone=timezone.utc)
    for job in registered_jobs(app):
        scheduler.add_job(run_job, "interval", args=(app, job), id=job.id, name=job.description or job.id,
                          seconds=job.interval(app.config), max_instances=1, coalesce=True,
                          next_run_time=datetime.now(timezone.utc), misfire_grace_time=None)
    return scheduler


@click.command("scheduler", help=_("Uruchamiaj zadania okresowe (przegląd cyklu awizo, …) do zatrzymania."))
@click.option("--once", is_flag=True, help=_("Uruchom każde zadanie raz, teraz, i zakończ."))
@click.option("--list", "list_jobs", is_flag=True, help=_("Wypisz zadania i ich odstępy."))
@with_appcontext
def scheduler_command(once: bool, list_jobs: bool) -> None:
    """Run the periodic jobs (lifecycle sweep, …) until stopped."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # werkzeug's LocalProxy
    jobs = registered_jobs(app)
    if list_jobs:
        for job in jobs:
            click.echo(f"{job.id}\t" + _("co %(seconds)s s", seconds=format(job.interval(app.config), "g")) + f"\t{job.description}")
        return
    if once:
        for job in jobs:
            click.echo(f"{job.id}: {run_job(app, job, reraise=True)}")
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    click.echo(ngettext("Harmonogram uruchomiony z %(num)d zadaniem: %(jobs)s",
                        "Harmonogram uruchomiony z %(num)d zadaniami: %(jobs)s", len(jobs),
                        jobs=", ".join(j.id for j in jobs)))
    build_scheduler(app).start()
