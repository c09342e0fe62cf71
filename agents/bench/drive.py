"""The closed-loop driving benchmark: routes in parallel on Ray, resumable results."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rich.console import Console

from agents.bench.parallel import run_jobs
from agents.bench.report import write_report
from agents.bench.results import ResultsFile
from agents.bench.routes import resolve_routes
from agents.bench.worker import drive_one, failed_route_record
from agents.hosting import host_setup
from agents.plugins import DRIVING_PLANNERS, check_planner, check_traffic_arguments
from envs.errors import UserInputError
from planners.backends import TEXT_BACKENDS, backend_options

NOT_DRIVABLE = "route not drivable"  # status of a route its own definition makes impossible (off the map)


def scenario_file_for(spec: str | None, route_set) -> tuple[Path | None, str]:
    """The scenario file the benchmark plays (resolved once here, so every worker plays the same)."""
    from envs.driving.maps import RoadMap
    from scenarios.scenario_files import resolve_scenarios

    road_map = RoadMap.load(route_set.town, route_set.xodr)
    Console(stderr=True).print(f"map: {road_map.source.describe()}; lights: {road_map.signals.describe()}")
    return resolve_scenarios(spec, road_map)


def run_drive_bench(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    if args.workers < 1:
        raise UserInputError("--workers must be at least 1")
    backend = backend_options(args)
    check_planner(args.planner, backend, DRIVING_PLANNERS)  # fails here, before Ray starts
    if args.env:
        from agents.plugins import driving_env_factory

        driving_env_factory(args.env)
    town, xodr, carla = args.town, args.xodr, None
    if args.carla_host:  # routes are planned on the server's own map; one server drives one route at a time
        from envs.driving.carla.server import CarlaConnection, CarlaServer

        if args.workers != 1 or args.env or args.xodr:
            raise UserInputError("--carla-host runs one route at a time on the server's own map: use --workers 1, "
                                 "and leave out --env and --xodr")
        carla = CarlaServer(args.carla_host, args.carla_port, args.carla_timeout, town=args.town or "Town05")
        connection = CarlaConnection.open(carla)
        town, xodr = connection.road_map.name, str(connection.road_map.source.xodr_path)
    check_traffic_arguments(args)
    route_set = resolve_routes(args.routes, town, xodr, args.seed)
    from envs.paths import check_output_dir

    out = check_output_dir(args.out, "--out")
    if args.max_time is not None and args.max_time <= 0:
        raise UserInputError("--max-time must be positive")
    scenario_file, scenario_source = scenario_file_for(args.scenarios, route_set)
    console.print(f"route scenarios: {scenario_file or 'none'} ({scenario_source})")
    options = {"planner": args.planner, "seed": args.seed, "traffic": args.traffic, "vehicles": args.vehicles,
               "pedestrians": args.pedestrians, "scenarios": str(scenario_file) if scenario_file else "none",
               "control_loss_noise": args.control_loss_noise, "decision_period_s": args.decision_period,
               "max_time_s": args.max_time, "decision_timeout_s": args.decision_timeout}
    settings = {"routes": route_set.name, "routes_digest": route_set.digest(), "town": route_set.town,
                "xodr": route_set.xodr, **options}
    if args.env:
        options["env"] = settings["env"] = args.env
    if carla is not None:
        options["carla"] = settings["carla"] = carla.to_dict()
    if args.planner in TEXT_BACKENDS:
        options["backend"] = backend.to_dict()
        settings["backend"] = backend.to_dict(with_secrets=False)
    results = ResultsFile(out / "results.json", settings)
    pending = [(i, r) for i, r in enumerate(route_set.routes) if r.id not in results.done_ids()]
    total = len(route_set.routes)
    console.print(f"{total} routes ({route_set.name}), {total - len(pending)} already done, {args.workers} workers")
    started = time.perf_counter()
    interrupted = False
    if pending:
        def keep(key: str, record: dict, out_console: Console) -> None:
            results.add(record)
            results.write(total, time.perf_counter() - started)
            out_console.print(f"{key}: DS {record['scores']['score_composed']:.1f} "
                              f"RC {record['scores']['score_route']:.1f} ({record['status']})")

        jobs = {f"route {r.id}": (i, r.model_dump(), route_set.town, route_set.xodr, options) for i, r in pending}

        def failed(key: str, error: BaseException, out_console: Console) -> None:
            index, route = jobs[key][:2]
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            kind = NOT_DRIVABLE if isinstance(error, UserInputError) else "route crashed"
            keep(key, failed_route_record(index, route, f"{kind}: {reason}"), out_console)

        setup = host_setup(args.planner, backend, options)
        interrupted = run_jobs(drive_one, jobs, "routes", total, console, args.json, args.address, args.workers, keep,
                               setup, on_failure=failed)
    wall = time.perf_counter() - started
    record = results.write(total, wall)
    if results.records:
        write_report(out / "report.html", results.records, record, f"mllm-pilot driving benchmark: {route_set.name}",
                     route_set.town, route_set.xodr)
    console.print(f"driving score {record['driving_score']:.2f}  route completion {record['route_completion']:.2f}%  "
                  f"infraction penalty {record['infraction_penalty']:.3f}  ({record['routes']}/{total} routes, "
                  f"scenarios {record['scenarios_triggered']} triggered of {record['scenarios_matched']} matched, "
                  f"{wall:.0f} s)  -> {out / 'results.json'}, {out / 'report.html'}")
    if interrupted:
        console.print("interrupted: the finished routes are saved; run the same command again to resume")
    if args.json:
        import json

        print(json.dumps(record))
    if interrupted:
        return 130
    not_drivable = [r for r in results.records if r["status"].startswith(f"Failed - {NOT_DRIVABLE}")]
    if not_drivable:  # the route file's fault: scored 0 as the Leaderboard does, and said as an input error
        listed = "; ".join(f"{r['route_id']} ({r['status'].split(': ', 1)[1]})" for r in not_drivable)
        print(f"error: {len(not_drivable)} route(s) could not be driven as given, scored 0: {listed}",
              file=sys.stderr)
        return 2
    return 0
