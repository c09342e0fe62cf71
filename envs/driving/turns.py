"""The turn command of a route through a junction, as CARLA's global route planner decides it
(its _turn_decision): one decision for the whole run of junction lanes, between the lane that
enters the junction and the last junction lane."""

from __future__ import annotations

import math
from enum import IntEnum

import numpy as np


class RoadOption(IntEnum):
    """The route command at a point, as in CARLA's agents."""

    LANEFOLLOW = 0
    LEFT = 1
    RIGHT = 2
    STRAIGHT = 3
    CHANGELANELEFT = 4
    CHANGELANERIGHT = 5


JUNCTION_STRAIGHT_DEG = 35.0  # a smaller heading change is STRAIGHT


def mark_junction_commands(graph, segment_of_point: np.ndarray, command: np.ndarray) -> None:
    """Give every run of consecutive junction lanes one turn command, as CARLA's global route
    planner does: decided between the lane entering the junction and the last junction lane."""
    point = 0
    while point < len(segment_of_point):
        if not graph.segments[int(segment_of_point[point])].is_junction:
            point += 1
            continue
        end = point
        while end < len(segment_of_point) and graph.segments[int(segment_of_point[end])].is_junction:
            end += 1
        if point > 0:
            run = list(dict.fromkeys(int(k) for k in segment_of_point[point:end]))
            incoming = int(segment_of_point[point - 1])
            command[point:end] = int(junction_option(graph, incoming, run))
        point = end


def junction_option(graph, incoming: int, run: list[int]) -> RoadOption:
    """STRAIGHT when the heading changes by less than 35 degrees from the incoming lane's exit to
    the run's exit; otherwise LEFT or RIGHT by the turn's side, judged against the other ways out
    of the incoming lane (the leftmost way is LEFT, the rightmost RIGHT)."""
    def forward(waypoint) -> np.ndarray:
        yaw = math.radians(waypoint.transform.rotation.yaw)
        return np.array([math.cos(yaw), math.sin(yaw)])

    def net(segment) -> np.ndarray:
        start, end = segment.start.transform.location, segment.end.transform.location
        vector = np.array([end.x - start.x, end.y - start.y])
        return vector / max(float(np.linalg.norm(vector)), 1e-9)

    def cross(a: np.ndarray, b: np.ndarray) -> float:
        return float(a[0] * b[1] - a[1] * b[0])  # > 0: b turns right of a (CARLA's y points right)

    entering = forward(graph.segments[incoming].end)
    leaving = forward(graph.segments[run[-1]].end)
    deviation = math.degrees(math.acos(float(np.clip(entering @ leaving, -1.0, 1.0))))
    if deviation < JUNCTION_STRAIGHT_DEG:
        return RoadOption.STRAIGHT
    turn = cross(entering, leaving)
    others = [cross(entering, net(graph.segments[k])) for k in graph.segments[incoming].successors if k != run[0]]
    if others and turn < min(others):
        return RoadOption.LEFT
    if others and turn > max(others):
        return RoadOption.RIGHT
    return RoadOption.LEFT if turn < 0 else RoadOption.RIGHT
