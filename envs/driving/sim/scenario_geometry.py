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


def beside(waypoint, offset_m: float, along_m: float = 0.0) -> tuple[np.ndarray, float]:
    """The point `offset_m` to the right of a lane waypoint (CARLA's y points right), `along_m`
    further on; and the heading across the lane to the left (the lane's yaw + 270)."""
    yaw = waypoint.transform.rotation.yaw
    right = math.radians(yaw + 90.0)
    forward = math.radians(yaw)
    point = waypoint_xy(waypoint) + offset_m * np.array([math.cos(right), math.sin(right)]) \
        + along_m * np.array([math.cos(forward), math.sin(forward)])
    return point, (yaw + 270.0) % 360.0


def rightmost_lane_for_crossing(waypoint) -> tuple[object, int, float]:
    """DynamicObjectCrossing's walk to the right: the waypoint it measures from, its lane-change
    count (starting at 1, one more per lane looked at) and the extra start distance (1.5 m a lane)."""
    import carla

    changes, extra = 1, 0.0
    while True:
        right = waypoint.get_right_lane()
        changes += 1
        if right is None or right.lane_type == carla.LaneType.Sidewalk:
            break
        if right.lane_type == carla.LaneType.Shoulder:
            if right.lane_width > 2:  # a parking lane marked as a shoulder
                extra += 1.5
                waypoint = right
            break
        extra += 1.5
        waypoint = right
    return waypoint, changes, extra


def _is_parking_shoulder(waypoint) -> bool:
    import carla

    if waypoint.lane_width <= 2:
        return False
    right = waypoint.get_right_lane()
    if right is None or right.lane_type != carla.LaneType.Shoulder:
        return False
    beyond = right.get_right_lane()
    return beyond is not None and beyond.lane_type == carla.LaneType.Sidewalk


def rightmost_driving_lane(waypoint) -> tuple[object, int]:
    """VehicleTurningRoute's walk to the right: the last driving (or parking) lane and the count."""
    import carla

    changes = 0
    while True:
        right = waypoint.get_right_lane()
        changes += 1
        if right is None or right.lane_type == carla.LaneType.Sidewalk:
            break
        if right.lane_type == carla.LaneType.Shoulder:
            if _is_parking_shoulder(right):
                changes += 1
                waypoint = right
            break
        waypoint = right
    return waypoint, changes


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
