"""Leaderboard criteria with CARLA Leaderboard 1.0 semantics.

Each tick the simulator (or the CARLA adapter) hands an `EgoFrame` and the other actors to
`LeaderboardCriteria.update`, which returns the infractions raised and whether the route
ended. Penalties multiply: pedestrian 0.50, vehicle 0.60, static 0.65, red light 0.70,
stop sign 0.80, and outside-route-lanes (1 - percentage of the completed route driven
outside the route's lanes). Route deviation (> 30 m), being blocked (< 0.1 m/s for
180 s) and the route timeout end the run without a penalty of their own.
Driving score = route completion x infraction penalty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from envs.contracts import Infraction
from envs.driving.contracts import ActorArrays
from envs.driving.geometry import box_corners, boxes_overlap, segments_cross
from envs.driving.routing import DenseRoute

PENALTY = {
    "collisions_pedestrian": 0.50,
    "collisions_vehicle": 0.60,
    "collisions_layout": 0.65,
    "red_light": 0.70,
    "stop_infraction": 0.80,
}
INFRACTION_KINDS = ("collisions_layout", "collisions_pedestrian", "collisions_vehicle", "outside_route_lanes",
                    "red_light", "route_dev", "route_timeout", "stop_infraction", "vehicle_blocked")

COLLISION_MIN_AREA_M = 3.0  # a collision this close to a remembered one is the same collision
COLLISION_FORGET_AREA_M = 5.0  # remembered collision places are forgotten once the ego is this far
COLLISION_SAME_ACTOR_S = 5.0
ROUTE_WINDOW = 3
COMPLETION_THRESHOLD = 99.0
DEVIATION_MAX_M = 30.0
DEVIATION_SAFE_M = 15.0
DEVIATION_MAX_FRACTION = 0.30
BLOCKED_SPEED = 0.1
BLOCKED_SECONDS = 180.0
STOP_SPEED = 0.1
SECONDS_PER_METRE = 0.4  # the route timeout estimate of the Leaderboard's route scenario
TIMEOUT_BASE_S = 5.0
RED = 0


@dataclass(frozen=True)
class EgoFrame:
    """What the criteria need of the ego at one tick."""

    tick: int
    time_s: float
    x: float
    y: float
    yaw: float  # degrees
    speed: float
    half_length: float
    half_width: float
    on_driving_lane: bool = True  # within a driving or parking lane (with the Leaderboard's margin)
    lane_yaw: float | None = None  # yaw of the driving lane under the ego, None if none
    in_junction: bool = False
    off_road: bool = False  # off every lane, sidewalks included: hitting the static world


@dataclass
class StopZone:
    """A stop sign's area: the ego must stand still (< 0.1 m/s) somewhere inside it."""

    id: str
    corners: np.ndarray  # (4, 2)


STOP_ZONE_LENGTH_M = 4.0


def stop_zone_corners(sign_xy: np.ndarray, lane_yaw_deg: float, lane_width: float) -> np.ndarray:
    """(4, 2) corners of the lane area just before a stop sign's position."""
    heading = np.array([math.cos(math.radians(lane_yaw_deg)), math.sin(math.radians(lane_yaw_deg))])
    center = sign_xy - 0.5 * STOP_ZONE_LENGTH_M * heading
    return box_corners(center, np.array([lane_yaw_deg]), np.array([[0.5 * STOP_ZONE_LENGTH_M, 0.5 * lane_width]]))[0]


@dataclass
class LightLines:
    """Stop lines of traffic lights: ids, endpoints and travel directions."""

    ids: list[str]
    left: np.ndarray  # (M, 2)
    right: np.ndarray  # (M, 2)
    direction: np.ndarray  # (M, 2)

    @classmethod
    def empty(cls) -> LightLines:
        return cls([], np.zeros((0, 2)), np.zeros((0, 2)), np.zeros((0, 2)))


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
        km = max(self.driven_route_m / 1000.0, 1e-3)
        return {kind: len(events) / km for kind, events in self.infractions.items()}


