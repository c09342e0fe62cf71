"""Leaderboard criteria as CARLA Leaderboard 1.0 computes them (its route scenario and
scenario_runner's atomic_criteria.py).

Each tick the simulator (or the CARLA adapter) hands an `EgoFrame` and the other actors to
`LeaderboardCriteria.update`, which returns the infractions raised and whether the route
ended. Penalties multiply: pedestrian 0.50, vehicle 0.60, static layout 0.65, red light 0.70,
stop sign 0.80, and outside-route-lanes (1 - percentage of the completed route driven outside
the route's lanes). Route deviation, being blocked (< 0.1 m/s for over 180 s) and the route
timeout (int(0.8 s/m x route length + 5) s) end the run without a penalty of their own.
Driving score = route completion x infraction penalty.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from envs.contracts import Infraction
from envs.driving.contracts import ActorArrays
from envs.driving.criteria.collisions import STATIC_WORLD, CollisionTest, contacts
from envs.driving.criteria.frame import INFRACTION_KINDS, PENALTY, EgoFrame, event
from envs.driving.criteria.route_tests import (
    BlockedTest,
    InRouteTest,
    OutsideRouteLanesTest,
    RouteCompletionTest,
    RoutePoints,
)
from envs.driving.criteria.signals import (
    LightLines,
    RunningRedLightTest,
    RunningStopTest,
    StopZone,
    stop_zone_corners,
)
from envs.driving.routing import DenseRoute

__all__ = ["INFRACTION_KINDS", "PENALTY", "EgoFrame", "LeaderboardCriteria", "LightLines", "RouteScore", "StopZone",
           "route_timeout_s", "stop_zone_corners"]

SECONDS_PER_METRE = 0.8  # the Leaderboard 1.0 route scenario's timeout estimate
TIMEOUT_BASE_S = 5.0


def route_timeout_s(route_length_m: float) -> int:
    return int(SECONDS_PER_METRE * route_length_m + TIMEOUT_BASE_S)


@dataclass
class RouteScore:
    route_completion: float
    infraction_penalty: float
    driving_score: float
    status: str
    failure_reason: str | None
    infractions: dict[str, list[Infraction]]
    route_length_m: float
    driven_route_m: float
    outside_lanes_percentage: float

    def infractions_per_km(self) -> dict[str, float]:
        """Per kind, infractions over the completed part of the route, as the statistics manager
        counts them (none for a route not started)."""
        km = self.route_completion / 100.0 * self.route_length_m / 1000.0
        return {kind: (len(events) / km if km > 0 else 0.0) for kind, events in self.infractions.items()}


@dataclass
class LeaderboardCriteria:
    route: DenseRoute
    light_lines: LightLines = field(default_factory=LightLines.empty)
    stop_zones: list[StopZone] = field(default_factory=list)
    timeout_s: float | None = None
    lane_yaw: np.ndarray | None = None  # the map lane's direction at each route point (default: the route's yaw)

    def __post_init__(self) -> None:
        self.points = RoutePoints(self.route, self.lane_yaw)
        if self.timeout_s is None:
            self.timeout_s = route_timeout_s(self.points.length_m)
        self.completion_test = RouteCompletionTest(self.points)
        self.outside_test = OutsideRouteLanesTest(self.points)
        self.in_route_test = InRouteTest(self.points)
        self.blocked_test = BlockedTest()
        self.collision_test = CollisionTest()
        self.red_light_test = RunningRedLightTest(self.light_lines)
        self.stop_test = RunningStopTest(self.stop_zones)
        self.infractions: dict[str, list[Infraction]] = {kind: [] for kind in INFRACTION_KINDS}
        self.ended = False
        self.failure_reason: str | None = None

    @property
    def route_index(self) -> int:
        return self.completion_test.index

    @property
    def completion(self) -> float:
        return self.completion_test.percentage

    # the tick

    def update(self, ego: EgoFrame, actors: ActorArrays, light_colors: np.ndarray | None = None,
               collisions: list[tuple[str, str]] | None = None) -> list[Infraction]:
        """Judge one tick. `collisions`: (kind, actor id) pairs reported by a collision sensor (the
        CARLA adapter); None: found from the actors' boxes and the map (the embedded simulator)."""
        if self.ended:
            return []
        self.completion_test.update(ego)
        self.outside_test.update(ego)
        if collisions is None:
            collisions = contacts(ego, actors)
            if ego.off_road:  # in contact with the static world while off every lane
                collisions.append(("collisions_layout", STATIC_WORLD))
        events = self.collision_test.update(ego, collisions)
        events += self.red_light_test.update(ego, light_colors)
        events += self.stop_test.update(ego)
        for found in events:
            self.infractions[found.kind].append(found)
        if self.completion_test.completed:
            self.ended = True
            return events
        ending = self.in_route_test.update(ego) or self.blocked_test.update(ego) or self._check_timeout(ego)
        if ending is not None:
            self.infractions[ending.kind].append(ending)
            events.append(ending)
            self.ended = True
            self.failure_reason = ending.message
        return events

    def _check_timeout(self, ego: EgoFrame) -> Infraction | None:
        if ego.time_s > self.timeout_s:
            return event("route_timeout", ego, f"route timeout after {self.timeout_s:.0f} s")
        return None

    # the score

    @property
    def driven_route_m(self) -> float:
        return float(self.points.accumulated[self.route_index])

    @property
    def outside_lanes_percentage(self) -> float:
        return self.outside_test.percentage

    def score(self) -> RouteScore:
        infractions = {kind: list(events) for kind, events in self.infractions.items()}
        penalty = 1.0
        for kind, events in infractions.items():
            if kind in PENALTY:
                penalty *= PENALTY[kind] ** len(events)
        outside = self.outside_lanes_percentage
        if outside > 0:
            penalty *= 1.0 - outside / 100.0
        completion = self.completion
        status = "Completed" if self.completion_test.completed else (
            "Failed - " + self.failure_reason if self.failure_reason else "Failed - Agent did not finish the route")
        return RouteScore(route_completion=completion, infraction_penalty=penalty,
                          driving_score=max(completion * penalty, 0.0), status=status,
                          failure_reason=self.failure_reason, infractions=infractions,
                          route_length_m=self.points.length_m, driven_route_m=self.driven_route_m,
                          outside_lanes_percentage=outside)

    def outside_lanes_event(self, ego: EgoFrame) -> Infraction | None:
        """The one outside-route-lanes infraction the Leaderboard reports at the end, if any."""
        outside = self.outside_lanes_percentage
        if outside <= 0:
            return None
        return event("outside_route_lanes", ego, f"drove {self.outside_test.wrong_m:.0f} m ({outside:.1f}% of the "
                     "completed route) outside the route lanes", penalty=1.0 - outside / 100.0)
