"""Where Leaderboard 1.0's route scenarios put their actors, worked out on the carla.Map as
scenario_runner does (its scenario_helper and the scenarios' own placement rules)."""

from __future__ import annotations

import math

import numpy as np


def waypoint_xy(waypoint) -> np.ndarray:
    location = waypoint.transform.location
    return np.array([location.x, location.y])


def lane_waypoint(carla_map, x: float, y: float, z: float = 0.0):
    """The nearest driving-lane waypoint (carla.Map.get_waypoint's default)."""
    import carla

    return carla_map.get_waypoint(carla.Location(x=x, y=y, z=z), project_to_road=True,
                                  lane_type=carla.LaneType.Driving)


def ahead_on_lane(waypoint, distance: float, stop_at_junction: bool = True):
    """The waypoint `distance` metres on along the lane in 1 m steps, stopping early at a junction
    (when asked) or where the lane ends."""
    travelled = 0.0
    while not (waypoint.is_junction and stop_at_junction) and travelled < distance:
        following = waypoint.next(1.0)
        if not following:
            break
        step = following[-1]
        travelled += step.transform.location.distance(waypoint.transform.location)
        waypoint = step
    return waypoint


def beside(xy: np.ndarray, lane_yaw: float, offset_m: float) -> tuple[np.ndarray, float]:
    """The point `offset_m` to the right of `xy` across a lane of yaw `lane_yaw` (CARLA's y points
    right), and the heading back across the lane to the left (the lane's yaw + 270)."""
    right = math.radians(lane_yaw + 90.0)
    return xy + offset_m * np.array([math.cos(right), math.sin(right)]), (lane_yaw + 270.0) % 360.0


def within_along_route(ego_xy: np.ndarray, ego_route_m: float, place_xy: np.ndarray, place_route_m: float,
                       distance_m: float) -> bool:
    """scenario_runner's InTriggerDistanceToLocationAlongRoute: the ego within `distance_m` of the
    place along the route and not past it (checked only within `distance_m` + 20 m as the crow flies)."""
    if np.linalg.norm(ego_xy - place_xy) >= distance_m + 20.0:
        return False
    return place_route_m - distance_m < ego_route_m < place_route_m


def walk_right(waypoint, parking_shoulder) -> tuple[object, int, int, bool]:
    """scenario_runner's walk to the curb: step right over driving lanes until a sidewalk (or
    nothing), stepping onto a shoulder only if `parking_shoulder(it)` says it is a parking lane.
    Returns the last waypoint, the lanes looked at, the steps taken, and whether the last step
    was onto such a shoulder."""
    import carla

    looked, moved = 0, 0
    while True:
        right = waypoint.get_right_lane()
        looked += 1
        if right is None or right.lane_type == carla.LaneType.Sidewalk:
            return waypoint, looked, moved, False
        if right.lane_type == carla.LaneType.Shoulder:
            if parking_shoulder(right):
                return right, looked, moved + 1, True
            return waypoint, looked, moved, False
        waypoint, moved = right, moved + 1


def rightmost_lane_for_crossing(waypoint) -> tuple[object, int, float]:
    """DynamicObjectCrossing's walk: the waypoint it measures from, its lane-change count (one to
    start with, one more per lane looked at) and its extra start distance (1.5 m a step)."""
    curb, looked, moved, _ = walk_right(waypoint, lambda shoulder: shoulder.lane_width > 2)
    return curb, 1 + looked, 1.5 * moved


def _is_parking_shoulder(waypoint) -> bool:
    """A wide shoulder with a narrow shoulder and then a sidewalk to its right: a parking lane."""
    import carla

    if waypoint.lane_width <= 2:
        return False
    right = waypoint.get_right_lane()
    if right is None or right.lane_type != carla.LaneType.Shoulder:
        return False
    beyond = right.get_right_lane()
    return beyond is not None and beyond.lane_type == carla.LaneType.Sidewalk


def rightmost_driving_lane(waypoint) -> tuple[object, int]:
    """VehicleTurningRoute's walk: the last driving (or parking) lane and its lane-change count
    (one per lane looked at, one more for a parking shoulder)."""
    curb, looked, _, parked = walk_right(waypoint, _is_parking_shoulder)
    return curb, looked + int(parked)


def route_exit_after_junction(route, index: int) -> int:
    """The first route point after the junction that follows `index` (the route's commands)."""
    from envs.driving.routing import RoadOption

    turning = (RoadOption.LEFT, RoadOption.RIGHT, RoadOption.STRAIGHT)
    reached = False
    last = len(route) - 1
    while index < last:
        index += 1
        option = RoadOption(int(route.command[index]))
        if not reached and option in turning:
            reached = True
        if reached and option not in turning:
            break
    return index


def along_route_m(route, point: np.ndarray, from_index: int, reach_m: float = 150.0) -> float:
    """How far along the route `point` lies: the route distance of its nearest route point within
    `reach_m` past `from_index` (a route can pass one place twice)."""
    cumulative = route.cumulative_m
    last = int(np.searchsorted(cumulative, cumulative[from_index] + reach_m))
    window = route.xyz[from_index:last + 1, :2]
    nearest = from_index + int(np.argmin(np.linalg.norm(window - point, axis=1)))
    return float(cumulative[nearest])
