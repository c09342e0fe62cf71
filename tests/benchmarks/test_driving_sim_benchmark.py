"""The benchmark script runs end to end and reports every figure (speed is not asserted)."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO


@pytest.mark.slow
def test_benchmark_reports_all_figures():
    done = subprocess.run([sys.executable, "benchmarks/driving_sim.py", "--ticks", "40", "--json"], cwd=REPO,
                          capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    for key in ("ticks_per_s_no_images", "ticks_per_s_bev", "ticks_per_s_bev_camera", "libsumo_ticks_per_s"):
        assert figures[key] > 0
