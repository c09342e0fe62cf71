"""`python -m agents.autopilot` answers bad input with one clear line and exit code 2."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO


def run_cli(*args: str, timeout: float = 240.0) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "agents.autopilot", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})


def assert_user_error(done: subprocess.CompletedProcess, *fragments: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if "error" in line]
    assert len(errors) == 1, done.stderr
    for fragment in fragments:
        assert fragment in errors[0]


def test_missing_xodr(tmp_path):
    missing = tmp_path / "nowhere.xodr"
    assert_user_error(run_cli("--xodr", str(missing)), str(missing), "file not found")


def test_malformed_xodr(tmp_path):
    path = tmp_path / "broken.xodr"
    path.write_text("<OpenDRIVE><road id=")
    assert_user_error(run_cli("--xodr", str(path)), str(path), "not valid XML")


def test_unknown_town():
    assert_user_error(run_cli("--town", "Town99"), "unknown town 'Town99'", "--xodr")


def test_malformed_route_file(tmp_path):
    path = tmp_path / "routes.xml"
    path.write_text("<routes><route id='1'><waypoint x='1'/></route></routes>")
    assert_user_error(run_cli("--routes", str(path)), str(path), "at least 2 are needed")


def test_unknown_route_id_lists_routes(town05_xodr, town05_long_routes):
    done = run_cli("--xodr", str(town05_xodr), "--routes", str(town05_long_routes), "--route", "7")
    assert_user_error(done, "no route '7'", "available: 16, 17, 18")


def test_route_that_cannot_be_matched_to_lanes(tmp_path):
    path = tmp_path / "routes.xml"
    path.write_text('<routes><route id="far" town="Town05"><waypoint x="50" y="-50" z="0"/>'
                    '<waypoint x="150" y="-50" z="0"/></route></routes>')
    assert_user_error(run_cli("--routes", str(path)), "route far: point 0", "from any driving lane")


def test_unknown_flag_is_a_usage_error():
    done = run_cli("--warp-speed")
    assert done.returncode == 2 and "unrecognized arguments: --warp-speed" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_drives_a_procedural_route_and_prints_json():
    done = run_cli("--town", "Town05", "--max-time", "3", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["map"] == "Town05" and result["ticks"] == 60
    assert 0.0 < result["route_completion"] < 10.0
    assert result["driving_score"] == pytest.approx(result["route_completion"] * result["infraction_penalty"])
    assert "built-in procedural town" in done.stderr


@pytest.mark.parametrize("args, fragment", [
    (["--vehicles", "-5"], "argument --vehicles: -5: expected 0..2000"),
    (["--max-time", "nan"], "argument --max-time: nan: expected a finite number above 0"),
    (["--seed", "1e20"], "argument --seed: '1e20' is not an integer"),
])
def test_numbers_out_of_range(args, fragment):
    assert_user_error(run_cli(*args), fragment)
