"""benchmarks/planner.py runs the three modes end to end and reports every figure (speed is not
asserted)."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO


@pytest.mark.slow
def test_planner_benchmark_reports_all_figures(tiny_internvl, tmp_path):
    done = subprocess.run([sys.executable, "benchmarks/planner.py", "--model", str(tiny_internvl), "--decisions", "8",
                           "--episodes", "2", "--out", str(tmp_path), "--json"], cwd=REPO, capture_output=True,
                          text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    for mode in ("in_process", "ray", "server"):
        assert figures[f"decisions_per_s_{mode}"] > 0
        assert 0 < figures[f"latency_p50_s_{mode}"] <= figures[f"latency_p95_s_{mode}"]
        assert sum(figures[f"statuses_{mode}"].values()) == 8
        assert "fallback" not in figures[f"statuses_{mode}"]
    assert figures["mean_batch_ray"] >= 1.0 and figures["device"] == "cpu"
    assert (tmp_path / "report.html").read_text().count("data:image/png;base64,") == 1


def test_bad_arguments_exit_2():
    done = subprocess.run([sys.executable, "benchmarks/planner.py", "--episodes", "0"], cwd=REPO, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 2 and "--episodes must be at least 1" in done.stderr
