"""MLLM planner throughput: decisions/s and latency percentiles of the DriveMLM-style planner.

The same driving decisions (scenes recorded from the embedded simulator, with the front camera
and BEV images) are asked of one model three ways: in process (the reference), through the Ray
planner actor with concurrent episodes (micro-batched), and through the loopback
OpenAI-compatible server (planners.serve, a real subprocess). Without --model a tiny InternVL is
built first (see planners.mllm.tiny), so the figures measure the framework's overhead, not a
real model's speed.

    python benchmarks/planner.py [--model DIR] [--decisions 32] [--episodes 4] [--out runs/bench_planner] [--json]
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from envs.cli import ArgumentParser, run_command
from envs.errors import UserInputError

MODES = ("in_process", "ray", "server")


class ContextRecorder:
    """Drives with the rule planner and keeps every context it was asked about."""

    needs_images = True

    def __init__(self) -> None:
        from planners.driving.rule_planner import RuleBasedPlanner

        self.inner, self.name, self.contexts = RuleBasedPlanner(), "recorder", []

    def decide(self, context):
        self.contexts.append(context)
        return self.inner.decide(context)


def record_contexts(count: int, seed: int) -> list:
    from agents.drive.runner import DriveOptions, run_route
    from envs.driving.maps import RoadMap
    from scenarios.generate import choose_route

    road_map = RoadMap.load("Town05")
    route = choose_route(road_map, None, None, seed)
    recorder = ContextRecorder()
    run_route(road_map, route, DriveOptions(seed=seed, vehicles=30, pedestrians=10, max_time_s=count * 0.5 + 0.5),
              planner=recorder)
    contexts = recorder.contexts[:count]
    if len(contexts) < count:
        raise RuntimeError(f"the drive gave {len(contexts)} decisions, fewer than {count}")
    return contexts


def timed_decisions(planners: list, contexts: list) -> tuple[float, list[float], dict]:
    """Each planner (one per episode, on its own thread) takes every len(planners)-th context.
    Returns the wall time, every decision's latency and the answer statuses."""
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    lock = threading.Lock()

    def episode(index: int) -> None:
        planner = planners[index]
        for context in contexts[index::len(planners)]:
            started = time.perf_counter()
            planner.decide(context)
            spent = time.perf_counter() - started
            with lock:
                latencies.append(spent)
                statuses[planner.last_status] = statuses.get(planner.last_status, 0) + 1

    threads = [threading.Thread(target=episode, args=(i,)) for i in range(len(planners))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, statuses


def start_server(model_dir: Path, name: str) -> tuple[subprocess.Popen, str]:
    command = [sys.executable, "-m", "planners.serve", "--model", str(model_dir), "--port", "0", "--name", name]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    line = process.stdout.readline()
    match = re.search(r"at (http://\S+)", line)
    if not match:
        process.kill()
        raise RuntimeError(f"planners.serve did not start: {line!r}")
    return process, match.group(1)


def measure(model_dir: Path, contexts: list, episodes: int, console: Console) -> dict:
    from planners.driving.llm_planner import LLMDrivingPlanner
    from planners.mllm.chat_model import InternVLChatModel
    from planners.openai_compat import OpenAICompatModel

    runs: dict[str, dict] = {}
    model = InternVLChatModel.load(str(model_dir))
    planner = LLMDrivingPlanner(model)
    planner.decide(contexts[0])  # warm-up, not timed
    wall, latencies, statuses = timed_decisions([planner], contexts)
    runs["in_process"] = {"wall_s": wall, "latencies": latencies, "statuses": statuses, "device": str(model.device)}
    console.print(f"in process: {len(contexts) / wall:.2f} decisions/s")
    del model, planner

    import ray

    from agents.bench.parallel import start_ray
    from planners.ray_host import RayTextModel, start_planner_host

    start_ray(None, episodes)
    try:
        actor = start_planner_host(str(model_dir))
        planners = [LLMDrivingPlanner(RayTextModel(actor)) for _ in range(episodes)]
        planners[0].decide(contexts[0])
        wall, latencies, statuses = timed_decisions(planners, contexts)
        stats = ray.get(actor.stats.remote())
        runs["ray"] = {"wall_s": wall, "latencies": latencies, "statuses": statuses, "mean_batch": stats["mean_batch"]}
    finally:
        ray.shutdown()
    console.print(f"Ray actor, {episodes} episodes: {len(contexts) / wall:.2f} decisions/s "
                  f"(mean batch {runs['ray']['mean_batch']:.2f})")

    process, url = start_server(model_dir, "bench")
    try:
        planners = [LLMDrivingPlanner(OpenAICompatModel(url, "bench", max_concurrency=1)) for _ in range(episodes)]
        planners[0].decide(contexts[0])
        wall, latencies, statuses = timed_decisions(planners, contexts)
        runs["server"] = {"wall_s": wall, "latencies": latencies, "statuses": statuses}
    finally:
        process.terminate()
        process.wait(timeout=30)
    console.print(f"loopback server, {episodes} episodes: {len(contexts) / wall:.2f} decisions/s")
    return runs


def figures_of(runs: dict, decisions: int) -> dict:
    figures: dict[str, float | str | dict] = {}
    for mode in MODES:
        run = runs[mode]
        figures[f"decisions_per_s_{mode}"] = round(decisions / run["wall_s"], 3)
        figures[f"latency_p50_s_{mode}"] = round(float(np.percentile(run["latencies"], 50)), 4)
        figures[f"latency_p95_s_{mode}"] = round(float(np.percentile(run["latencies"], 95)), 4)
        figures[f"statuses_{mode}"] = run["statuses"]
    for mode in ("ray", "server"):
        figures[f"{mode}_vs_in_process"] = round(figures[f"decisions_per_s_{mode}"] /
                                                 figures["decisions_per_s_in_process"], 3)
    figures["mean_batch_ray"] = round(runs["ray"]["mean_batch"], 2)
    figures["device"] = runs["in_process"]["device"]
    return figures


def write_report(path: Path, runs: dict, figures: dict, settings: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from agents.bench.report import figure_png, html_page

    figure, (rate, latency) = plt.subplots(1, 2, figsize=(11, 4))
    rate.bar(MODES, [figures[f"decisions_per_s_{m}"] for m in MODES], color=["#4c72b0", "#55a868", "#c44e52"])
    rate.set_ylabel("decisions / s")
    rate.set_title("throughput")
    latency.boxplot([np.array(runs[m]["latencies"]) * 1000 for m in MODES], tick_labels=list(MODES))
    latency.set_ylabel("latency per decision (ms)")
    latency.set_title("latency")
    png = figure_png(figure)
    plt.close(figure)
    rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(json.dumps(v))}</td></tr>"
                   for k, v in {**settings, **figures}.items())
    path.parent.mkdir(parents=True, exist_ok=True)
    body = f'<img src="data:image/png;base64,{png}"><table>{rows}</table>'
    path.write_text(html_page("MLLM planner benchmark", body))


