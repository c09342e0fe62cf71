"""Drive one route with the DriveMLM-style agent on the embedded simulator.

    python -m agents.drive --town Town05
    python -m agents.drive --xodr ../shared/data/carla/Town05.xodr \\
        --routes ../shared/data/carla/routes_town05_long.xml --route 16 --record runs/16 --json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from agents.plugins import add_planner_arguments, add_run_arguments, add_traffic_arguments, console_with_logging
from envs.cli import ArgumentParser, positive_seconds, run_command, seed
from envs.driving.cache import cache_dir


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="python -m agents.drive", description=__doc__.splitlines()[0])
    parser.add_argument("--town", default=None,
                        help="built-in town, or a CARLA town under $CARLA_ROOT (default Town05; with --xodr: the "
                             "map's name, default the file's name)")
    parser.add_argument("--xodr", help="an OpenDRIVE map file instead of a town")
    parser.add_argument("--routes", help="a Leaderboard route file, or module:object (your RouteDefinition or list); "
                                         "default: one seeded procedural route")
    parser.add_argument("--route", help="route id in the route file (default: the first)")
    add_planner_arguments(parser)
    parser.add_argument("--env", metavar="MODULE:FACTORY",
                        help="your driving env, a factory called with (road_map, sim_config); default: the embedded "
                             "simulator")
    parser.add_argument("--carla-host", help="drive on a running CARLA server at this host instead of the embedded "
                                             "simulator (its --town is loaded there)")
    parser.add_argument("--carla-port", type=int, default=2000, help="the CARLA server's port (default 2000)")
    parser.add_argument("--carla-timeout", type=positive_seconds, default=10.0,
                        help="seconds to wait for the CARLA server (default 10)")
    parser.add_argument("--perception", metavar="KIND",
                        help="add a perception model's features of the camera images to the planner's context: "
                             "flash_internimage_t|s|b or internvit (oracle perception stays on)")
    parser.add_argument("--perception-model", metavar="PATH",
                        help="its weights: a FlashInternImage checkpoint, or an InternVL directory for internvit")
    parser.add_argument("--seed", type=seed, default=0, help="seed of the traffic and the default route (default 0)")
    add_traffic_arguments(parser)
    parser.add_argument("--decision-period", type=positive_seconds, default=0.5, help="seconds between decisions")
    parser.add_argument("--max-time", type=positive_seconds, metavar="S",
                        help="stop after S simulated seconds, scored as it stands (default: the whole route)")
    parser.add_argument("--instruction", help='a user instruction, e.g. "overtake the car ahead"')
    add_run_arguments(parser, "drive", "route, seed and settings")
    return parser


def run(args: argparse.Namespace) -> int:
    if args.mermaid:
        from agents.drive.graph import mermaid

        print(mermaid())
        return 0
    from agents.drive.runner import make_planner
    from agents.plugins import check_traffic_arguments

    console = console_with_logging()
    check_traffic_arguments(args)
    from agents.hosting import planner_backend
    from planners.backends import backend_options

    with planner_backend(args.planner, backend_options(args), args.ray_planner) as backend:
        return drive(args, make_planner(args.planner, backend), console)


def drive(args: argparse.Namespace, planner, console) -> int:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from agents.drive.runner import DriveOptions, run_route
    from agents.plugins import driving_env_factory
    from envs.driving.maps import RoadMap
    from envs.errors import UserInputError
    from scenarios.generate import choose_route

    if args.carla_host:
        from envs.driving.carla.server import CarlaConnection, CarlaServer

        if args.env or args.xodr:
            raise UserInputError("--carla-host drives the server's own map: leave out --env and --xodr")
        carla = CarlaConnection.open(CarlaServer(args.carla_host, args.carla_port, args.carla_timeout,
                                                 town=args.town or "Town05"))
        road_map, env_factory = carla.road_map, carla.env_factory()
    else:
        env_factory = driving_env_factory(args.env)  # a path that does not resolve fails here, before the map loads
        road_map = RoadMap.load(args.town, args.xodr)
    console.print(f"map: {road_map.source.describe()}")
    console.print(f"lights: {road_map.signals.describe()}")
    from scenarios.scenario_files import resolve_scenarios

    scenario_file, scenario_source = resolve_scenarios(args.scenarios, road_map)
    console.print(f"route scenarios: {scenario_file or 'none'} ({scenario_source})")
    if args.routes and ":" in args.routes and not Path(args.routes).exists():
        from agents.plugins import load_routes
        from scenarios.routes import select_route

        route = select_route(load_routes(args.routes), args.route, args.routes)
    else:
        route = choose_route(road_map, args.routes, args.route, args.seed)
    perception = None
    if args.perception:
        from perception.service import KINDS, PerceptionClient, PerceptionHost

        if args.perception not in KINDS:
            raise UserInputError(f"--perception {args.perception}: kinds are {', '.join(KINDS)}")
        try:
            perception = PerceptionClient(PerceptionHost(args.perception, args.perception_model))
        except (ValueError, OSError) as error:
            raise UserInputError(f"--perception {args.perception}: {error}") from error
    from envs.paths import CHECKPOINT_TABLES, check_output_dir, check_state_database

    checkpoint = Path(args.checkpoint) if args.checkpoint else cache_dir("checkpoints") / "drive.sqlite"
    check_state_database(checkpoint, "--checkpoint", CHECKPOINT_TABLES)
    if args.record:
        check_output_dir(args.record, "--record")
    options = DriveOptions(planner=args.planner, seed=args.seed, traffic=args.traffic, vehicles=args.vehicles,
                           pedestrians=args.pedestrians, scenarios=str(scenario_file) if scenario_file else "none",
                           control_loss_noise=args.control_loss_noise,
                           decision_period_s=args.decision_period, checkpoint=checkpoint, fresh=args.fresh,
                           record_dir=Path(args.record) if args.record else None, instruction=args.instruction,
                           max_time_s=args.max_time, decision_timeout_s=args.decision_timeout)
    columns = (TextColumn(f"[bold]route {route.id}"), BarColumn(), TextColumn("{task.percentage:>5.1f}%"),
               TextColumn("{task.fields[speed]:>5.1f} km/h"), TextColumn("{task.fields[events]}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=args.json) as progress:
        task = progress.add_task("drive", total=100.0, speed=0.0, events="")

        def on_tick(observation, events) -> None:
            for event in events:
                progress.console.print(f"[red]{event.time_s:7.1f} s  {event.kind}: {event.message}")
            if observation.tick % 20 == 0:
                progress.update(task, completed=observation.route_completion, speed=observation.ego.speed * 3.6)

        outcome = run_route(road_map, route, options, on_tick=on_tick, planner=planner, env_factory=env_factory,
                            perception=perception)
        progress.update(task, completed=outcome.result.metrics["route_completion"])
    result = outcome.result
    if outcome.resumed_from_tick:
        console.print(f"resumed from tick {outcome.resumed_from_tick}")
    metrics = result.metrics
    console.print(f"driving score {metrics['driving_score']:.1f}  route completion {metrics['route_completion']:.1f}%  "
                  f"infraction penalty {metrics['infraction_penalty']:.3f}  ({result.details['status']})")
    counts = {kind: n for kind, n in result.details["infraction_counts"].items() if n}
    console.print(f"infractions: {counts or 'none'};  decisions {metrics['decisions']:.0f}, "
                  f"repaired {metrics['planner_repairs']:.0f}, fallbacks {metrics['planner_fallbacks']:.0f}")
    if args.record:
        console.print(f"recorded to {args.record}")
    if args.json:
        print(json.dumps(episode_record(result, route.id)))
    if outcome.interrupted:
        console.print("interrupted: run the same command again to resume from the checkpoint")
        return 130
    return 0


def episode_record(result, route_id: str) -> dict:
    metrics = result.metrics
    return {"route_id": route_id, "map": result.details["map"], "driving_score": metrics["driving_score"],
            "route_completion": metrics["route_completion"], "infraction_penalty": metrics["infraction_penalty"],
            "infractions": result.details["infraction_counts"], "status": result.details["status"],
            "route_length_m": metrics["route_length_m"], "decisions": int(metrics["decisions"]),
            "planner_repairs": int(metrics["planner_repairs"]), "planner_fallbacks": int(metrics["planner_fallbacks"]),
            "ticks": result.timings.ticks, "sim_s": result.timings.sim_s, "wall_s": result.timings.wall_s,
            "resumed_from_tick": result.details.get("resumed_from_tick", 0), "planner": result.details.get("planner"),
            "vehicles": result.details.get("vehicles"), "pedestrians": result.details.get("pedestrians"),
            "scenarios": result.details.get("scenarios", [])}


def main(argv: list[str] | None = None) -> int:
    return run_command(run, build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
