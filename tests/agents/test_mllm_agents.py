"""Both agents with the in-process InternVL backend (the tiny model the tests build): a few
seconds of a route in closed loop, the CLI through the Ray planner host, and the Minecraft
planner whose unusable answers are repaired, then fall back, counted."""

import json
import os
import subprocess
import sys

import pytest

from agents.drive.runner import DriveOptions, make_planner, run_route
from planners.backends import BackendOptions
from tests.conftest import REPO


def test_a_few_seconds_of_a_route_in_closed_loop(procedural_map, short_routes, tiny_internvl):
    planner = make_planner("mllm", BackendOptions(model=str(tiny_internvl), device="cpu"))
    assert planner.name == "llm:mllm:tiny-internvl"
    decisions = []
    outcome = run_route(procedural_map, short_routes[0],
                        DriveOptions(planner="mllm", vehicles=10, pedestrians=5, max_time_s=5.0), planner=planner,
                        on_decision=lambda tick, decision, status: decisions.append((tick, decision.speed.value,
                                                                                     status)))
    result = outcome.result
    assert [tick for tick, _, _ in decisions] == list(range(0, 100, 10))  # every 0.5 s for 5 s
    assert {speed for _, speed, _ in decisions} == {"ACCELERATE"}
    assert result.metrics["decisions"] == 10
    assert result.metrics["planner_fallbacks"] == 0
    assert result.metrics["planner_repairs"] == sum(status == "repaired" for _, _, status in decisions)
    assert result.timings.ticks == 100
    assert result.metrics["driven_route_m"] > 5.0  # it accelerated away from the start
    assert result.failure_reason == "time limit of 5 s reached"


@pytest.mark.slow
def test_the_drive_cli_with_the_model_in_a_ray_actor(short_routes_file, tiny_internvl, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "agents.drive", "--routes", str(short_routes_file), "--planner", "mllm", "--model",
         str(tiny_internvl), "--ray-planner", "--max-time", "3", "--vehicles", "5", "--pedestrians", "0",
         "--checkpoint", str(tmp_path / "c.sqlite"), "--json"],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    record = json.loads(done.stdout.strip().splitlines()[-1])
    assert record["planner"] == "llm:ray:mllm-pilot-planner"
    assert record["decisions"] == 6 and record["planner_fallbacks"] == 0
    assert record["ticks"] == 60


def test_minecraft_answers_that_are_not_plans_end_in_the_rule_fallback(tiny_internvl):
    from agents.minecraft.runner import MinecraftOptions, make_planner, run_task
    from planners.minecraft.llm import LLMActionPlanner
    from scenarios.minecraft.tasks import item_task
    from tests.planners.test_mllm_chat_model import Unconstrained

    hosted = make_planner("mllm", BackendOptions(model=str(tiny_internvl), device="cpu"))
    planner = LLMActionPlanner(Unconstrained(hosted.model))  # decoded freely, as from a server without schemas
    record = run_task(item_task("crafting_table"), MinecraftOptions(seed=1), planner=planner).record
    assert record["success"]
    assert record["planner"] == "llm:mllm:tiny-internvl"
    # the model only knows a driving decision: no action list, so every query falls back to the rule plan
    assert record["planner_queries"] >= 1
    assert record["fallbacks"] == record["planner_queries"] and record["repairs"] == 0


@pytest.mark.slow
def test_the_driving_benchmark_shares_one_hosted_model_between_workers(short_routes_file, tiny_internvl, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "agents.bench", "drive", "--routes", str(short_routes_file), "--planner", "mllm",
         "--model", str(tiny_internvl), "--workers", "2", "--max-time", "3", "--vehicles", "5", "--pedestrians", "0",
         "--out", str(tmp_path / "bench"), "--json"],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((tmp_path / "bench" / "results.json").read_text())
    assert results["settings"]["backend"]["model"] == str(tiny_internvl)
    records = results["_checkpoint"]["records"]
    assert [r["route_id"] for r in records] == ["short_0", "short_1"]
    for record in records:
        assert record["meta"]["decisions"] == 6 and record["meta"]["planner_fallbacks"] == 0
