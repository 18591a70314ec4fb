"""A short run of the proof benchmark: the harness works and writes every figure with its floor
(correctness of the harness, not timing: no figure is compared with a goal here)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_proof_benchmark_writes_figures_floors_and_ratios(tmp_path):
    out = tmp_path / "proofs.json"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SECRET_KEY": "bench"}
    run = subprocess.run([sys.executable, "-m", "bench", "proofs", "--json", str(out),
                          "--proofs", "2", "--log-size", "0"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    results = {r["name"]: r for r in json.loads(out.read_text())["results"]}
    assert set(results) >= {"unsigned_proof_cpu", "tsa_round_trip_wall", "signed_timestamped_b_t_cpu",
                            "signed_timestamped_b_lta_cpu", "archive_timestamp_later_cpu", "second_download_wall"}
    for r in results.values():
        assert r["figure"] > 0 and r["floor"] > 0 and r["ratio"] > 0, r
        assert abs(r["ratio"] * r["floor"] - r["figure"]) <= 0.02 + 0.01 * r["figure"], r
    assert results["signed_timestamped_b_lta_cpu"]["tsa_requests"] == 2
