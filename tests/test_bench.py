"""Each benchmark still runs: `make bench`'s runner drives it at its smallest size.

Speed is not judged here (bench/ does that, beside its ceilings); what is checked is
that every benchmark finishes, finds its own work right (exit 0) and keeps its
figures with the command that reproduces them. The figures go to a file of the
test's own, never to bench/results.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# On SQLite only: the PostgreSQL half of each runs the same code on another driver,
# and the suite has its own PostgreSQL tests; this keeps the smoke run short.
CASES = [
    "intake",
    "pipeline",
    "worker",
    "scheduler",
    "reports",
    "admin",
    "shopify_actions",
    "webvitals",
]


@pytest.mark.slow
@pytest.mark.parametrize("benchmark", CASES)
def test_each_benchmark_runs_at_a_tiny_size_and_keeps_its_figures(tmp_path, benchmark):
    if benchmark == "intake" and not any(
        (Path(folder) / "wrk").exists() for folder in os.environ["PATH"].split(os.pathsep)
    ):
        pytest.skip("the intake benchmark loads the server with wrk: apt-get install wrk")
    if benchmark == "webvitals" and not (ROOT / "bench" / "node_modules" / "lighthouse").is_dir():
        pytest.skip("Lighthouse is installed by make bench (npm ci --prefix bench), not make test")
    results = tmp_path / "results.json"  # outside the repository, as an operator may keep it
    env = os.environ | {"AMENDS_BENCH_RESULTS": str(results)}  # and the suite's PostgreSQL
    command = [sys.executable, "bench/run.py", "--tiny", "--no-postgres", "--only", benchmark]

    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=280)
    kept = json.loads(results.read_text()) if results.exists() else {}
    table = (tmp_path / "results.md").read_text() if done.returncode == 0 else ""

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"bench/{benchmark}.py" in kept[benchmark]["command"]
    assert kept[benchmark]["results"]
    assert "not measured yet" not in done.stdout
    assert f"| {benchmark} |" in table
