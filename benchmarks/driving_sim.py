"""Embedded driving simulator throughput: ticks/s with and without sensors.

Runs one route with the simulator's autopilot driving and times only the simulator's
step (ego + SUMO traffic + Leaderboard criteria + sensors), in three configurations:
(a) no images, (b) BEV, (c) BEV + front camera. The reference is raw libsumo stepping
the same net with the same traffic, measured in the same run.

    python benchmarks/driving_sim.py [--town Town05 | --xodr FILE] [--ticks 1500] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from rich.console import Console
from rich.table import Table

from envs.cli import ArgumentParser, run_command
from envs.driving.maps import RoadMap
from envs.driving.sim.autopilot import RouteAutopilot
from envs.driving.sim.simulator import EmbeddedDrivingSim, SimConfig
from scenarios.generate import generate_routes

CONFIGURATIONS = {
    "ticks_per_s_no_images": SimConfig(bev=False, camera=False),
    "ticks_per_s_bev": SimConfig(bev=True, camera=False),
    "ticks_per_s_bev_camera": SimConfig(bev=True, camera=True),
}


def time_simulator(road_map: RoadMap, config: SimConfig, route, ticks: int, seed: int, vehicles: int,
                   pedestrians: int) -> float:
    with EmbeddedDrivingSim(road_map, config) as sim:
        observation = sim.reset(route.scenario(seed=seed, vehicles=vehicles, pedestrians=pedestrians))
        autopilot = RouteAutopilot(sim.route)
        if config.bev or config.camera:
            sim.build_sensors()  # the map raster is built (or loaded) outside the timing
        spent, done = 0.0, 0
        for _ in range(ticks):
            control = autopilot(observation)
            started = time.perf_counter()
            result = sim.step(control)
            spent += time.perf_counter() - started
            done += 1
            observation = result.observation
            if result.terminated:
                break
        return done / spent


def time_raw_libsumo(road_map: RoadMap, route, ticks: int, seed: int, vehicles: int, pedestrians: int) -> float:
    with EmbeddedDrivingSim(road_map, SimConfig(bev=False, camera=False)) as sim:
        sim.reset(route.scenario(seed=seed, vehicles=vehicles, pedestrians=pedestrians))
        step = sim.traffic.libsumo.simulationStep
        started = time.perf_counter()
        for _ in range(ticks):
            step()
        return ticks / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(prog="benchmarks/driving_sim.py", description=__doc__.splitlines()[0])
    parser.add_argument("--town", default="Town05")
    parser.add_argument("--xodr", help="OpenDRIVE file to use instead of a town")
    parser.add_argument("--ticks", type=int, default=1500)
    parser.add_argument("--vehicles", type=int, default=60)
    parser.add_argument("--pedestrians", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    return run_command(benchmark, parser, argv)


def benchmark(args: argparse.Namespace) -> int:
    console = Console(stderr=args.json)
    road_map = RoadMap.load(args.town, args.xodr)
    console.print(f"map: {road_map.source.describe()}")
    sim = EmbeddedDrivingSim(road_map)
    route = generate_routes(sim.graph, road_map.name, 1, seed=args.seed)[0]
    figures: dict[str, float] = {}
    for name, config in CONFIGURATIONS.items():
        figures[name] = time_simulator(road_map, config, route, args.ticks, args.seed, args.vehicles, args.pedestrians)
    figures["libsumo_ticks_per_s"] = time_raw_libsumo(road_map, route, args.ticks, args.seed, args.vehicles,
                                                      args.pedestrians)
    table = Table(title=f"embedded simulator, {args.vehicles} vehicles + {args.pedestrians} pedestrians, "
                        f"{args.ticks} ticks")
    table.add_column("configuration")
    table.add_column("ticks/s", justify="right")
    table.add_column("x real time (20 Hz)", justify="right")
    table.add_column("vs raw libsumo", justify="right")
    for name, value in figures.items():
        table.add_row(name, f"{value:,.0f}", f"{value / 20:,.1f}", f"{value / figures['libsumo_ticks_per_s']:.2f}")
    console.print(table)
    if args.json:
        print(json.dumps({**{k: round(v, 1) for k, v in figures.items()}, "map": road_map.name,
                          "vehicles": args.vehicles, "pedestrians": args.pedestrians, "ticks": args.ticks}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
