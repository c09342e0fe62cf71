"""Pursue a Minecraft task with the GITM-style agent on the embedded world.

    python -m agents.minecraft --task obtain_diamond --seed 3
    python -m agents.minecraft --task iron_pickaxe --seed 7 --record runs/mc --json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from agents.plugins import add_planner_arguments, add_run_arguments, add_world_arguments, console_with_logging
from envs.cli import ArgumentParser, run_command, seed


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="python -m agents.minecraft", description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="obtain_diamond",
                        help="obtain_diamond, a Minecraft item name, or module:object (your MinecraftTaskSpec)")
    parser.add_argument("--env", metavar="MODULE:FACTORY",
                        help="your Minecraft env (a factory called with no arguments; default: the embedded world)")
    parser.add_argument("--seed", type=seed, default=0, help="world seed (default 0)")
    add_planner_arguments(parser)
    parser.add_argument("--max-steps", type=int, default=12_000, help="primitive step budget (default 12000)")
    add_world_arguments(parser)
    parser.add_argument("--memory", metavar="FILE|none",
                        help="SQLite plan memory kept across runs (default: plans.sqlite in the mllm-pilot cache); "
                             "none starts from an empty memory and keeps nothing")
    parser.add_argument("--import-memory", metavar="JSON", help="add the plans of a memory export before the run")
    parser.add_argument("--export-memory", metavar="JSON", help="write the memory as JSON after the run")
    add_run_arguments(parser, "episode", "task, seed and planner")
    return parser


def run(args: argparse.Namespace) -> int:
    if args.mermaid:
        from agents.minecraft.graph import mermaid

        print(mermaid())
        return 0
    from agents.minecraft.runner import make_planner
    from agents.plugins import resolve_task_argument, world_options
    from envs.errors import UserInputError

    console = console_with_logging()
    if args.max_steps < 1:
        raise UserInputError("--max-steps must be at least 1")
    world_options(args)
    if args.task == "tech_tree":
        raise UserInputError("tech_tree is a set of tasks: run it with python -m agents.bench minecraft --task "
                             "tech_tree")
    tasks = resolve_task_argument(args.task, args.max_steps)
    if len(tasks) != 1:
        raise UserInputError(f"--task {args.task} is a set of {len(tasks)} tasks: run it with python -m agents.bench "
                             "minecraft")
    task = tasks[0]
    from agents.hosting import planner_backend
    from planners.backends import backend_options

    with planner_backend(args.planner, backend_options(args), args.ray_planner) as backend:
        return pursue(args, task, make_planner(args.planner, backend), console)


def pursue(args: argparse.Namespace, task, planner, console) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from agents.minecraft.runner import MinecraftOptions, make_env, run_task
    from agents.plugins import world_options
    from envs.driving.cache import cache_dir
    from envs.paths import CHECKPOINT_TABLES, MEMORY_TABLES, check_output_dir, check_output_file, check_state_database

    memory_path = None if args.memory == "none" else Path(args.memory) if args.memory else \
        cache_dir("memory") / "plans.sqlite"
    checkpoint = Path(args.checkpoint) if args.checkpoint else cache_dir("checkpoints") / "minecraft.sqlite"
    check_state_database(checkpoint, "--checkpoint", CHECKPOINT_TABLES)
    if memory_path is not None:
        check_state_database(memory_path, "--memory", MEMORY_TABLES)
    if args.record:
        check_output_dir(args.record, "--record")
    if args.export_memory:
        check_output_file(args.export_memory, "--export-memory")
    _import_memory(args.import_memory, memory_path)
    options = MinecraftOptions(seed=args.seed, planner=args.planner, memory=memory_path, checkpoint=checkpoint,
                               fresh=args.fresh, record_dir=Path(args.record) if args.record else None,
                               env=args.env, decision_timeout_s=args.decision_timeout, **world_options(args))
    if args.env:
        make_env(args.env)  # a bad --env fails here, before the run
    columns = (TextColumn(f"[bold]{task.task_id} seed {args.seed}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("steps  {task.fields[subgoal]}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=args.json) as progress:
        bar = progress.add_task("episode", total=task.max_steps, subgoal="")

        def on_event(kind: str, details: dict) -> None:
            if kind == "subgoal":
                progress.update(bar, subgoal=f"{details['count']} {details['object']} ({details['method']})")
            elif kind == "reached":
                progress.console.print(f"[green]reached[/] {details['count']} {details['object']}")
            elif kind == "action":
                progress.update(bar, completed=details["step"])
                if not details["result"]["success"]:
                    progress.console.print(f"[yellow]{details['action']['name']}[/]: {details['result']['feedback']}")

        outcome = run_task(task, options, on_event=on_event, planner=planner)
    record = outcome.record
    _report(console, record)
    if args.json:
        print(json.dumps({k: v for k, v in record.items() if k not in ("tree", "action_log")}))
    _export_memory(args.export_memory, memory_path)  # after the result is out: a failed write loses nothing
    if record["interrupted"]:
        console.print("interrupted: run the same command again to resume from the checkpoint")
        return 130
    return 0


def _import_memory(source: str | None, memory_path: Path | None) -> None:
    if not source:
        return
    from envs.errors import UserInputError
    from memory.plan_memory import PlanMemory

    path = Path(source)
    if path.is_dir():
        raise UserInputError(f"--import-memory {source}: is a folder, not a memory export")
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError as error:
        raise UserInputError(f"--import-memory {source}: no such file") from error
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise UserInputError(f"--import-memory {source}: not valid JSON ({error})") from error
    except OSError as error:
        raise UserInputError(f"--import-memory {source}: cannot be read ({error.strerror or error})") from error
    if memory_path is None:
        raise UserInputError("--import-memory needs a memory to import into (not --memory none)")
    memory = PlanMemory(memory_path)
    try:
        memory.import_json(data)
    except ValueError as error:
        raise UserInputError(f"--import-memory {source}: {error}") from error
    finally:
        memory.close()


def _export_memory(target: str | None, memory_path: Path | None) -> None:
    if not target or memory_path is None:
        return
    from envs.errors import UserInputError
    from memory.plan_memory import PlanMemory

    memory = PlanMemory(memory_path)
    try:
        Path(target).write_text(json.dumps(memory.export_json(), indent=1))
    except OSError as error:
        raise UserInputError(f"--export-memory {target}: cannot write it ({error.strerror or error}); the run's "
                             "result is above and the memory is in its SQLite file") from error
    finally:
        memory.close()


def _report(console, record: dict) -> None:
    from rich.table import Table

    console.print(f"[bold]sub-goal tree[/] for {record['count']} {record['goal']}:")
    console.print(record["tree"] or "(none)", markup=False, highlight=False)
    console.print(f"[bold]actions[/] ({len(record['action_log'])}):")
    for line in record["action_log"]:
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    table = Table(title="milestones")
    table.add_column("milestone")
    table.add_column("first held at step", justify="right")
    for name, step in record["milestones"].items():
        table.add_row(name, "-" if step is None else str(step))
    console.print(table)
    verdict = "[green]success" if record["success"] else f"[red]failed[/] ({record['reason']})"
    console.print(f"{verdict}: {record['steps']} steps, {record['actions']} actions, {record['planner_queries']} "
                  f"planner queries ({record['repairs']} repaired, {record['fallbacks']} fallbacks, "
                  f"{record['invalid_actions']} invalid actions), {record['wall_s']:.1f} s")


def main(argv: list[str] | None = None) -> int:
    return run_command(run, build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
