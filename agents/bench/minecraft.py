"""The Minecraft benchmark: episodes (task x seed) in parallel on Ray, resumable results, success
rate per milestone (GITM's table), mean steps and planner queries, tech-tree coverage."""

from __future__ import annotations

import argparse
import json
from collections import Counter
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from agents.bench.minecraft_report import write_minecraft_report
from agents.bench.parallel import run_jobs
from agents.bench.results import load_saved, save
from agents.hosting import host_setup
from agents.plugins import MINECRAFT_PLANNERS, check_planner, resolve_task_argument, world_options
from envs.errors import UserInputError
from planners.backends import TEXT_BACKENDS, backend_options


def episode_key(task_id: str, seed: int) -> str:
    return f"{task_id}/seed-{seed}"


def run_minecraft_episode(task: dict, seed: int, options: dict) -> dict:
    """One episode, as a Ray task runs it."""
    from agents.minecraft.runner import MinecraftOptions, run_task
    from scenarios.minecraft.tasks import MinecraftTaskSpec

    spec = MinecraftTaskSpec.model_validate(task)
    memory = Path(options["memory"]) if options.get("memory") else None
    from agents.minecraft.runner import make_planner
    from planners.backends import BackendOptions

    backend = BackendOptions(**options["backend"]) if options.get("backend") else None
    planner = make_planner(options["planner"], backend)
    outcome = run_task(spec, MinecraftOptions(seed=seed, planner=options["planner"], memory=memory,
                                              env=options.get("env"), **options.get("world", {}),
                                              decision_timeout_s=options.get("decision_timeout_s", 60.0)),
                       planner=planner)
    record = outcome.record
    record["key"] = episode_key(spec.task_id, seed)
    record.pop("action_log", None)  # results.json keeps the figures, not every action
    return record


class MinecraftResults:
    def __init__(self, path: Path, settings: dict):
        self.path, self.settings = path, settings
        self.records: list[dict] = load_saved(path, settings).get("episodes", [])

    def done_keys(self) -> set[str]:
        return {r["key"] for r in self.records}

    def add(self, record: dict) -> None:
        self.records = [r for r in self.records if r["key"] != record["key"]] + [record]

    def aggregate(self, task_name: str, tasks: list, total: int, wall_s: float) -> dict:
        count = len(self.records)
        if len(tasks) == 1:
            milestones = list(tasks[0].milestones)
            success_rate = {m: (sum(r["milestones"].get(m) is not None for r in self.records) / count if count else 0.0)
                            for m in milestones}
        else:
            success_rate = {}
            for task in tasks:
                runs = [r for r in self.records if r["task"] == task.task_id]
                success_rate[task.task_id] = sum(r["success"] for r in runs) / len(runs) if runs else 0.0
        aggregate = {
            "task": task_name, "episodes": count, "episodes_total": total,
            "success": sum(r["success"] for r in self.records) / count if count else 0.0,
            "success_rate": success_rate,
            "mean_steps": sum(r["steps"] for r in self.records) / count if count else 0.0,
            "deaths": sum(bool(r.get("died")) for r in self.records),
            "deaths_by": dict(Counter(r.get("death_cause") or "unknown" for r in self.records if r.get("died"))),
            "mean_planner_queries": sum(r["planner_queries"] for r in self.records) / count if count else 0.0,
            "mean_actions": sum(r["actions"] for r in self.records) / count if count else 0.0,
            "repairs": sum(r["repairs"] for r in self.records), "fallbacks": sum(r["fallbacks"] for r in self.records),
            "invalid_actions": sum(r["invalid_actions"] for r in self.records), "wall_s": wall_s,
        }
        successes = [r for r in self.records if r["success"]]
        aggregate["mean_steps_successful"] = sum(r["steps"] for r in successes) / len(successes) if successes else None
        if task_name == "tech_tree":
            obtained = {r["task"] for r in successes}
            aggregate["tech_tree_coverage"] = len(obtained) / len(tasks)
            aggregate["tech_tree_missing"] = [t.task_id for t in tasks if t.task_id not in obtained]
        return aggregate

    def write(self, aggregate: dict) -> None:
        payload = {"settings": self.settings, "aggregate": aggregate,
                   "episodes": sorted(self.records, key=lambda r: (r["task"], r["seed"]))}
        save(self.path, payload)


