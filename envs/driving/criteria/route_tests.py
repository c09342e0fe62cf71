"""The route criteria of Leaderboard 1.0 (scenario_runner's atomic_criteria): route completion,
driving outside the route's lanes, deviating from the route, being blocked.

Each keeps its own progress index along the dense route, as the official tests do.
"""

from __future__ import annotations

import math

import numpy as np

from envs.driving.criteria.frame import EgoFrame, event
from envs.driving.routing import DenseRoute


class RoutePoints:
    """The dense route as the criteria see it: points, the map lane's direction at each point,
    and the distance along the route (3-D, point to point)."""

    def __init__(self, route: DenseRoute, lane_yaw: np.ndarray | None = None):
        self.xyz = route.xyz
        yaw = np.radians(route.yaw if lane_yaw is None else lane_yaw)
        self.forward = np.stack([np.cos(yaw), np.sin(yaw)], axis=1)
        steps = np.linalg.norm(np.diff(route.xyz, axis=0), axis=1)
        self.accumulated = np.concatenate([[0.0], np.cumsum(steps)])

    def __len__(self) -> int:
        return len(self.xyz)

    @property
    def length_m(self) -> float:
        return float(self.accumulated[-1])

    def passed(self, index: int, ego: EgoFrame) -> bool:
        """Whether the ego is beyond route point `index` along the map lane's direction there."""
        return float((ego.position - self.xyz[index, :2]) @ self.forward[index]) > 0.0

    def distance(self, a: int, b: int) -> float:
        return float(np.linalg.norm(self.xyz[b] - self.xyz[a]))


class RouteCompletionTest:
    """The furthest of the next 2 route points passed; complete at > 99 % within 10 m of the end."""

    WINDOW = 2
    COMPLETION_THRESHOLD = 99.0
    TARGET_DISTANCE_M = 10.0

    def __init__(self, points: RoutePoints):
        self.points = points
        self.index = 0
        self.percentage = 0.0
        self.completed = False

    def update(self, ego: EgoFrame) -> None:
        if self.completed:
            return
        for index in range(self.index, min(self.index + self.WINDOW + 1, len(self.points))):
            if self.points.passed(index, ego):
                self.index = index
                self.percentage = 100.0 * self.points.accumulated[index] / max(self.points.length_m, 1e-9)
        target = self.points.xyz[-1]
        to_target = math.dist((ego.x, ego.y, ego.z), (float(target[0]), float(target[1]), float(target[2])))
        if self.percentage > self.COMPLETION_THRESHOLD and to_target < self.TARGET_DISTANCE_M:
            self.completed = True
            self.percentage = 100.0


class OutsideRouteLanesTest:
    """Route distance driven off the driving lanes or against the lane's direction.

    Wrong way is judged as the official test does: on entering a new lane, a jump of the lane's
    direction by 150 degrees or more toggles it (going into or back out of an opposite lane);
    after a junction, the ego's heading more than 120 degrees from the new lane's sets it."""

    WINDOW = 3
    MAX_VEHICLE_ANGLE = 120.0
    MAX_WAYPOINT_ANGLE = 150.0

    def __init__(self, points: RoutePoints):
        self.points = points
        self.index = 0
        self.total_m = 0.0
        self.wrong_m = 0.0
        self.wrong_lane = False
        self._last_lane: tuple[int, int] | None = None
        self._previous: tuple[float, bool] | None = None  # (yaw, in junction) of the last lane waypoint

    def update(self, ego: EgoFrame) -> None:
        self._update_wrong_lane(ego)
        outside = not ego.on_driving_lane or self.wrong_lane
        for index in range(self.index + 1, min(self.index + self.WINDOW + 1, len(self.points))):
            if self.points.passed(index, ego):
                step = self.points.distance(self.index, index)
                self.index = index
                self.total_m += step
                if outside:
                    self.wrong_m += step

    def _update_wrong_lane(self, ego: EgoFrame) -> None:
        if ego.lane_yaw is None:
            return
        previous = self._previous or (ego.lane_yaw, ego.in_junction)
        if ego.in_junction:
            self.wrong_lane = False
        elif ego.lane is None or ego.lane != self._last_lane:
            if previous[1]:  # coming out of a junction: compare the ego's heading with the lane's
                angle = (ego.lane_yaw % 360.0 - ego.yaw % 360.0) % 360.0
                self.wrong_lane = not (angle < self.MAX_VEHICLE_ANGLE or angle > 360.0 - self.MAX_VEHICLE_ANGLE)
            else:
                angle = (previous[0] % 360.0 - ego.lane_yaw % 360.0) % 360.0
                if self.MAX_WAYPOINT_ANGLE <= angle <= 360.0 - self.MAX_WAYPOINT_ANGLE:
                    self.wrong_lane = not self.wrong_lane
                else:
                    self.wrong_lane = False
        self._last_lane = ego.lane
        self._previous = (ego.lane_yaw, ego.in_junction)

    @property
    def percentage(self) -> float:
        return 100.0 * self.wrong_m / self.total_m if self.total_m > 0 else 0.0


class InRouteTest:
    """Ends the run when the closest of the next 5 route points is 30 m away or more, or when over
    30 % of the route length has been driven more than 15 m from it."""

    WINDOW = 5
    MAX_DISTANCE_M = 30.0
    SAFE_DISTANCE_M = 15.0
    MAX_OUTSIDE_PERCENTAGE = 30.0

    def __init__(self, points: RoutePoints):
        self.points = points
        self.index = 0
        self.outside_m = 0.0
        self.in_safe_route = True

    def update(self, ego: EgoFrame):
        window = self.points.xyz[self.index:self.index + self.WINDOW + 1, :2]
        gaps = np.linalg.norm(window - ego.position, axis=1)
        closest = self.index + int(len(gaps) - 1 - np.argmin(gaps[::-1]))  # ties go to the later point
        shortest = float(gaps[closest - self.index])
        off_route = True
        if shortest < self.MAX_DISTANCE_M:
            off_route = False
            self.in_safe_route = shortest < self.SAFE_DISTANCE_M
        if closest != self.index:
            step = float(self.points.accumulated[closest] - self.points.accumulated[self.index])
            if not self.in_safe_route:
                self.outside_m += step
                if 100.0 * self.outside_m / max(self.points.length_m, 1e-9) > self.MAX_OUTSIDE_PERCENTAGE:
                    off_route = True
            self.index = closest
        if not off_route:
            return None
        if shortest >= self.MAX_DISTANCE_M:
            return event("route_dev", ego, f"deviated from the route by {shortest:.0f} m")
        return event("route_dev", ego, f"drove more than {self.MAX_OUTSIDE_PERCENTAGE:.0f}% of the route length "
                                       f"over {self.SAFE_DISTANCE_M:.0f} m off it")


class BlockedTest:
    """Ends the run when the ego has been slower than 0.1 m/s for more than 180 s."""

    SPEED = 0.1
    SECONDS = 180.0

    def __init__(self) -> None:
        self.last_moving_s: float | None = None

    def update(self, ego: EgoFrame):
        if abs(ego.speed) < self.SPEED and self.last_moving_s is not None:
            if ego.time_s - self.last_moving_s > self.SECONDS:
                return event("vehicle_blocked", ego, f"blocked: slower than {self.SPEED} m/s for more than "
                                                     f"{self.SECONDS:.0f} s")
        else:
            self.last_moving_s = ego.time_s
        return None
