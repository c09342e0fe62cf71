"""One benchmark route, as a Ray task runs it: load the map, drive, return the record."""

from __future__ import annotations

import time

from agents.drive.runner import DriveOptions, run_route
from envs.driving.criteria import INFRACTION_KINDS
from scenarios.routes import RouteDefinition

PATH_SAMPLE_TICKS = 20


def drive_one(index: int, route: dict, town: str | None, xodr: str | None, options: dict) -> dict:
    from envs.driving.maps import RoadMap

    started = time.perf_counter()
    settings = dict(options)
    env_factory = None
    if "carla" in settings:  # a CARLA server: its map, its env
        from envs.driving.carla.server import CarlaConnection, CarlaServer

        connection = CarlaConnection.open(CarlaServer(**settings.pop("carla")))
        road_map, env_factory = connection.road_map, connection.env_factory()
    else:
        road_map = RoadMap.load(town, xodr)
    definition = RouteDefinition.model_validate(route)
    path: list[list[float]] = []

    def on_tick(observation, events) -> None:
        if observation.tick % PATH_SAMPLE_TICKS == 0:
            path.append([round(observation.ego.x, 1), round(observation.ego.y, 1)])

    from agents.drive.runner import make_planner
    from agents.plugins import driving_env_factory
    from planners.backends import BackendOptions

    env_factory = env_factory or driving_env_factory(settings.pop("env", None))
    backend = BackendOptions(**settings.pop("backend")) if "backend" in settings else None
    planner = make_planner(settings["planner"], backend)
    outcome = run_route(road_map, definition, DriveOptions(**settings), on_tick=on_tick, env_factory=env_factory,
                        planner=planner)
    result = outcome.result
    infractions = {kind: [] for kind in INFRACTION_KINDS}
    points = []
    for event in result.infractions:
        infractions[event.kind].append(event.message)
        points.append({"kind": event.kind, "x": round(event.x, 1), "y": round(event.y, 1), "time_s": event.time_s})
    metrics = result.metrics
    return {
        "index": index, "route_id": definition.id, "status": result.details["status"],
        "infractions": infractions,
        "scores": {"score_route": metrics["route_completion"], "score_penalty": metrics["infraction_penalty"],
                   "score_composed": metrics["driving_score"]},
        "meta": {"route_length": metrics["route_length_m"], "driven_route_m": metrics["driven_route_m"],
                 "duration_game": result.timings.sim_s, "duration_system": time.perf_counter() - started,
                 "decisions": metrics["decisions"], "planner_repairs": metrics["planner_repairs"],
                 "planner_fallbacks": metrics["planner_fallbacks"], "map": result.details["map"],
                 "vehicles": result.details.get("vehicles"), "pedestrians": result.details.get("pedestrians")},
        "scenarios": result.details.get("scenarios", []),
        "route": result.details.get("route_xy", []), "path": path, "infraction_points": points,
    }


def failed_route_record(index: int, route: dict, reason: str) -> dict:
    """A route that crashed or could not be planned: scored 0 and counted, as the Leaderboard does."""
    definition = RouteDefinition.model_validate(route)
    points = [(p.x, p.y, p.z) for p in definition.waypoints]
    length = sum(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2) ** 0.5
                 for a, b in zip(points[:-1], points[1:]))
    return {"index": index, "route_id": definition.id, "status": f"Failed - {reason}",
            "infractions": {kind: [] for kind in INFRACTION_KINDS},
            "scores": {"score_route": 0.0, "score_penalty": 1.0, "score_composed": 0.0},
            "meta": {"route_length": length, "driven_route_m": 0.0, "duration_game": 0.0, "duration_system": 0.0,
                     "decisions": 0, "planner_repairs": 0, "planner_fallbacks": 0, "map": None},
            "scenarios": [], "route": [[p[0], p[1]] for p in points], "path": [], "infraction_points": []}