def run_minecraft_bench(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    if args.workers < 1:
        raise UserInputError("--workers must be at least 1")
    if args.episodes < 1:
        raise UserInputError("--episodes must be at least 1")
    if args.max_steps < 1:
        raise UserInputError("--max-steps must be at least 1")
    world = world_options(args)
    backend = backend_options(args)
    check_planner(args.planner, backend, MINECRAFT_PLANNERS)  # fails here, before Ray starts
    tasks = resolve_task_argument(args.task, args.max_steps)
    from agents.minecraft.runner import make_env

    env = make_env(args.env)  # a bad --env fails here, before Ray starts
    perception = str(getattr(env, "perception", "unknown"))  # how the env locates objects, stated in results
    env.close()
    from envs.paths import MEMORY_TABLES, check_output_dir, check_state_database

    out = check_output_dir(args.out, "--out")
    memory = None if args.memory == "none" else str(Path(args.memory or out / "memory.sqlite").resolve())
    if memory is not None:
        check_state_database(memory, "--memory", MEMORY_TABLES)
    settings = {"task": args.task, "episodes": args.episodes, "seed": args.seed, "planner": args.planner,
                "max_steps": args.max_steps, "memory": memory, "env": args.env, **world,
                "perception": perception}
    if args.planner in TEXT_BACKENDS:
        settings["backend"] = backend.to_dict(with_secrets=False)
    results = MinecraftResults(out / "results.json", settings)
    jobs = [(task, args.seed + n) for task in tasks for n in range(args.episodes)]
    pending = [(t, s) for t, s in jobs if episode_key(t.task_id, s) not in results.done_keys()]
    console.print(f"{len(jobs)} episodes ({args.task}), {len(jobs) - len(pending)} already done, "
                  f"{args.workers} workers, memory: {memory or 'none (empty per episode)'}")
    if memory is not None:
        console.print("note: episodes share the memory, so results depend on the order episodes finish (and after "
                      "a resume on what cut-off episodes learnt); --memory none repeats exactly")
    started = time.perf_counter()
    interrupted = False
    if pending:
        def keep(key: str, record: dict, out_console: Console) -> None:
            results.add(record)
            results.write(results.aggregate(args.task, tasks, len(jobs), time.perf_counter() - started))
            verdict = "[green]success" if record["success"] else f"[red]failed[/] ({record['reason']})"
            out_console.print(f"{key}: {verdict}, {record['steps']} steps, {record['planner_queries']} queries")

        options = {"planner": args.planner, "memory": memory, "env": args.env, "world": world,
                   "decision_timeout_s": args.decision_timeout,
                   "backend": backend.to_dict() if args.planner in TEXT_BACKENDS else None}
        work = {episode_key(t.task_id, s): (t.model_dump(), s, options) for t, s in pending}
        setup = host_setup(args.planner, backend, options)
        interrupted = run_jobs(run_minecraft_episode, work, "episodes", len(jobs), console, args.json, args.address,
                               args.workers, keep, setup)
    aggregate = results.aggregate(args.task, tasks, len(jobs), time.perf_counter() - started)
    aggregate.update({"break_speed": world["break_speed"], "start_time": world["start_time"],
                      "perception": settings["perception"]})
    results.write(aggregate)
    if results.records:
        write_minecraft_report(out / "report.html", results.records, aggregate, tasks)
    _print_table(console, aggregate)
    console.print(f"-> {out / 'results.json'}, {out / 'report.html'}")
    if interrupted:
        console.print("interrupted: the finished episodes are saved; run the same command again to resume")
    if args.json:
        print(json.dumps(aggregate))
    return 130 if interrupted else 0


def _print_table(console: Console, aggregate: dict) -> None:
    table = Table(title=f"{aggregate['task']}: {aggregate['episodes']} episodes")
    table.add_column("milestone" if aggregate["task"] != "tech_tree" else "item")
    table.add_column("success rate", justify="right")
    for name, rate in aggregate["success_rate"].items():
        table.add_row(name, f"{100 * rate:.1f}%")
    console.print(table)
    line = (f"mean steps {aggregate['mean_steps']:.0f}, mean planner queries {aggregate['mean_planner_queries']:.1f}, "
            f"{aggregate['fallbacks']} fallbacks, {aggregate['invalid_actions']} invalid actions")
    if aggregate.get("deaths"):
        line += f", {aggregate['deaths']} deaths (" + ", ".join(
            f"{count} {cause}" for cause, count in sorted(aggregate.get("deaths_by", {}).items())) + ")"
    if "tech_tree_coverage" in aggregate:
        line += f", tech-tree coverage {100 * aggregate['tech_tree_coverage']:.1f}%"
    console.print(line)
