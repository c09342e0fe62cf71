"""A plug-in module that cannot be imported is one line naming why, exit 2, on every CLI."""

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO


@pytest.mark.parametrize("source, message", [
    ("def make(:\n", "my_planner has a syntax error ("),
    ("raise RuntimeError('no GPU here')\n", "importing my_planner raised RuntimeError: no GPU here"),
    ("import nonexistent_package_xyz\n", "cannot import my_planner (No module named 'nonexistent_package_xyz')"),
])
@pytest.mark.parametrize("cli", [["agents.drive"], ["agents.minecraft", "--task", "stick"]])
def test_a_broken_plug_in_module_is_one_line(tmp_path, source, message, cli):
    (tmp_path / "my_planner.py").write_text(source)
    done = subprocess.run([sys.executable, "-m", *cli, "--planner", "my_planner:make"], cwd=REPO, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{tmp_path}"})
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
