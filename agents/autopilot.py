"""Drive one route with the embedded simulator's own autopilot and print the Leaderboard score:
a baseline for the agents, and a quick look at a map, a route and the traffic.

    python -m agents.autopilot --town Town05
    python -m agents.autopilot --xodr ../shared/data/carla/Town05.xodr \\
        --routes ../shared/data/carla/routes_town05_long.xml --route 16 --json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from envs.cli import ArgumentParser, count, positive_seconds, run_command, seed
from envs.errors import UserInputError


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="python -m agents.autopilot", description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--town", default="Town05", help="town name: built-in procedural town, or a CARLA town "
                        "found under $CARLA_ROOT (default Town05)")
    parser.add_argument("--xodr", help="an OpenDRIVE file to drive on instead")
    parser.add_argument("--routes", help="a Leaderboard route file (default: one seeded procedural route)")
    parser.add_argument("--route", help="route id in the route file (default: the first)")
    parser.add_argument("--seed", type=seed, default=0, help="traffic seed, and the procedural route's")
    parser.add_argument("--vehicles", type=count(2000), default=60, help="background vehicles")
    parser.add_argument("--pedestrians", type=count(2000), default=40, help="pedestrians")
    parser.add_argument("--max-time", type=positive_seconds, metavar="S",
                        help="stop after this much simulated time (default: the route's time limit)")
    parser.add_argument("--snapshot", help="folder for the final camera and BEV pictures")
    parser.add_argument("--json", action="store_true", help="print the episode result as JSON on the last line")
    return parser


def main(argv: list[str] | None = None) -> int:
    return run_command(run, build_parser(), argv)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from envs.driving.maps import RoadMap
    from envs.driving.sim.autopilot import RouteAutopilot
    from envs.driving.sim.simulator import EmbeddedDrivingSim, SimConfig
    from scenarios.generate import choose_route

    if args.max_time is not None and args.max_time <= 0:
        raise UserInputError("--max-time must be positive")
    console = Console(stderr=True)
    road_map = RoadMap.load(args.town, args.xodr)
    console.print(f"map: {road_map.source.describe()}")
    from envs.paths import check_output_dir

    snapshot = check_output_dir(args.snapshot, "--snapshot") if args.snapshot else None
    sim = EmbeddedDrivingSim(road_map, SimConfig(bev=snapshot is not None, camera=snapshot is not None))
    route = choose_route(road_map, args.routes, args.route, args.seed)
    scenario = route.scenario(seed=args.seed, vehicles=args.vehicles, pedestrians=args.pedestrians)
    with sim:
        observation = sim.reset(scenario)
        console.print(f"route {route.id}: {sim.route.length_m:.0f} m, timeout {sim.criteria.timeout_s:.0f} s")
        autopilot = RouteAutopilot(sim.route)
        limit_ticks = int(args.max_time / sim.dt) if args.max_time else None
        columns = (TextColumn("[bold]route {task.fields[route]}"), BarColumn(), TextColumn("{task.percentage:>5.1f}%"),
                   TextColumn("{task.fields[speed]:>4.1f} m/s"), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=args.json) as progress:
            task = progress.add_task("drive", total=100.0, route=route.id, speed=0.0)
            try:
                while True:
                    result = sim.step(autopilot(observation))
                    observation = result.observation
                    if sim.tick % 20 == 0 or result.terminated:
                        progress.update(task, completed=observation.route_completion, speed=observation.ego.speed)
                    for event in result.events:
                        progress.console.print(f"[red]{event.time_s:7.1f} s  {event.kind}: {event.message}")
                    if result.terminated:
                        break
                    if limit_ticks is not None and sim.tick >= limit_ticks:
                        sim.stop_early(f"stopped after --max-time {args.max_time:g}")
                        break
            except KeyboardInterrupt:
                sim.stop_early("interrupted by the user")
        result = sim.episode_result()
        if snapshot is not None:
            _save_snapshot(snapshot, observation)
    metrics = result.metrics
    console.print(f"driving score {metrics['driving_score']:.1f}  route completion {metrics['route_completion']:.1f}%  "
                  f"infraction penalty {metrics['infraction_penalty']:.3f}  ({result.details['status']})")
    counts = {kind: n for kind, n in result.details["infraction_counts"].items() if n}
    console.print(f"infractions: {counts or 'none'}")
    if args.json:
        print(json.dumps({"route_id": result.scenario_id, "map": result.details["map"],
                          "driving_score": metrics["driving_score"], "route_completion": metrics["route_completion"],
                          "infraction_penalty": metrics["infraction_penalty"], "status": result.details["status"],
                          "infractions": result.details["infraction_counts"], "ticks": result.timings.ticks,
                          "wall_s": result.timings.wall_s}))
    return 0


def _save_snapshot(folder: Path, observation) -> None:
    import cv2

    from envs.driving.sim.sensors.bev import bev_to_rgb

    folder.mkdir(parents=True, exist_ok=True)
    if "front" in observation.images:
        cv2.imwrite(str(folder / "front.png"), cv2.cvtColor(observation.images["front"], cv2.COLOR_RGB2BGR))
    if observation.bev is not None:
        cv2.imwrite(str(folder / "bev.png"), cv2.cvtColor(bev_to_rgb(observation.bev), cv2.COLOR_RGB2BGR))


if __name__ == "__main__":
    sys.exit(main())