def benchmark(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    if args.decisions < args.episodes or args.episodes < 1:
        raise UserInputError("--episodes must be at least 1 and --decisions at least --episodes")
    with tempfile.TemporaryDirectory(prefix="mllm-pilot-tiny-") as scratch:
        if args.model:
            from planners.mllm.model_dir import inspect_model_dir

            model_dir = inspect_model_dir(args.model).path
        else:
            from planners.mllm.tiny import build_tiny_internvl

            console.print("building a tiny InternVL (no --model given)")
            model_dir = build_tiny_internvl(Path(scratch) / "tiny-internvl")
        console.print(f"recording {args.decisions} driving scenes from the embedded simulator")
        contexts = record_contexts(args.decisions, args.seed)
        runs = measure(model_dir, contexts, args.episodes, console)
    figures = figures_of(runs, args.decisions)
    settings = {"model": args.model or "tiny InternVL (built)", "decisions": args.decisions,
                "episodes": args.episodes, "cpu_threads": os.cpu_count()}
    table = Table(title=f"{args.decisions} driving decisions, {args.episodes} concurrent episodes for ray/server")
    for column in ("mode", "decisions/s", "vs in process", "p50 ms", "p95 ms", "answers"):
        table.add_column(column, justify="left" if column in ("mode", "answers") else "right")
    for mode in MODES:
        ratio = figures[f"{mode}_vs_in_process"] if mode != "in_process" else 1.0
        table.add_row(mode, f"{figures[f'decisions_per_s_{mode}']:.2f}", f"{ratio:.2f}",
                      f"{figures[f'latency_p50_s_{mode}'] * 1000:.0f}",
                      f"{figures[f'latency_p95_s_{mode}'] * 1000:.0f}",
                      json.dumps(figures[f"statuses_{mode}"]))
    console.print(table)
    out = Path(args.out)
    write_report(out / "report.html", runs, figures, settings)
    console.print(f"-> {out / 'report.html'}")
    if args.json:
        print(json.dumps({**settings, **figures}))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(prog="benchmarks/planner.py", description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="a local InternVL directory (default: build a tiny one)")
    parser.add_argument("--decisions", type=int, default=32, help="decisions per mode (default 32)")
    parser.add_argument("--episodes", type=int, default=4, help="concurrent episodes for ray and server (default 4)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="runs/bench_planner", help="folder for report.html")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    return run_command(benchmark, parser, argv)


if __name__ == "__main__":
    sys.exit(main())
