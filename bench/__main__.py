"""Run the benchmarks: ``python -m bench [NAME ...] [--json FILE] [--smoke] [OPTIONS]`` (all when none
named); other options go to each benchmark named.

Each one prints its figures beside a floor it measures in the same run, the ratio and the goal;
``--json FILE`` writes them as JSON (with several benchmarks, one file each: FILE with the
benchmark's name before the extension). ``--smoke`` runs every one at a tiny size: it checks
that the harness still works (CI runs it), not the speed. Run one alone with its own options
via ``python -m bench.<name> --help``.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

BENCHMARKS = {
    "scans": "POST /api/v1/scans through gunicorn on PostgreSQL vs a raw-INSERT endpoint",
    "beside_import": "one handheld's scans while a CSV import saves vs the same scans alone",
    "proofs": "signed, time-stamped proofs vs the same PDF unsigned; log append/proofs at 1M entries",
    "sweep": "lifecycle sweep over 1M items with 10k due vs an indexed SELECT, with query plans",
    "csv_import": "bulk CSV registration of 50,000 rows",
    "outbox": "the worker's e-mail dispatch vs a local SMTP sink on one connection",
    "sms": "the worker's SMS dispatch vs the twilio SDK against the Twilio-compatible server, and the pace",
}
# Benchmarks that take --json/--smoke themselves; for the others, the smoke size as options.
OWN_OPTIONS = {"scans", "beside_import", "sweep", "outbox", "csv_import", "sms"}
SMOKE = {"proofs": ["--proofs", "2", "--log-size", "1000"]}
TAKES_JSON = {"proofs"}  # takes --json but sizes its smoke run from options
DEFAULTS: dict[str, list[str]] = {}


def _json_path(base: str, name: str, several: bool) -> str:
    if not several:
        return base
    path = Path(base)
    return str(path.with_name(f"{path.stem}.{name}{path.suffix or '.json'}"))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", metavar="NAME", help=", ".join(BENCHMARKS))
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--smoke", action="store_true")
    args, extra = parser.parse_known_args(argv)  # other options go to each benchmark named
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from: {', '.join(BENCHMARKS)}")
        return 2
    names = args.names or list(BENCHMARKS)
    failed = 0
    for name in names:
        print(f"\n== {name}: {BENCHMARKS[name]}", flush=True)
        options: list[str] = []
        if name in OWN_OPTIONS:
            options += ["--smoke"] if args.smoke else []
            options += ["--json", _json_path(args.json, name, len(names) > 1)] if args.json else []
        else:
            options += SMOKE.get(name, []) if args.smoke else DEFAULTS.get(name, [])
            if args.json and name in TAKES_JSON:
                options += ["--json", _json_path(args.json, name, len(names) > 1)]
        failed |= subprocess.run([sys.executable, "-m", f"bench.{name}", *options, *extra], check=False).returncode != 0
    return failed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
