"""Which routes a benchmark drives: the Town05 Long set, N procedural routes, or a route file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from envs.errors import UserInputError
from scenarios.reference_data import carla_reference_file
from scenarios.routes import RouteDefinition, read_routes


@dataclass(frozen=True)
class RouteSet:
    name: str
    routes: list[RouteDefinition]
    town: str | None
    xodr: str | None

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for route in self.routes:
            if route.id in seen:
                raise UserInputError(f"--routes {self.name}: route id {route.id!r} is used twice (results are kept by "
                                     "route id)")
            seen.add(route.id)

    def digest(self) -> str:
        """What the routes are (points, scenarios), not what their file is called: results made on other
        routes under the same name are not taken for these."""
        import hashlib

        text = "\n".join(route.model_dump_json() for route in self.routes)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def resolve_routes(spec: str, town: str | None, xodr: str | None, seed: int) -> RouteSet:
    if spec == "town05_long":
        routes_file = carla_reference_file("routes_town05_long.xml")
        if routes_file is None:
            raise UserInputError("town05_long needs routes_town05_long.xml: set MLLM_PILOT_CARLA_DATA to the folder "
                                 "holding it (and Town05.xodr), or pass --routes FILE --xodr FILE")
        if xodr is None:
            map_file = carla_reference_file("Town05.xodr")
            if map_file is None:
                raise UserInputError("town05_long needs the real Town05.xodr: pass --xodr FILE")
            xodr = str(map_file)
        return RouteSet("town05_long", read_routes(routes_file), "Town05", xodr)
    if spec.startswith("procedural:"):
        count_text = spec.split(":", 1)[1]
        if not count_text.isdigit() or int(count_text) < 1:
            raise UserInputError(f"--routes {spec}: expected procedural:N with N a positive number")
        from envs.driving.maps import RoadMap
        from envs.driving.routing import RoadGraph
        from scenarios.generate import generate_routes

        road_map = RoadMap.load(town, xodr)
        routes = generate_routes(RoadGraph(road_map.carla_map), road_map.name, int(count_text), seed)
        return RouteSet(spec, routes, town, xodr)
    path = Path(spec)
    if not path.exists() and ":" in spec:
        from agents.plugins import load_routes

        routes = load_routes(spec)
        return RouteSet(spec, routes, town or routes[0].town or None, xodr)
    if not path.exists():
        raise UserInputError(f"--routes {spec}: not town05_long, procedural:N, an existing route file or "
                             "module:object")
    routes = read_routes(path)
    return RouteSet(path.name, routes, town or routes[0].town or None, xodr)
