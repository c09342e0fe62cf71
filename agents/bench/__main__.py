"""Closed-loop benchmarks.

    python -m agents.bench drive --routes procedural:10 --planner rule --workers 2 --out runs/bench
    python -m agents.bench drive --routes town05_long --out runs/town05_long --json
    python -m agents.bench minecraft --task obtain_diamond --episodes 40 --workers 2 --out runs/diamond
"""

from __future__ import annotations

import argparse
import sys

from agents.plugins import add_planner_arguments, add_route_arguments, add_traffic_arguments, add_world_arguments
from envs.cli import MAX_EPISODES, ArgumentParser, count, positive_seconds, run_command, seed


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="python -m agents.bench", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=ArgumentParser)
    drive = commands.add_parser("drive", help="drive a set of routes and score them like the CARLA Leaderboard")
    add_route_arguments(drive)
    drive.add_argument("--env", metavar="MODULE:FACTORY",
                       help="your driving env, a factory called with (road_map, sim_config)")
    add_planner_arguments(drive, ray_flag=False)
    drive.add_argument("--workers", type=count(256, 1), default=2, help="parallel routes (Ray tasks)")
    drive.add_argument("--out", required=True, help="folder for results.json and report.html")
    drive.add_argument("--address", help="an existing Ray cluster (HOST:PORT); default: a local one")
    drive.add_argument("--carla-host", help="drive the routes on a running CARLA server (one at a time)")
    drive.add_argument("--carla-port", type=int, default=2000, help="the CARLA server's port")
    drive.add_argument("--carla-timeout", type=positive_seconds, default=10.0,
                       help="seconds to wait for the CARLA server")
    drive.add_argument("--seed", type=seed, default=0, help="traffic seed, and the procedural routes' (default 0)")
    add_traffic_arguments(drive)
    drive.add_argument("--decision-period", type=positive_seconds, default=0.5,
                       help="seconds between decisions (default 0.5)")
    drive.add_argument("--max-time", type=positive_seconds, metavar="S",
                       help="stop each route after S simulated seconds, scored as it stands (a smoke run)")
    drive.add_argument("--json", action="store_true", help="print the global record as JSON on the last line")
    minecraft = commands.add_parser("minecraft", help="run Minecraft tasks and report success per milestone")
    minecraft.add_argument("--task", default="obtain_diamond",
                           help="obtain_diamond | tech_tree | a Minecraft item | module:object (your task or tasks)")
    minecraft.add_argument("--env", metavar="MODULE:FACTORY", help="your Minecraft env (default: the embedded world)")
    minecraft.add_argument("--episodes", type=count(MAX_EPISODES, 1), default=10,
                           help="seeded episodes per task (default 10)")
    minecraft.add_argument("--seed", type=seed, default=0, help="first seed (default 0)")
    add_planner_arguments(minecraft, ray_flag=False)
    minecraft.add_argument("--max-steps", type=int, default=12_000,
                           help="primitive steps an episode may take (12,000 = 10 min at 20 Hz)")
    add_world_arguments(minecraft)
    minecraft.add_argument("--memory", metavar="FILE",
                           help="SQLite plan memory shared by the episodes (default: OUT/memory.sqlite, kept between "
                                "runs); 'none' gives each episode an empty one")
    minecraft.add_argument("--workers", type=count(256, 1), default=2, help="parallel episodes (Ray tasks)")
    minecraft.add_argument("--out", required=True, help="folder for results.json and report.html")
    minecraft.add_argument("--address", help="an existing Ray cluster (HOST:PORT); default: a local one")
    minecraft.add_argument("--json", action="store_true", help="print the aggregate as JSON on the last line")
    return parser


def run(args: argparse.Namespace) -> int:
    if args.command == "minecraft":
        from agents.bench.minecraft import run_minecraft_bench

        return run_minecraft_bench(args)
    from agents.bench.drive import run_drive_bench

    return run_drive_bench(args)


def main(argv: list[str] | None = None) -> int:
    return run_command(run, build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
