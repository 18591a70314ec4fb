"""A sweeping worker in its own process, for the multi-worker and crash tests.

    python -m tests.lifecycle.sweeper DATABASE_URL NOW_ISO [--batch N] [--slow SECONDS] [--shared]

Prints the sweep's result as JSON. ``--slow`` makes every recorded event take that long (so
another process can run at the same time, or the process can be killed mid-batch).
"""
from __future__ import annotations

import argparse
import json
import time
from datetime import datetime

from app import create_app, events
from app.extensions import db
from app.lifecycle import sweep as lifecycle_sweep


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("now")
    parser.add_argument("--batch", type=int, default=5)
    parser.add_argument("--slow", type=float, default=0.0)
    parser.add_argument("--shared", action="store_true", help="do not take the advisory lock")
    args = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.url, "TESTING": True, "SECRET_KEY": "x",
                      "PUBLIC_BASE_URL": "http://awizo.test"})
    if args.slow:
        events.add_listener(app, lambda session, item, event: time.sleep(args.slow))
    with app.app_context():
        result = lifecycle_sweep.sweep(db.session, now=datetime.fromisoformat(args.now), tz="Europe/Warsaw",
                                 base_url="http://awizo.test", secret=app.config["SECRET_KEY"],
                                 batch_size=args.batch, exclusive=not args.shared)
        print(json.dumps({"actions": dict(result.actions), "batches": result.batches,
                          "locked_out": result.locked_out}), flush=True)


if __name__ == "__main__":
    main()
