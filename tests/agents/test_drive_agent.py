"""The driving graph end to end on the embedded simulator (real SUMO, real LangGraph)."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import imageio.v3 as iio
import pytest

from agents.drive.graph import build_drive_graph
from agents.drive.runner import DriveOptions, run_route
from planners.driving.parser import parse_decision
from tests.conftest import REPO

TRAFFIC = {"vehicles": 15, "pedestrians": 5}


def test_the_graph_reads_as_the_algorithm():
    graph = build_drive_graph().get_graph()
    assert [n for n in graph.nodes if not n.startswith("__")] == ["sense", "perceive", "decide", "plan_motion",
                                                                  "act", "check"]
    edges = {(e.source, e.target) for e in graph.edges}
    assert {("sense", "perceive"), ("perceive", "decide"), ("decide", "plan_motion"), ("plan_motion", "act"),
            ("act", "check"), ("check", "sense"), ("check", "__end__")} <= edges


def test_short_route_completes_and_is_recorded(procedural_map, short_routes, tmp_path):
    outcome = run_route(procedural_map, short_routes[0], DriveOptions(seed=3, record_dir=tmp_path, **TRAFFIC))
    result = outcome.result
    assert result.metrics["route_completion"] == 100.0
    assert result.metrics["decisions"] >= result.timings.ticks // 10
    assert result.metrics["planner_fallbacks"] == 0.0
    lines = [json.loads(line) for line in (tmp_path / "route_short_0.jsonl").read_text().splitlines()]
    decisions = [line for line in lines if line["type"] == "decision"]
    ticks = [line for line in lines if line["type"] == "tick"]
    assert len(ticks) == result.timings.ticks and decisions[0]["tick"] == 0
    assert decisions[0]["speed"] == "ACCELERATE" and decisions[0]["explanation"]
    frame = iio.imread(tmp_path / "route_short_0.mp4", index=0)
    assert frame.shape[0] % 16 == 0 and frame.shape[1] >= 400 + 256


class ExplodingPlanner:
    name = "exploding"

    def decide(self, context):
        raise ValueError("the model returned nonsense")


class GibberishPlanner:
    """A text backend whose model talks nonsense; its answers go through the parser."""

    name = "gibberish"

    def __init__(self):
        self.last_status = "ok"

    def decide(self, context):
        outcome = parse_decision("I would rather not say.")
        self.last_status = outcome.status.value
        return outcome.decision


@pytest.mark.parametrize("planner", [ExplodingPlanner(), GibberishPlanner()], ids=lambda p: p.name)
def test_bad_planner_output_never_crashes_a_run(procedural_map, short_routes, planner, caplog):
    outcome = run_route(procedural_map, short_routes[1], DriveOptions(seed=1, **TRAFFIC), planner=planner)
    metrics = outcome.result.metrics
    assert metrics["decisions"] > 0 and metrics["planner_fallbacks"] == metrics["decisions"]
    assert "using the fallback decision" in caplog.text


def drive_command(routes_file, checkpoint, *extra):
    return [sys.executable, "-m", "agents.drive", "--routes", str(routes_file), "--route", "short_0", "--seed", "4",
            "--vehicles", "15", "--pedestrians", "5", "--checkpoint", str(checkpoint), "--json", *extra]


def run_json(command) -> dict:
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_a_killed_run_resumes_from_its_checkpoint_and_ends_the_same(short_routes_file, tmp_path):
    reference = run_json(drive_command(short_routes_file, tmp_path / "reference.sqlite"))
    kill_after = reference["ticks"] // 2  # well inside the run, whatever its length
    checkpoint = tmp_path / "killed.sqlite"
    process = subprocess.Popen(drive_command(short_routes_file, checkpoint), cwd=REPO, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(REPO)})
    logged = 0
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
        if checkpoint.exists():
            try:
                with sqlite3.connect(checkpoint) as db:
                    logged = db.execute("SELECT COUNT(*) FROM drive_controls").fetchone()[0]
            except sqlite3.OperationalError:
                continue
        if logged >= kill_after:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=30)
    assert logged >= kill_after and process.returncode == -signal.SIGKILL, "the run ended before it was killed"
    resumed = run_json(drive_command(short_routes_file, checkpoint))
    assert resumed["resumed_from_tick"] >= kill_after - 10
    for key in ("ticks", "driving_score", "route_completion", "infractions", "decisions"):
        assert resumed[key] == reference[key], key
    again = run_json(drive_command(short_routes_file, checkpoint))  # a finished run starts over
    assert again["resumed_from_tick"] == 0 and again["ticks"] == reference["ticks"]


@pytest.mark.parametrize("args, message", [
    (["--planner", "gpt9"], "unknown planner 'gpt9'; available: rule"),
    (["--decision-period", "0.01"], "--decision-period must be at least one tick"),
    (["--vehicles", "-3"], "argument --vehicles: -3: expected 0..2000"),
    (["--seed", "1e20"], "argument --seed: '1e20' is not an integer"),
    (["--seed", str(2**64)], "expected a seed in 0..2147483647"),
    (["--decision-period", "nan"], "argument --decision-period: nan: expected a finite number above 0"),
    (["--decision-period", "inf"], "argument --decision-period: inf: expected a finite number above 0"),
    (["--decision-timeout", "-1"], "argument --decision-timeout: -1: expected a finite number above 0"),
    (["--planner", "mllm"], "--planner mllm needs --model PATH"),
    (["--planner", "mllm", "--model", "/nonexistent/internvl", "--ray-planner"], "does not exist"),
    (["--planner", "http", "--endpoint", "localhost:1", "--model", "m"], "expected an http:// or https:// URL"),
    (["--max-time", "0"], "argument --max-time: 0: expected a finite number above 0"),
    (["--max-time", "nan"], "argument --max-time: nan: expected a finite number above 0"),
    (["--carla-host", "127.0.0.1", "--carla-port", "1", "--carla-timeout", "0.5"],
     "no CARLA server answered at 127.0.0.1:1"),
    (["--carla-host", "127.0.0.1", "--xodr", "town.xodr"], "leave out --env and --xodr"),
    (["--perception", "yolo"], "--perception yolo: kinds are internvit"),
    (["--perception", "internvit"], "internvit needs the path of an InternVL directory"),
])
def test_cli_user_errors(args, message):
    done = subprocess.run([sys.executable, "-m", "agents.drive", *args], capture_output=True, text=True, timeout=120,
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_cli_prints_the_graph_as_mermaid():
    done = subprocess.run([sys.executable, "-m", "agents.drive", "--mermaid"], capture_output=True, text=True,
                          timeout=120, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0 and "plan_motion --> act;" in done.stdout
