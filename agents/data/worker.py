"""One route of the data engine, as a Ray task runs it: drive it closed loop with the expert (or a
learned driver and the expert as labeler), record a sample at every decision, return a summary."""

from __future__ import annotations

import time
from pathlib import Path

from agents.data.drive_samples import RecordingPlanner, SampleWriter, active_scenario
from agents.drive.runner import DriveOptions, make_planner, run_route
from scenarios.routes import RouteDefinition


def record_route(index: int, route: dict, town: str | None, xodr: str | None, options: dict, out: str,
                 collect: dict) -> dict:
    from envs.driving.maps import RoadMap
    from envs.driving.sim.simulator import EmbeddedDrivingSim
    from planners.backends import BackendOptions

    started = time.perf_counter()
    settings = dict(options)
    road_map = RoadMap.load(town, xodr)
    definition = RouteDefinition.model_validate(route)
    backend = BackendOptions(**settings.pop("backend")) if "backend" in settings else None
    driver = make_planner(settings["planner"], backend)
    labeler = make_planner(collect["labeler"]) if collect.get("labeler") else None
    writer = SampleWriter(Path(out), definition.id, collect.get("keep_majority", 1.0), settings.get("seed", 0))
    envs: list = []

    def env_factory(road_map, config):
        envs.append(EmbeddedDrivingSim(road_map, config))
        return envs[-1]

    planner = RecordingPlanner(driver, writer, labeler, scenario_of=lambda context: active_scenario(envs[-1], context))
    try:
        outcome = run_route(road_map, definition, DriveOptions(**settings), env_factory=env_factory, planner=planner)
    except BaseException:
        writer.abandon()
        raise
    shard = writer.finish()
    metrics = outcome.result.metrics
    return {"index": index, "route_id": definition.id, "shard": str(shard.relative_to(out)), "samples": writer.samples,
            "driving_score": metrics["driving_score"], "route_completion": metrics["route_completion"],
            "decisions": metrics["decisions"], "wall_s": round(time.perf_counter() - started, 2)}
