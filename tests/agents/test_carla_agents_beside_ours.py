"""CARLA's PythonAPI `agents` package and ours, both importable (the Leaderboard runner needs
`agents.navigation`), with the project first on sys.path."""

import subprocess
import sys

from tests.conftest import REPO


def test_carlas_agents_navigation_imports_beside_our_agents(tmp_path):
    carla_api = tmp_path / "PythonAPI" / "carla"
    navigation = carla_api / "agents" / "navigation"
    navigation.mkdir(parents=True)
    (carla_api / "agents" / "__init__.py").write_text("")
    (navigation / "__init__.py").write_text("")
    (navigation / "local_planner.py").write_text("from enum import IntEnum\n\n\n"
                                                 "class RoadOption(IntEnum):\n    LANEFOLLOW = 4\n")
    code = ("from agents.navigation.local_planner import RoadOption; import agents.drive.runner; "
            "import agents.leaderboard_agent; print(RoadOption.LANEFOLLOW.value)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path,
                         env={"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{REPO}:{carla_api}"})
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "4"
