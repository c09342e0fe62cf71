"""Traffic profiles: the Leaderboard 1.0 background by town, scaled on maps it does not list."""

import shutil
import subprocess
import sys
from dataclasses import dataclass

import pytest

from envs.errors import UserInputError
from scenarios.traffic import TOWN05_WAYPOINTS_AT_2M, traffic_for
from tests.conftest import REPO


@dataclass
class FakeSource:
    origin: str


@dataclass
class FakeMap:
    name: str
    origin: str
    waypoints: list

    @property
    def source(self):
        return FakeSource(self.origin)


@pytest.mark.parametrize("name, origin, waypoints, expected", [
    ("Town05", "file", 0, (120, 0)),
    ("Town04", "CARLA_ROOT", 0, (200, 0)),
    ("Town02", "file", 0, (100, 0)),
    ("Town05", "procedural", TOWN05_WAYPOINTS_AT_2M // 2, (60, 0)),  # the built-in town: scaled by its lanes
    ("MyTown", "file", 2 * TOWN05_WAYPOINTS_AT_2M, (240, 0)),
])
def test_lb1_traffic_by_town(name, origin, waypoints, expected):
    assert traffic_for("lb1", FakeMap(name, origin, [None] * waypoints)) == expected


def test_town05s_own_lanes_give_it_120(town05_map):
    assert len(town05_map.waypoints) == TOWN05_WAYPOINTS_AT_2M
    assert traffic_for("lb1", town05_map) == (120, 0)


def test_the_light_profile_and_a_wrong_one():
    assert traffic_for("light", FakeMap("Town05", "file", [])) == (60, 40)
    with pytest.raises(UserInputError, match="--traffic rush: profiles are lb1, light"):
        traffic_for("rush", FakeMap("Town05", "file", []))


def test_an_xodr_file_is_named_after_itself(procedural_map, tmp_path):
    """`--xodr OTHER.xodr` is the map OTHER, not the --town default."""
    other = tmp_path / "OTHER.xodr"
    shutil.copy(procedural_map.source.xodr_path, other)
    run = subprocess.run([sys.executable, "-m", "agents.drive", "--xodr", str(other), "--max-time", "0.5", "--json",
                          "--fresh", "--checkpoint", str(tmp_path / "c.sqlite")],
                         capture_output=True, text=True, timeout=300, cwd=REPO)
    assert run.returncode == 0, run.stderr
    assert f"map: OTHER: OpenDRIVE {other}" in " ".join(run.stderr.split())
    assert '"map": "OTHER"' in run.stdout
    assert "no scenario file for OTHER" in " ".join(run.stderr.split())
