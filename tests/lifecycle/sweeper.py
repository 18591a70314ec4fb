"""A sweeping worker in its own process, for the multi-worker and crash tests.

    python -m tests.lifecycle.sweeper DATABASE_URL NOW_ISO [--batch N] [--slow SECONDS] [--shared]
                                      [--barrier DIR --parties N] [--connections N]

Prints the sweep's result as JSON. ``--slow`` makes every recorded event take that long (so
another process can run at the same time, or the process can be killed mid-batch). ``--barrier``
makes it wait, once started, until ``--parties`` processes are ready, so that they really sweep
at the same time however long each took to start.
"""
from __future__ import annotations

import argparse
import json
import os
import time
from datetime import datetime
from pathlib import Path

from app import create_app, events
from app.extensions import db
from app.lifecycle import sweep as lifecycle_sweep


def _meet(directory: Path, parties: int, timeout_s: float = 120) -> None:
    (directory / f"ready-{os.getpid()}").touch()
    deadline = time.monotonic() + timeout_s
    while len(list(directory.glob("ready-*"))) < parties:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {len(list(directory.glob('ready-*')))} of {parties} sweepers started")
        time.sleep(0.01)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("now")
    parser.add_argument("--batch", type=int, default=5)
    parser.add_argument("--slow", type=float, default=0.0)
    parser.add_argument("--shared", action="store_true", help="do not take the advisory lock")
    parser.add_argument("--barrier", type=Path, help="a directory where the processes meet before sweeping")
    parser.add_argument("--parties", type=int, default=2)
    parser.add_argument("--connections", type=int, default=1, help="connections the sweep takes batches on")
    args = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.url, "TESTING": True, "SECRET_KEY": "x",
                      "PUBLIC_BASE_URL": "http://awizo.test"})
    if args.slow:
        events.add_listener(app, lambda session, item, event: time.sleep(args.slow))
    if args.barrier:
        _meet(args.barrier, args.parties)
    with app.app_context():
        result = lifecycle_sweep.sweep(db.session, now=datetime.fromisoformat(args.now), tz="Europe/Warsaw",
                                 base_url="http://awizo.test", secret=app.config["SECRET_KEY"],
                                 batch_size=args.batch, exclusive=not args.shared, connections=args.connections)
        print(json.dumps({"actions": dict(result.actions), "batches": result.batches,
                          "locked_out": result.locked_out}), flush=True)


if __name__ == "__main__":
    main()
