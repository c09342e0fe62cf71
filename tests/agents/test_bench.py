"""agents.bench drive on real Ray (a local cluster of 2 workers)."""

import json
import os
import subprocess
import sys

import pytest

from envs.driving.contracts import Pose
from scenarios.routes import RouteDefinition, write_routes
from tests.conftest import REPO


def bench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "agents.bench", "drive", *args], capture_output=True, text=True,
                          timeout=600, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest.mark.slow
def test_benchmark_runs_routes_in_parallel_writes_results_and_resumes(short_routes, tmp_path):
    # two drivable routes and one that cannot be planned (its last point is off every lane)
    off_map = RouteDefinition(id="off_map", town="Town05",
                              waypoints=[short_routes[0].waypoints[0], Pose(x=50.0, y=-50.0, z=0.0)])
    routes_file = tmp_path / "routes.xml"
    write_routes(routes_file, [*short_routes, off_map])
    out = tmp_path / "bench"
    args = ["--routes", str(routes_file), "--workers", "2", "--out", str(out), "--vehicles", "10",
            "--pedestrians", "5", "--json"]
    done = bench(*args)
    assert done.returncode == 2, done.stderr  # the off-map route is the file's fault: scored 0 and said
    assert "error: 1 route(s) could not be driven as given, scored 0: off_map (route off_map: point 1" in done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["routes"] == 3 and summary["routes_total"] == 3
    assert set(summary) >= {"driving_score", "route_completion", "infraction_penalty", "infractions_per_km", "wall_s",
                            "scenarios_matched", "scenarios_triggered"}
    results = json.loads((out / "results.json").read_text())
    records = results["_checkpoint"]["records"]
    assert results["_checkpoint"]["progress"] == [3, 3]
    assert [r["route_id"] for r in records] == ["short_0", "short_1", "off_map"]
    failed = records[2]
    assert failed["scores"] == {"score_route": 0.0, "score_penalty": 1.0, "score_composed": 0.0}
    assert failed["status"].startswith("Failed - route not drivable: route off_map: point 1 (50.0, -50.0) is more "
                                       "than")
    assert {"route_id": "off_map", "status": failed["status"]} in summary["failed_routes"]
    # the crashed route counts: the mean is over all three
    assert summary["driving_score"] == pytest.approx(sum(r["scores"]["score_composed"] for r in records) / 3)
    records = records[:2]
    for record in records:
        assert record["scores"]["score_composed"] == pytest.approx(
            record["scores"]["score_route"] * record["scores"]["score_penalty"])
        assert len(record["path"]) > 5
    report = (out / "report.html").read_text()
    assert report.count("data:image/png;base64,") == 4  # the summary plots and one map per route
    again = bench(*args)
    assert again.returncode == 2 and "3 already done" in again.stderr
    assert json.loads(again.stdout.strip().splitlines()[-1])["driving_score"] == summary["driving_score"]


def test_unreachable_cluster_is_one_clear_error(short_routes_file, tmp_path):
    done = bench("--routes", str(short_routes_file), "--out", str(tmp_path), "--address", "127.0.0.1:9")
    assert done.returncode == 2 and "cannot reach a Ray cluster" in done.stderr and "Traceback" not in done.stderr


def test_ray_address_from_the_environment_is_honoured(short_routes_file, tmp_path):
    """Ray's own tools take the cluster from $RAY_ADDRESS; so do the benchmarks (no num_cpus crash)."""
    done = subprocess.run([sys.executable, "-m", "agents.bench", "drive", "--routes", str(short_routes_file), "--out",
                           str(tmp_path)], capture_output=True, text=True, timeout=600, cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO), "RAY_ADDRESS": "127.0.0.1:9"})
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "RAY_ADDRESS 127.0.0.1:9: cannot reach a Ray cluster" in " ".join(done.stderr.split())


@pytest.mark.parametrize("routes, message", [
    ("procedural:zero", "expected procedural:N"),
    ("nowhere.xml", "not town05_long, procedural:N, an existing route file or module:object"),
])
def test_bad_route_specs(routes, message, tmp_path):
    done = bench("--routes", routes, "--out", str(tmp_path))
    assert done.returncode == 2 and message in done.stderr


@pytest.mark.slow
def test_ctrl_c_keeps_the_finished_routes(short_routes_file, tmp_path):
    import signal
    import time

    out = tmp_path / "interrupted"
    process = subprocess.Popen([sys.executable, "-m", "agents.bench", "drive", "--routes", str(short_routes_file),
                                "--workers", "1", "--out", str(out), "--vehicles", "10", "--pedestrians", "5"],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
    results = out / "results.json"
    deadline = time.monotonic() + 300
    while not results.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
    assert process.poll() is None, "the benchmark finished before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130 and "interrupted" in stderr
    saved = json.loads(results.read_text())
    assert saved["_checkpoint"]["progress"] == [1, 2] and saved["entry_status"] == "Started"


@pytest.mark.parametrize("extra, message", [
    (["--carla-host", "127.0.0.1", "--carla-port", "1", "--carla-timeout", "0.5", "--workers", "1"],
     "no CARLA server answered at 127.0.0.1:1"),
    (["--carla-host", "127.0.0.1", "--workers", "2"], "use --workers 1"),
])
def test_carla_server_errors(short_routes_file, tmp_path, extra, message):
    done = bench("--routes", str(short_routes_file), "--out", str(tmp_path), *extra)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_an_address_where_something_else_listens_is_one_line_within_seconds(short_routes_file, tmp_path):
    import socket
    import time

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    try:
        started = time.monotonic()
        done = bench("--routes", str(short_routes_file), "--out", str(tmp_path), "--address",
                     f"127.0.0.1:{silent.getsockname()[1]}")
        assert time.monotonic() - started < 60
    finally:
        silent.close()
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "something listens there, but it is not a Ray cluster" in " ".join(done.stderr.split())


def test_an_unknown_carla_host_is_one_line(short_routes_file, tmp_path):
    done = bench("--routes", str(short_routes_file), "--out", str(tmp_path), "--carla-host", "nosuch.invalid",
                 "--workers", "1")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--carla-host nosuch.invalid: cannot resolve or reach it" in done.stderr
