"""benchmarks/dcnv4.py runs end to end and reports every figure (speed is not asserted)."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO


@pytest.mark.slow
def test_dcnv4_benchmark_reports_its_figures(tmp_path):
    done = subprocess.run([sys.executable, "benchmarks/dcnv4.py", "--batch", "1", "--repeats", "2", "--out",
                           str(tmp_path), "--json"], cwd=REPO, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["device"] == "cpu"
    assert figures["forward_speedup_vs_reference"] > 0 and figures["backward_speedup_vs_reference"] > 0
    assert figures["flash_internimage_t_images_per_s_224"] > 0
    assert "data:image/png;base64," in (tmp_path / "report.html").read_text()