@dataclass
class LeaderboardCriteria:
    route: DenseRoute
    light_lines: LightLines = field(default_factory=LightLines.empty)
    stop_zones: list[StopZone] = field(default_factory=list)
    timeout_s: float | None = None

    def __post_init__(self) -> None:
        if self.timeout_s is None:
            self.timeout_s = SECONDS_PER_METRE * self.route.length_m + TIMEOUT_BASE_S
        self.route_index = 0
        self.completion = 0.0
        self.infractions: dict[str, list[Infraction]] = {kind: [] for kind in INFRACTION_KINDS}
        self.ended = False
        self.failure_reason: str | None = None
        self._route_dir = np.stack([np.cos(np.radians(self.route.yaw)), np.sin(np.radians(self.route.yaw))], axis=1)
        self._collision_places: list[np.ndarray] = []
        self._last_collision: tuple[str, float] | None = None
        self._previous_rear: np.ndarray | None = None
        self._red_lights_run: set[str] = set()
        self._stop_state: dict[str, bool] = {}  # zone id -> stopped while inside
        self._outside_m = 0.0
        self._far_from_route_m = 0.0
        self._slow_since: float | None = None
        self._was_off_road = False

    # the tick

    def update(self, ego: EgoFrame, actors: ActorArrays, light_colors: np.ndarray | None = None,
               collisions: list[tuple[str, str]] | None = None) -> list[Infraction]:
        """Judge one tick. `collisions`: (kind, actor id) pairs reported by a collision sensor (the
        CARLA adapter); None: found from the actors' boxes and the map (the embedded simulator)."""
        if self.ended:
            return []
        events: list[Infraction] = []
        progressed = self._update_route_completion(ego)
        self._update_outside_lanes(ego, progressed)
        events += self._check_collisions(ego, actors, collisions)
        events += self._check_red_lights(ego, light_colors)
        events += self._check_stop_zones(ego)
        for event in events:
            self.infractions[event.kind].append(event)
        if self.completion >= 100.0:
            self.ended = True
            return events
        ending = self._check_deviation(ego, progressed) or self._check_blocked(ego) or self._check_timeout(ego)
        if ending is not None:
            self.infractions[ending.kind].append(ending)
            events.append(ending)
            self.ended = True
            self.failure_reason = ending.message
        return events

    def _event(self, kind: str, ego: EgoFrame, message: str, actor_id: str | None = None,
               penalty: float | None = None) -> Infraction:
        return Infraction(kind=kind, tick=ego.tick, time_s=ego.time_s, x=ego.x, y=ego.y,
                          penalty=PENALTY.get(kind, 1.0) if penalty is None else penalty,
                          message=message, actor_id=actor_id)

    # route completion (RouteCompletionTest): the furthest route point the ego has passed

    def _update_route_completion(self, ego: EgoFrame) -> float:
        before = self.route_index
        position = np.array([ego.x, ego.y])
        last = min(self.route_index + ROUTE_WINDOW, len(self.route) - 1)
        for index in range(self.route_index, last + 1):
            if np.dot(position - self.route.xyz[index, :2], self._route_dir[index]) > 0:
                self.route_index = index
        completed = self.route.cumulative_m[self.route_index] / max(self.route.length_m, 1e-6) * 100.0
        self.completion = 100.0 if completed > COMPLETION_THRESHOLD else completed
        return float(self.route.cumulative_m[self.route_index] - self.route.cumulative_m[before])

    # outside route lanes (OutsideRouteLanesTest): route progress made off the driving lanes
    # or in a lane of the opposite direction

    def _update_outside_lanes(self, ego: EgoFrame, progressed: float) -> None:
        wrong_way = False
        if ego.lane_yaw is not None and not ego.in_junction:
            difference = abs((ego.yaw - ego.lane_yaw + 180.0) % 360.0 - 180.0)
            wrong_way = difference > 90.0
        if not ego.on_driving_lane or wrong_way:
            self._outside_m += progressed

    @property
    def driven_route_m(self) -> float:
        return float(self.route.cumulative_m[self.route_index])

    @property
    def outside_lanes_percentage(self) -> float:
        return 100.0 * self._outside_m / self.driven_route_m if self.driven_route_m > 0 else 0.0

    # collisions (CollisionTest)

    def _check_collisions(self, ego: EgoFrame, actors: ActorArrays,
                          reported: list[tuple[str, str]] | None = None) -> list[Infraction]:
        position = np.array([ego.x, ego.y])
        self._collision_places = [p for p in self._collision_places
                                  if np.linalg.norm(p - position) <= COLLISION_FORGET_AREA_M]
        if self._last_collision and ego.time_s - self._last_collision[1] > COLLISION_SAME_ACTOR_S:
            self._last_collision = None
        hits: list[tuple[str, str]] = list(reported or [])  # a sensor saw every contact, static world included
        if reported is None and len(actors):
            reach = math.hypot(ego.half_length, ego.half_width) + np.hypot(actors.extent[:, 0], actors.extent[:, 1])
            near = np.abs(actors.xy - position).max(axis=1) < reach
            if near.any():
                ego_box = box_corners(position, np.array([ego.yaw]), np.array([[ego.half_length, ego.half_width]]))[0]
                indices = np.where(near)[0]
                boxes = box_corners(actors.xy[indices], actors.yaw[indices], actors.extent[indices])
                for i in indices[boxes_overlap(ego_box, boxes)]:
                    kind = "collisions_pedestrian" if actors.kind[i] == ActorArrays.KIND_PEDESTRIAN \
                        else "collisions_vehicle"
                    hits.append((kind, actors.ids[i]))
        if reported is None and ego.off_road and not self._was_off_road:
            hits.append(("collisions_layout", "static"))
        self._was_off_road = ego.off_road
        events = []
        for kind, actor_id in hits:
            if self._last_collision and self._last_collision[0] == actor_id:
                continue
            if any(np.linalg.norm(p - position) < COLLISION_MIN_AREA_M for p in self._collision_places):
                continue
            self._collision_places.append(position)
            self._last_collision = (actor_id, ego.time_s)
            what = {"collisions_pedestrian": "a pedestrian", "collisions_vehicle": "a vehicle",
                    "collisions_layout": "the static layout"}[kind]
            events.append(self._event(kind, ego, f"collision with {what} ({actor_id})", actor_id))
        return events

    # red lights (RunningRedLightTest): the rear of the ego crosses a stop line on red

    def _check_red_lights(self, ego: EgoFrame, light_colors: np.ndarray | None) -> list[Infraction]:
        heading = np.array([math.cos(math.radians(ego.yaw)), math.sin(math.radians(ego.yaw))])
        rear = np.array([ego.x, ego.y]) - 0.8 * ego.half_length * heading
        previous, self._previous_rear = self._previous_rear, rear
        if previous is None or light_colors is None or len(self.light_lines.ids) == 0:
            return []
        near = np.abs(self.light_lines.left - rear).max(axis=1) < 15.0
        if not near.any():
            return []
        crossing = np.zeros(len(near), dtype=bool)
        crossing[near] = segments_cross(previous, rear, self.light_lines.left[near], self.light_lines.right[near])
        crossing &= self.light_lines.direction @ heading > 0.0
        events = []
        for m in np.where(crossing & (light_colors == RED))[0]:
            line_id = self.light_lines.ids[m]
            if line_id in self._red_lights_run:
                continue
            self._red_lights_run.add(line_id)
            events.append(self._event("red_light", ego, f"ran a red light at {line_id}", line_id))
        for m in np.where(crossing & (light_colors != RED))[0]:
            self._red_lights_run.discard(self.light_lines.ids[m])
        return events

    # stop signs (RunningStopTest): entering a stop zone and leaving it without stopping

    def _check_stop_zones(self, ego: EgoFrame) -> list[Infraction]:
        events = []
        if not self.stop_zones:
            return events
        corners = box_corners(np.array([ego.x, ego.y]), np.array([ego.yaw]),
                              np.array([[ego.half_length, ego.half_width]]))
        for zone in self.stop_zones:
            inside = bool(boxes_overlap(zone.corners, corners)[0])
            if inside:
                stopped = self._stop_state.get(zone.id, False) or abs(ego.speed) < STOP_SPEED
                self._stop_state[zone.id] = stopped
            elif zone.id in self._stop_state:
                if not self._stop_state.pop(zone.id):
                    events.append(self._event("stop_infraction", ego, f"did not stop at stop sign {zone.id}",
                                              zone.id))
        return events

    # run enders

    def _check_deviation(self, ego: EgoFrame, progressed: float) -> Infraction | None:
        low = max(self.route_index - 10, 0)
        window = self.route.xyz[low:self.route_index + 60, :2]
        distance = float(np.min(np.linalg.norm(window - np.array([ego.x, ego.y]), axis=1)))
        if distance > DEVIATION_SAFE_M:
            self._far_from_route_m += max(progressed, abs(ego.speed) * 0.05)
        if distance > DEVIATION_MAX_M:
            return self._event("route_dev", ego, f"deviated from the route by {distance:.0f} m")
        if self._far_from_route_m > DEVIATION_MAX_FRACTION * self.route.length_m:
            return self._event("route_dev", ego, "drove more than 30% of the route length over 15 m off it")
        return None

    def _check_blocked(self, ego: EgoFrame) -> Infraction | None:
        if abs(ego.speed) >= BLOCKED_SPEED:
            self._slow_since = None
            return None
        if self._slow_since is None:
            self._slow_since = ego.time_s
        if ego.time_s - self._slow_since >= BLOCKED_SECONDS:
            return self._event("vehicle_blocked", ego, f"blocked: slower than {BLOCKED_SPEED} m/s for "
                                                       f"{BLOCKED_SECONDS:.0f} s")
        return None

    def _check_timeout(self, ego: EgoFrame) -> Infraction | None:
        if ego.time_s >= self.timeout_s:
            return self._event("route_timeout", ego, f"route timeout after {self.timeout_s:.0f} s")
        return None

    # the score

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
        status = "Completed" if completion >= 100.0 else ("Failed - " + self.failure_reason if self.failure_reason
                                                          else "Failed - Agent did not finish the route")
        return RouteScore(route_completion=completion, infraction_penalty=penalty,
                          driving_score=completion * penalty, status=status, failure_reason=self.failure_reason,
                          infractions=infractions, route_length_m=self.route.length_m,
                          driven_route_m=self.driven_route_m, outside_lanes_percentage=outside)

    def outside_lanes_event(self, ego: EgoFrame) -> Infraction | None:
        """The one outside-route-lanes infraction the Leaderboard reports at the end, if any."""
        outside = self.outside_lanes_percentage
        if outside <= 0:
            return None
        return self._event("outside_route_lanes", ego, f"drove {self._outside_m:.0f} m ({outside:.1f}% of the "
                           "completed route) outside the route lanes", penalty=1.0 - outside / 100.0)
