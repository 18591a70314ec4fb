"""gunicorn settings read from the working directory (the Procfile's ``web`` process).

Prometheus counters of several gunicorn workers (and of the outbox worker, given the same
``PROMETHEUS_MULTIPROC_DIR``) are added up by ``/metrics`` through prometheus_client's
multiprocess mode. Set ``PROMETHEUS_MULTIPROC_DIR`` to a directory all of them can write; it
is emptied when gunicorn starts, and a worker's files are marked dead when it exits.
"""
import os
import shutil


def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
