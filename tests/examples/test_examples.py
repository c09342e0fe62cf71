"""The examples run to the end, and the plug-in paths and composition API behave as documented."""

import json
import os
import subprocess
import sys

import pytest

from agents.compose import AgentGraph, driving_graph, minecraft_graph
from tests.conftest import REPO

ENV = {**os.environ, "PYTHONPATH": str(REPO)}


@pytest.mark.slow
def test_a_driving_agent_with_a_user_planner_keeps_its_gap():
    from examples.cautious_driver import main

    summary = main(["--seed", "1"])
    assert summary["gap_decisions"] > 0 and summary["route_completion"] == 100.0


def test_a_minecraft_agent_on_a_user_env():
    from examples.tiny_minecraft_env import main

    summary = main()
    assert summary["success"] and summary["steps"] < 1000


@pytest.mark.slow
def test_a_human_in_the_loop_instruction_changes_the_decision():
    from examples.instructed_driver import ASK_AT_TICK, main

    summary = main(["--instruction", "stop at the next junction"])
    assert summary["asked_at_tick"] == ASK_AT_TICK
    assert "STOP" not in summary["decisions_before"] and summary["decisions_after"] == ["STOP"] * 3
    assert summary["explanation_after"] == "Stopping as asked ('stop at the next junction')."
    assert summary["status"] != "Completed"


def test_user_pieces_plug_in_by_import_path(tmp_path):
    done = subprocess.run([sys.executable, "-m", "agents.minecraft", "--env", "examples.tiny_minecraft_env:TinyWorld",
                           "--task", "stone_pickaxe", "--memory", "none", "--checkpoint", str(tmp_path / "c.sqlite"),
                           "--json"], capture_output=True, text=True, timeout=300, cwd=REPO, env=ENV)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1])["success"]


@pytest.mark.slow
def test_a_user_planner_and_routes_plug_into_the_driving_cli(tmp_path):
    done = subprocess.run([sys.executable, "-m", "agents.drive",
                           "--planner", "examples.cautious_driver:CautiousPlanner",
                           "--routes", "examples.cautious_driver:short_routes", "--seed", "1", "--vehicles", "80",
                           "--pedestrians", "5", "--checkpoint", str(tmp_path / "c.sqlite"), "--json"],
                          capture_output=True, text=True, timeout=600, cwd=REPO, env=ENV)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["route_completion"] == 100.0 and result["planner"] == "cautious"


@pytest.mark.parametrize("command, message", [
    (["agents.minecraft", "--planner", "nosuch.module:make"], "--planner 'nosuch.module:make': cannot import nosuch"),
    (["agents.minecraft", "--planner", "examples.cautious_driver:Nope"], "examples.cautious_driver has no Nope"),
    (["agents.minecraft", "--env", "examples.cautious_driver:CautiousPlanner"],
     "without the method reset, step, observe, close that the protocol needs"),
    (["agents.minecraft", "--task", "examples.tiny_minecraft_env:STEPS"], "not a Minecraft task"),
    (["agents.drive", "--planner", "examples.tiny_minecraft_env:TinyWorld"], "without the method decide"),
    (["agents.drive", "--env", "examples:nothing"], "examples has no nothing"),
    (["agents.drive", "--routes", "examples.tiny_minecraft_env:STEPS"], "not a route"),
    (["agents.bench", "minecraft", "--planner", "os:getcwd", "--out", "x"], "without the method decide"),
])
def test_a_plug_in_that_does_not_fit_is_one_clear_error(command, message):
    done = subprocess.run([sys.executable, "-m", *command], capture_output=True, text=True, timeout=120, cwd=REPO,
                          env=ENV)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_graphs_are_composed_from_named_steps():
    graph = minecraft_graph()
    assert graph.step_names == ["decompose", "plan", "execute", "feedback", "remember"]
    graph.insert_after("feedback", "log_it", lambda state, runtime: {})  # takes over feedback's route
    edges = {(e.source, e.target) for e in graph.compile().get_graph().edges}
    assert {("feedback", "log_it"), ("log_it", "remember"), ("log_it", "plan"), ("log_it", "execute")} <= edges
    assert ("execute", "feedback") in edges
    drive = driving_graph().insert_before("decide", "listen", lambda state, runtime: {})
    edges = {(e.source, e.target) for e in drive.compile().get_graph().edges}
    assert {("perceive", "listen"), ("listen", "decide"), ("check", "sense")} <= edges
    drive.remove("listen")
    assert ("perceive", "decide") in {(e.source, e.target) for e in drive.compile().get_graph().edges}
    with pytest.raises(ValueError, match="no step 'think' in the drive graph; its steps are sense, perceive"):
        drive.replace("think", lambda state, runtime: {})
    with pytest.raises(ValueError, match="already has a step 'act'"):
        drive.insert_after("check", "act", lambda state, runtime: {})
    with pytest.raises(ValueError, match="routes to others"):
        drive.remove("check")
    assert isinstance(drive, AgentGraph)
