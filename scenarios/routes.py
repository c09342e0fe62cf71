"""CARLA Leaderboard route files: read, write, and turn into driving scenarios.

Leaderboard 1.0: `<routes><route id=".." town=".."><waypoint x y z pitch roll yaw/>...`.
Leaderboard 2.0: `<routes><route id town><waypoints><position x y z/>...</waypoints>
<scenarios><scenario name type><trigger_point x y z yaw/>...</scenario></scenarios>`: the
scenarios a route lists are kept with it (this simulator plays the Leaderboard 1.0 types only;
others are reported as unsupported).
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

from pydantic import Field, ValidationError

from envs.contracts import Contract
from envs.driving.contracts import DrivingScenario, Pose, ScenarioTrigger
from envs.errors import UserInputError

WAYPOINT_FIELDS = ("pitch", "roll", "x", "y", "yaw", "z")


class RouteDefinition(Contract):
    id: str
    town: str
    waypoints: list[Pose] = Field(min_length=2)
    scenarios: list[ScenarioTrigger] = Field(default_factory=list, description="listed in the route (Leaderboard 2.0)")

    def scenario(self, seed: int = 0, **traffic) -> DrivingScenario:
        triggers = list(traffic.pop("scenario_triggers", [])) + list(self.scenarios)
        return DrivingScenario(route_id=self.id, town=self.town, waypoints=self.waypoints, seed=seed,
                               scenario_triggers=triggers, **traffic)


def read_routes(path: str | Path) -> list[RouteDefinition]:
    """All routes of a Leaderboard route file; UserInputError names the file and the problem."""
    path = Path(path)
    if not path.is_file():
        raise UserInputError(f"{path}: route file not found")
    try:
        root = ElementTree.parse(path).getroot()
    except ElementTree.ParseError as error:
        raise UserInputError(f"{path}: not valid XML ({error})") from error
    if root.tag != "routes":
        raise UserInputError(f"{path}: not a Leaderboard route file (root element is <{root.tag}>, expected <routes>)")
    routes = []
    for number, element in enumerate(root.findall("route")):
        route_id = element.get("id", "")
        if not route_id:
            raise UserInputError(f"{path}: route number {number} has no id")
        if any(route.id == route_id for route in routes):
            raise UserInputError(f"{path}: route id {route_id!r} is used twice (routes are told apart by their ids)")
        points = element.findall("waypoint") or element.findall("waypoints/position")
        poses = [_pose(point, f"{path}: route {route_id} waypoint {index}") for index, point in enumerate(points)]
        if len(poses) < 2:
            raise UserInputError(f"{path}: route {route_id} has {len(poses)} waypoint(s); at least 2 are needed "
                                 "(<waypoint> elements, or <waypoints><position> in Leaderboard 2.0 files)")
        listed = []
        for number, scenario in enumerate(element.findall("scenarios/scenario")):
            trigger = scenario.find("trigger_point")
            if trigger is None:
                raise UserInputError(f"{path}: route {route_id} scenario {number} has no <trigger_point>")
            pose = _pose(trigger, f"{path}: route {route_id} scenario {number} trigger point")
            kind = scenario.get("type") or scenario.get("name") or "Unnamed"
            try:
                listed.append(ScenarioTrigger(scenario_type=kind, x=pose.x, y=pose.y, z=pose.z, yaw=pose.yaw))
            except ValidationError as error:
                raise UserInputError(f"{path}: route {route_id} scenario {number} has an unusable type {kind!r}") \
                    from error
        routes.append(RouteDefinition(id=route_id, town=element.get("town", ""), waypoints=poses, scenarios=listed))
    if not routes:
        raise UserInputError(f"{path}: no <route> elements")
    return routes


def _pose(element, where: str) -> Pose:
    try:
        return Pose(**{name: float(element.get(name, 0.0)) for name in WAYPOINT_FIELDS})
    except (TypeError, ValueError, ValidationError) as error:
        raise UserInputError(f"{where} has a coordinate that is not a finite number") from error


def select_route(routes: list[RouteDefinition], route_id: str | None, source: str) -> RouteDefinition:
    """The route with that id (the first when None); an unknown id lists the available ones."""
    if route_id is None:
        return routes[0]
    for route in routes:
        if route.id == str(route_id):
            return route
    available = ", ".join(route.id for route in routes)
    raise UserInputError(f"{source}: no route {route_id!r}; available: {available}")


def write_routes(path: str | Path, routes: list[RouteDefinition]) -> None:
    root = ElementTree.Element("routes")
    for route in routes:
        element = ElementTree.SubElement(root, "route", id=route.id, town=route.town)
        for pose in route.waypoints:
            ElementTree.SubElement(element, "waypoint",
                                   {name: repr(float(getattr(pose, name))) for name in WAYPOINT_FIELDS})
    ElementTree.indent(root, space="   ")
    Path(path).write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode")
                          + "\n", encoding="utf-8")
