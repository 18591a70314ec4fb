"""Run the benchmarks: ``python -m bench [scans proofs sweep csv_import]`` (all when none named);
``python -m bench NAME --json [FILE]`` also writes that benchmark's figures as JSON (options after
the names go to each benchmark named).

Each one prints its figures as ratios against a baseline it measures in the same run; run one
alone with its own options via ``python -m bench.<name> --help``.
"""
from __future__ import annotations

import subprocess
import sys

BENCHMARKS = {
    "scans": "POST /api/v1/scans through gunicorn on PostgreSQL vs a raw-INSERT endpoint",
    "proofs": "signed, time-stamped proofs vs the same PDF unsigned; log append/proofs at 1M entries",
    "sweep": "lifecycle sweep over 1M items with 10k due vs an indexed SELECT, with query plans",
    "csv_import": "bulk CSV registration of 20,000 rows",
}


def main(argv: list[str]) -> int:
    cut = next((i for i, arg in enumerate(argv) if arg.startswith("-")), len(argv))
    names, options = argv[:cut], argv[cut:]  # options (--json [FILE], …) go to each benchmark named
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from: {', '.join(BENCHMARKS)}")
        return 2
    failed = 0
    for name in names or list(BENCHMARKS):
        print(f"\n== {name}: {BENCHMARKS[name]}", flush=True)
        failed |= subprocess.run([sys.executable, "-m", f"bench.{name}", *options], check=False).returncode != 0
    return failed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
