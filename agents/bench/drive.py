"""The closed-loop driving benchmark: routes in parallel on Ray, resumable results."""

from __future__ import annotations

import argparse
import os
import socket
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from agents.bench.report import write_report
from agents.bench.results import ResultsFile
from agents.bench.routes import resolve_routes
from agents.bench.worker import drive_one
from agents.drive.runner import make_planner
from envs.errors import UserInputError


def check_address(address: str) -> None:
    """Fail fast on an unreachable cluster instead of waiting out Ray's own retries."""
    if address in ("auto", "local"):
        return
    target = address.removeprefix("ray://")
    host, _, port = target.rpartition(":")
    if not host or not port.isdigit():
        raise UserInputError(f"--address {address}: expected HOST:PORT (or ray://HOST:PORT)")
    try:
        socket.create_connection((host, int(port)), timeout=3.0).close()
    except OSError as error:
        raise UserInputError(f"--address {address}: cannot reach a Ray cluster there ({error.strerror or error})") \
            from error


def start_ray(address: str | None, workers: int) -> None:
    import ray

    os.environ.setdefault("RAY_TMPDIR", "/tmp/ray-mllm")
    Path(os.environ["RAY_TMPDIR"]).mkdir(parents=True, exist_ok=True)
    if address:
        check_address(address)
        ray.init(address=address, include_dashboard=False, log_to_driver=False)
    else:
        ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False,
                 _temp_dir=os.environ["RAY_TMPDIR"])


def run_drive_bench(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    if args.workers < 1:
        raise UserInputError("--workers must be at least 1")
    make_planner(args.planner, args.endpoint, args.model)  # an unknown planner fails here, before Ray starts
    if args.env:
        from agents.plugins import driving_env_factory

        driving_env_factory(args.env)
    route_set = resolve_routes(args.routes, args.town, args.xodr, args.seed)
    out = Path(args.out)
    options = {"planner": args.planner, "seed": args.seed, "vehicles": args.vehicles,
               "pedestrians": args.pedestrians, "decision_period_s": args.decision_period}
    settings = {"routes": route_set.name, "town": route_set.town, "xodr": route_set.xodr, **options}
    if args.env:
        options["env"] = settings["env"] = args.env
    if args.planner == "http":
        options["endpoint"] = settings["endpoint"] = args.endpoint
        options["model"] = settings["model"] = args.model
    results = ResultsFile(out / "results.json", settings)
    pending = [(i, r) for i, r in enumerate(route_set.routes) if r.id not in results.done_ids()]
    total = len(route_set.routes)
    console.print(f"{total} routes ({route_set.name}), {total - len(pending)} already done, {args.workers} workers")
    started = time.perf_counter()
    interrupted = False
    if pending:
        import ray

        start_ray(args.address, args.workers)
        task = ray.remote(num_cpus=1)(drive_one)
        futures = {task.remote(i, r.model_dump(), route_set.town, route_set.xodr, options): r.id for i, r in pending}
        columns = (TextColumn("[bold]routes"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        try:
            with Progress(*columns, console=console, transient=args.json) as progress:
                bar = progress.add_task("routes", total=total, completed=total - len(pending))
                remaining = list(futures)
                while remaining:
                    done, remaining = ray.wait(remaining, num_returns=1)
                    route_id = futures[done[0]]
                    try:
                        record = ray.get(done[0])
                    except ray.exceptions.RayTaskError as error:
                        progress.console.print(f"[red]route {route_id} failed: {error.cause}")
                        progress.advance(bar)
                        continue
                    results.add(record)
                    results.write(total, time.perf_counter() - started)
                    progress.console.print(f"route {route_id}: DS {record['scores']['score_composed']:.1f} "
                                           f"RC {record['scores']['score_route']:.1f} ({record['status']})")
                    progress.advance(bar)
        except KeyboardInterrupt:
            interrupted = True
            for future in futures:
                ray.cancel(future, force=True)
        finally:
            ray.shutdown()
    wall = time.perf_counter() - started
    record = results.write(total, wall)
    if results.records:
        write_report(out / "report.html", results.records, record, f"mllm-pilot driving benchmark: {route_set.name}",
                     route_set.town, route_set.xodr)
    console.print(f"driving score {record['driving_score']:.2f}  route completion {record['route_completion']:.2f}%  "
                  f"infraction penalty {record['infraction_penalty']:.3f}  ({record['routes']}/{total} routes, "
                  f"{wall:.0f} s)  -> {out / 'results.json'}, {out / 'report.html'}")
    if interrupted:
        console.print("interrupted: the finished routes are saved; run the same command again to resume")
    if args.json:
        import json

        print(json.dumps(record))
    return 130 if interrupted else 0
