"""The Minecraft world benchmark runs end to end and reports its figures (speed is not asserted)."""

import json
import os
import subprocess
import sys

from tests.conftest import REPO


def test_benchmark_reports_worldgen_and_step_rate():
    done = subprocess.run([sys.executable, "benchmarks/minecraft_sim.py", "--steps", "500", "--json"], cwd=REPO,
                          capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["primitive_steps_per_s"] > 0 and figures["worldgen_s"] > 0 and figures["chunks"] == 81
    assert 2.5 < figures["diamond_ore_per_chunk"] < 5.0 < figures["iron_ore_per_chunk"] < figures["coal_ore_per_chunk"]
