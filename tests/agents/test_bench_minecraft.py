"""agents.bench minecraft on real Ray (a local cluster of 2 workers)."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO


def bench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "agents.bench", "minecraft", *args], capture_output=True, text=True,
                          timeout=600, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest.mark.slow
def test_episodes_run_in_parallel_with_a_shared_memory_and_resume(tmp_path):
    out = tmp_path / "bench"
    args = ["--task", "obtain_diamond", "--episodes", "3", "--seed", "4", "--workers", "2", "--out", str(out),
            "--break-speed", "100", "--start-time", "random", "--json"]
    done = bench(*args)
    assert done.returncode == 0, done.stderr
    aggregate = json.loads(done.stdout.strip().splitlines()[-1])
    assert aggregate["episodes"] == 3 and aggregate["task"] == "obtain_diamond", done.stderr
    assert set(aggregate["success_rate"]) == {"crafting_table", "wooden_pickaxe", "stone_pickaxe", "iron_pickaxe",
                                              "diamond"}
    assert aggregate["mean_steps"] > 0 and aggregate["mean_planner_queries"] >= 1
    saved = json.loads((out / "results.json").read_text())
    assert aggregate["success"] == aggregate["success_rate"]["diamond"] == \
        sum(e["success"] for e in saved["episodes"]) / 3
    assert (aggregate["break_speed"], aggregate["start_time"], aggregate["perception"]) == (100.0, "random", "rays")
    starts = [e["start_time"] for e in saved["episodes"]]
    assert all(e["break_speed"] == 100.0 for e in saved["episodes"]) and len(set(starts)) == 3  # drawn per seed
    assert [(e["task"], e["seed"]) for e in saved["episodes"]] == [("obtain_diamond", s) for s in (4, 5, 6)]
    assert (out / "memory.sqlite").exists()  # the episodes shared and filled one memory
    report = (out / "report.html").read_text()
    assert "Minecraft benchmark: obtain_diamond" in report and "data:image/png;base64" in report
    again = bench(*args)  # everything done: nothing runs again
    assert again.returncode == 0 and "3 already done" in again.stderr
    assert json.loads(again.stdout.strip().splitlines()[-1])["success_rate"] == aggregate["success_rate"]


def test_item_tasks_report_their_item_and_tech_tree_coverage_is_computed(tmp_path):
    from agents.bench.minecraft import MinecraftResults
    from scenarios.minecraft.tasks import resolve_tasks

    tasks = resolve_tasks("tech_tree")[:3]
    results = MinecraftResults(tmp_path / "results.json", {"task": "tech_tree"})
    for task, success in zip(tasks, (True, False, True)):
        results.add({"key": task.task_id, "task": task.task_id, "seed": 0, "success": success, "steps": 100,
                     "planner_queries": 2, "actions": 3, "repairs": 0, "fallbacks": 0, "invalid_actions": 0,
                     "milestones": {task.goal: 50 if success else None}})
    aggregate = results.aggregate("tech_tree", tasks, 3, 1.0)
    assert aggregate["success_rate"] == {tasks[0].task_id: 1.0, tasks[1].task_id: 0.0, tasks[2].task_id: 1.0}
    assert aggregate["tech_tree_coverage"] == pytest.approx(2 / 3)
    assert aggregate["tech_tree_missing"] == [tasks[1].task_id]


@pytest.mark.parametrize("args, message", [
    (["--task", "unobtainium", "--out", "x"], "unknown task or item 'unobtainium'"),
    (["--episodes", "0", "--out", "x"], "argument --episodes: 0: expected 1..10000"),
    (["--episodes", "100000000", "--out", "x"], "argument --episodes: 100000000: expected 1..10000"),
    (["--workers", "0", "--out", "x"], "argument --workers: 0: expected 1..256"),
    (["--seed", "-3", "--out", "x"], "argument --seed: -3: expected a seed in 0..2147483647"),
    (["--planner", "gpt9", "--out", "x"], "unknown planner 'gpt9'"),
    (["--break-speed", "0.5", "--out", "x"], "--break-speed 0.5: give a multiplier from 1 (the game) to 1000"),
    (["--start-time", "dusk", "--out", "x"], "--start-time 'dusk': give ticks (0-23999) or random"),
    (["--start-time", "30000", "--out", "x"], "--start-time 30000: a time of day is 0-23999 ticks"),
])
def test_user_errors(args, message, tmp_path):
    done = bench(*args)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="the reaper reads /proc")
def test_killing_the_driver_takes_rays_processes_with_it(tmp_path):
    import signal
    import time

    from agents.bench.reaper import _alive, descendants

    process = subprocess.Popen([sys.executable, "-m", "agents.bench", "minecraft", "--task", "obtain_diamond",
                                "--episodes", "4", "--workers", "2", "--memory", "none", "--out", str(tmp_path)],
                               cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
    started = {}
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        started = descendants(process.pid)
        names = [open(f"/proc/{pid}/cmdline", "rb").read() for pid in started if os.path.exists(f"/proc/{pid}")]
        if any(b"RuntimeEnvAgent" in name for name in names) and any(b"agents.bench.reaper" in n for n in names):
            break
        time.sleep(0.5)
    assert process.poll() is None, "the benchmark ended before it could be killed"
    time.sleep(1.0)
    started = descendants(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(pid, at) for pid, at in started.items()):
        time.sleep(0.5)
    assert not [pid for pid, at in started.items() if _alive(pid, at)]
