"""Seeded long routes on any map, in the Leaderboard route format.

    python -m scenarios.generate --town Town05 --count 10 --seed 0 --out routes.xml

A route is a random walk through the lane graph that never reuses a road, kept when its
length falls in the requested range (Town05 Long routes are 1-2 km). Its waypoints are
the middle of each non-junction lane piece it passes, like the sparse points of the
Leaderboard's own files.
"""

from __future__ import annotations

import argparse
import random
import sys

import numpy as np

from envs.cli import ArgumentParser, run_command, seed
from envs.driving.contracts import Pose
from envs.driving.routing import RoadGraph
from envs.errors import UserInputError
from scenarios.routes import RouteDefinition, read_routes, select_route, write_routes

MAX_ATTEMPTS = 2000


def generate_routes(graph: RoadGraph, town: str, count: int, seed: int, min_length_m: float = 1000.0,
                    max_length_m: float = 2000.0, id_prefix: str = "procedural") -> list[RouteDefinition]:
    rng = random.Random(seed)
    starts = [s.index for s in graph.segments if not s.is_junction and s.length >= 20.0 and s.successors]
    if not starts:
        raise UserInputError(f"{town}: the map has no lane long enough to start a route")
    routes: list[RouteDefinition] = []
    for _ in range(MAX_ATTEMPTS):
        if len(routes) == count:
            return routes
        walk = _random_walk(graph, rng.choice(starts), rng, max_length_m)
        length = sum(graph.segments[i].length for i in walk)
        if length < min_length_m:
            continue
        poses = _sparse_waypoints(graph, walk)
        if len(poses) >= 2:
            routes.append(RouteDefinition(id=f"{id_prefix}_{len(routes)}", town=town, waypoints=poses))
    raise UserInputError(f"{town}: found only {len(routes)} of {count} routes of {min_length_m:.0f}-"
                         f"{max_length_m:.0f} m; the map may be too small")


def choose_route(road_map, routes_file: str | None, route_id: str | None, seed: int) -> RouteDefinition:
    """The route a CLI drives: `--route` from `--routes FILE`, or one seeded route on the map."""
    if routes_file:
        return select_route(read_routes(routes_file), route_id, routes_file)
    if route_id is not None:
        raise UserInputError("--route needs --routes FILE")
    return generate_routes(RoadGraph(road_map.carla_map), road_map.name, 1, seed=seed)[0]


def _random_walk(graph: RoadGraph, start: int, rng: random.Random, max_length_m: float) -> list[int]:
    walk, used_roads, length = [start], {graph.segments[start].key[0]}, graph.segments[start].length
    while True:
        current_road = graph.segments[walk[-1]].key[0]
        options = [i for i in graph.segments[walk[-1]].successors
                   if graph.segments[i].key[0] not in used_roads or graph.segments[i].key[0] == current_road]
        options = [i for i in options if length + graph.segments[i].length <= max_length_m]
        if not options:
            return walk
        step = rng.choice(sorted(options))
        walk.append(step)
        used_roads.add(graph.segments[step].key[0])
        length += graph.segments[step].length


def _sparse_waypoints(graph: RoadGraph, walk: list[int]) -> list[Pose]:
    poses = []
    pieces = [i for i in walk if not graph.segments[i].is_junction and graph.segments[i].length >= 4.0]
    for number, index in enumerate(pieces):
        points = graph.segments[index].points()
        row = len(points) // 2
        if number == 0:
            row = min(2, len(points) - 1)
        elif number == len(pieces) - 1:
            row = max(len(points) - 3, 0)
        x, y, z, yaw = (float(v) for v in points[row])
        poses.append(Pose(x=x, y=y, z=z, yaw=yaw))
    # neighbouring pieces of one road in a chain give points too close together to be useful
    kept = [poses[0]]
    for pose in poses[1:]:
        if np.hypot(pose.x - kept[-1].x, pose.y - kept[-1].y) >= 15.0:
            kept.append(pose)
    return kept


def _command(args: argparse.Namespace) -> int:
    from envs.driving.maps import RoadMap

    if args.count < 1:
        raise UserInputError("--count must be at least 1")
    if not 0 < args.min_length < args.max_length:
        raise UserInputError("--min-length must be positive and below --max-length")
    from envs.paths import check_output_file

    check_output_file(args.out, "--out")
    road_map = RoadMap.load(args.town, args.xodr)
    print(f"map: {road_map.source.describe()}", file=sys.stderr)
    routes = generate_routes(RoadGraph(road_map.carla_map), road_map.name, args.count, args.seed, args.min_length,
                             args.max_length)
    write_routes(args.out, routes)
    print(f"wrote {len(routes)} routes to {args.out}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="python -m scenarios.generate", description="Write seeded long routes on a map "
                            "as a CARLA Leaderboard route file.")
    parser.add_argument("--town", default="Town05", help="built-in town, or a CARLA town under $CARLA_ROOT")
    parser.add_argument("--xodr", help="an OpenDRIVE file instead of a town")
    parser.add_argument("--count", type=int, default=10, help="routes to write")
    parser.add_argument("--seed", type=seed, default=0, help="seed of the route walks")
    parser.add_argument("--min-length", type=float, default=1000.0, help="shortest route, metres")
    parser.add_argument("--max-length", type=float, default=2000.0, help="longest route, metres")
    parser.add_argument("--out", required=True, help="route file to write")
    return parser


def main(argv: list[str] | None = None) -> int:
    return run_command(_command, build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
