"""The route scenarios of Leaderboard 1.0, played in the embedded simulator.

A scenario starts when the ego's place on the route comes within 1.5 m of its trigger (the
Leaderboard's ScenarioTriggerer: the closest of the next 5 route points, in 3-D); its actors then
appear and act with scenario_runner's Leaderboard 1.0 parameters:

- Scenario1 (ControlLoss): dirt debris on the lane 12, 46 and 72 m past the trigger (flat, driven
  over); optionally the steering and throttle noise (Leaderboard 1.0 never applied it).
- Scenario3 (DynamicObjectCrossing): a vending machine at the curb, a pedestrian hidden behind it
  who crosses the road at 3 + 0.4 n m/s when the ego is 12 + n m away along the route (n: the
  lane count of the walk to the curb), and both gone once the ego has driven 5 m after that.
- Scenario4 (VehicleTurningRoute): a cyclist at the curb of the exit road just after the turn,
  crossing it at 10 m/s when the ego is 13 m plus the crossing width away, then standing 5 s.

Other scenario types are matched and reported but not played ("unsupported").
"""

from __future__ import annotations

import logging
import math
import random
from dataclasses import dataclass, field

import numpy as np

from envs.driving.contracts import ActorArrays
from envs.driving.routing import DenseRoute, RoadOption
from envs.driving.scenario_matching import MatchedScenario
from envs.driving.sim import scenario_geometry as geo

log = logging.getLogger("mllm_pilot.scenarios")
TRIGGER_DISTANCE_M = 1.5
TRIGGER_WINDOW = 5
DEBRIS_EXTENT = (0.9, 0.9)  # static.prop.dirtdebris01, about 1.8 m across and a few cm high
VENDING_MACHINE_EXTENT = (0.5, 0.6)
WALKER_EXTENT = (0.25, 0.25)
BICYCLE_EXTENT = (0.8, 0.35)  # vehicle.diamondback.century


@dataclass
class ScriptedActor:
    id: str
    kind: int
    xy: np.ndarray
    yaw: float
    extent: tuple[float, float]
    speed: float = 0.0

    def move(self, dt: float) -> float:
        step = self.speed * dt
        heading = math.radians(self.yaw)
        self.xy = self.xy + step * np.array([math.cos(heading), math.sin(heading)])
        return step


@dataclass
class EgoOnRoute:
    """What a scenario reads of the ego each tick."""

    xy: np.ndarray
    route_m: float  # distance along the route reached (route completion's progress)
    driven_m: float  # odometer
    time_s: float


@dataclass
class RouteScenario:
    matched: MatchedScenario
    number: int  # its place among the route's scenarios
    actors: list[ScriptedActor] = field(default_factory=list)
    triggered: bool = False
    finished: bool = False
    collided: bool = False
    note: str = ""

    @property
    def name(self) -> str:
        return f"{self.matched.scenario_type.lower()}_{self.number}"

    def prepare(self, carla_map, route: DenseRoute) -> None:
        """Work out where the actors go (at route start, as the Leaderboard builds scenarios)."""

    def _reference(self, carla_map):
        """The lane waypoint at the trigger (scenario_runner's reference waypoint), or None with a note."""
        trigger = self.matched.trigger
        reference = geo.lane_waypoint(carla_map, trigger.x, trigger.y, trigger.z)
        if reference is None:
            self.note = "trigger off the map"
        return reference

    def start(self, ego: EgoOnRoute) -> None:
        """The ego reached the trigger: place the actors."""
        self.triggered = True

    def step(self, ego: EgoOnRoute, dt: float) -> None:
        """Advance the actors one tick."""

    def outcome(self) -> str:
        if self.note:
            return "skipped"  # its actors could not be placed on this map
        if self.collided:
            return "collision"
        return "passed" if self.triggered else "not reached"

    def record(self) -> dict:
        trigger = self.matched.trigger
        return {"type": self.matched.scenario_type, "subtype": self.matched.subtype,
                "trigger": [round(trigger.x, 2), round(trigger.y, 2), round(trigger.yaw, 1)],
                "route_index": self.matched.route_index, "triggered": self.triggered, "outcome": self.outcome(),
                **({"note": self.note} if self.note else {})}


class Unsupported(RouteScenario):
    def outcome(self) -> str:
        return "unsupported"


@dataclass
class ControlLoss(RouteScenario):
    DISTANCES_M = (12.0, 46.0, 72.0)  # scenario_runner's 14, 48, 74 m, less its 2 m prop offset
    NOISE_STD = 0.01
    NOISE_STEER_MEAN = 0.001
    NOISE_THROTTLE_MEAN = 0.045
    NOISE_REACH_M = 2.0
    NOISE_SPAN_M = 30.0
    NOISE_JUNCTION_M = 10.0
    places: list[np.ndarray] = field(default_factory=list)
    noise: tuple[float, float] | None = None  # (steer, throttle) added while active
    noise_from_m: float | None = None
    _junctions: np.ndarray | None = None

    def prepare(self, carla_map, route: DenseRoute) -> None:
        reference = self._reference(carla_map)
        if reference is None:
            return
        self.places = [geo.waypoint_xy(geo.ahead_on_lane(reference, d)) for d in self.DISTANCES_M]
        self.yaw = reference.transform.rotation.yaw
        turning = np.isin(route.command, (RoadOption.LEFT, RoadOption.RIGHT, RoadOption.STRAIGHT))
        self._junctions = route.xyz[turning, :2]

    def start(self, ego: EgoOnRoute) -> None:
        super().start(ego)
        self.actors = [ScriptedActor(f"{self.name}:debris{k}", ActorArrays.KIND_DEBRIS, place, self.yaw,
                                     DEBRIS_EXTENT) for k, place in enumerate(self.places)]

    def step(self, ego: EgoOnRoute, dt: float) -> None:
        if not self.places or self.finished:
            return
        if self.noise_from_m is None and np.linalg.norm(ego.xy - self.places[0]) < self.NOISE_REACH_M:
            self.noise_from_m = ego.driven_m
        if self.noise_from_m is not None:
            near_junction = len(self._junctions) and \
                np.min(np.linalg.norm(self._junctions - ego.xy, axis=1)) < self.NOISE_JUNCTION_M
            if ego.driven_m - self.noise_from_m > self.NOISE_SPAN_M or near_junction:
                self.finished = True

    def control_noise(self, rng: random.Random) -> tuple[float, float]:
        """(steer, throttle) to add this tick: scenario_runner's one draw, while the jitter lasts."""
        if self.noise_from_m is None or self.finished:
            return 0.0, 0.0
        if self.noise is None:
            amount = abs(rng.gauss(0.0, self.NOISE_STD))
            self.noise = (min(0.0, -(amount - self.NOISE_STEER_MEAN)), min(amount + self.NOISE_THROTTLE_MEAN, 1.0))
        return self.noise


@dataclass
class DynamicObjectCrossing(RouteScenario):
    START_DISTANCE_M = 12.0
    PASS_DISTANCE_M = 5.0
    END_DISTANCE_M = 40.0
    walker_xy: np.ndarray | None = None
    walker_yaw: float = 0.0
    blocker_xy: np.ndarray | None = None
    phase: str = "waiting"
    phase_m: float = 0.0  # what the current phase has walked (or the ego has driven)
    lane_changes: int = 1

    def prepare(self, carla_map, route: DenseRoute) -> None:
        reference = self._reference(carla_map)
        if reference is None:
            return
        curb_lane, self.lane_changes, extra = geo.rightmost_lane_for_crossing(reference)
        ahead = geo.ahead_on_lane(curb_lane, self.START_DISTANCE_M + extra, stop_at_junction=not reference.is_junction)
        location = ahead.transform.location
        projected = geo.lane_waypoint(carla_map, location.x, location.y, location.z) or ahead
        # a lane width to the right of that point, across the lane the map puts it on
        self.walker_xy, self.walker_yaw = geo.beside(geo.waypoint_xy(ahead), projected.transform.rotation.yaw,
                                                     curb_lane.lane_width)
        # the occluder: 90 % of the way from the trigger's lane point to the walker
        self.blocker_xy = geo.waypoint_xy(reference) + 0.9 * (self.walker_xy - geo.waypoint_xy(reference))
        self.speed = 3.0 + 0.4 * self.lane_changes
        self.cross_m = reference.lane_width * (1.0 + 1.25 * self.lane_changes)
        self.trigger_m = self.START_DISTANCE_M + self.lane_changes
        self.walker_route_m = geo.along_route_m(route, self.walker_xy, self.matched.route_index)

    def start(self, ego: EgoOnRoute) -> None:
        super().start(ego)
        if self.walker_xy is None:
            return
        self.walker = ScriptedActor(f"{self.name}:walker", ActorArrays.KIND_PEDESTRIAN, self.walker_xy.copy(),
                                    self.walker_yaw, WALKER_EXTENT)
        blocker = ScriptedActor(f"{self.name}:vending_machine", ActorArrays.KIND_PROP, self.blocker_xy.copy(),
                                (self.walker_yaw + 180.0) % 360.0, VENDING_MACHINE_EXTENT)
        self.actors = [self.walker, blocker]

    def step(self, ego: EgoOnRoute, dt: float) -> None:
        if self.walker_xy is None or self.finished:
            return
        if self.phase == "waiting":
            if geo.within_along_route(ego.xy, ego.route_m, self.walker_xy, self.walker_route_m, self.trigger_m):
                self.phase, self.phase_m, self.walker.speed = "entering", 0.0, self.speed
        elif self.phase == "entering":  # half the crossing width at the target speed
            self.phase_m += self.walker.move(dt)
            if self.phase_m >= 0.5 * self.cross_m:
                self.phase, self.phase_m, self.ego_start_m = "crossing", 0.0, ego.driven_m
        elif self.phase == "crossing":  # until across, or until the ego has driven 5 m on
            self.phase_m += self.walker.move(dt)
            if self.phase_m >= self.cross_m or ego.driven_m - self.ego_start_m >= self.PASS_DISTANCE_M:
                self.actors = []  # the walker stops and both are removed
                self.phase, self.ego_start_m = "done", ego.driven_m
        elif ego.driven_m - self.ego_start_m >= self.END_DISTANCE_M:
            self.finished = True


@dataclass
class VehicleTurningRoute(RouteScenario):
    EXIT_DISTANCE_M = 8.0
    SPEED = 10.0
    BASE_TRIGGER_M = 13.0
    STAND_S = 5.0
    cyclist_xy: np.ndarray | None = None
    cyclist_yaw: float = 0.0
    phase: str = "waiting"
    phase_m: float = 0.0

    def prepare(self, carla_map, route: DenseRoute) -> None:
        reference = self._reference(carla_map)
        if reference is None:
            return
        trigger = self.matched.trigger
        gaps = np.linalg.norm(route.xyz - np.array([trigger.x, trigger.y, trigger.z]), axis=1)
        closest = len(gaps) - 1 - int(np.argmin(gaps[::-1]))
        exit_index = geo.route_exit_after_junction(route, closest)
        x, y, z = route.xyz[exit_index]
        exit_waypoint = geo.lane_waypoint(carla_map, float(x), float(y), float(z))
        following = exit_waypoint.next(self.EXIT_DISTANCE_M) if exit_waypoint is not None else []
        if not following:
            self.note = "no lane after the junction"
            return
        curb_lane, lane_changes = geo.rightmost_driving_lane(following[0])
        spawn = curb_lane.next(float(lane_changes))
        if not spawn:
            self.note = "no lane to place the cyclist"
            return
        self.cyclist_xy, self.cyclist_yaw = geo.beside(geo.waypoint_xy(spawn[-1]), spawn[-1].transform.rotation.yaw,
                                                       curb_lane.lane_width)
        self.cross_m = reference.lane_width * (1.0 + 1.10 * lane_changes)
        self.trigger_m = self.BASE_TRIGGER_M + self.cross_m
        self.cyclist_route_m = geo.along_route_m(route, self.cyclist_xy, self.matched.route_index, 250.0)

    def start(self, ego: EgoOnRoute) -> None:
        super().start(ego)
        if self.cyclist_xy is None:
            return
        self.cyclist = ScriptedActor(f"{self.name}:cyclist", ActorArrays.KIND_CYCLIST, self.cyclist_xy.copy(),
                                     self.cyclist_yaw, BICYCLE_EXTENT)
        self.actors = [self.cyclist]

    def step(self, ego: EgoOnRoute, dt: float) -> None:
        if self.cyclist_xy is None or self.finished:
            return
        if self.phase == "waiting":
            if geo.within_along_route(ego.xy, ego.route_m, self.cyclist_xy, self.cyclist_route_m, self.trigger_m):
                self.phase, self.phase_m, self.cyclist.speed = "crossing", 0.0, self.SPEED
        elif self.phase == "crossing":
            self.phase_m += self.cyclist.move(dt)
            if self.phase_m >= self.cross_m:
                self.cyclist.speed, self.phase, self.stop_time_s = 0.0, "standing", ego.time_s
        elif self.phase == "standing" and ego.time_s - self.stop_time_s >= self.STAND_S:
            self.actors, self.finished = [], True


PLAYED = {"Scenario1": ControlLoss, "Scenario3": DynamicObjectCrossing, "Scenario4": VehicleTurningRoute}


class RouteScenarioPlayer:
    """The route's matched scenarios: triggers them as the ego comes by, steps them, and hands
    their actors to the simulator every tick."""

    def __init__(self, carla_map, route: DenseRoute, matched: list[MatchedScenario], seed: int = 0,
                 control_noise: bool = False):
        self.route = route
        self.scenarios: list[RouteScenario] = [PLAYED.get(m.scenario_type, Unsupported)(m, k)
                                               for k, m in enumerate(matched)]
        for scenario in self.scenarios:
            scenario.prepare(carla_map, route)
            if scenario.note:
                trigger = scenario.matched.trigger
                log.warning("%s at (%.1f, %.1f) skipped: %s", scenario.matched.scenario_type, trigger.x, trigger.y,
                            scenario.note)
        self._trigger_xyz = np.array([[m.trigger.x, m.trigger.y, m.trigger.z] for m in matched]).reshape(-1, 3)
        self._index = 0  # the triggerer's own place on the route
        self._rng = random.Random(seed)
        self.control_noise = control_noise
        self.driven_m = 0.0
        self._last_xy: np.ndarray | None = None

    def step(self, x: float, y: float, z: float, route_m: float, time_s: float, dt: float) -> None:
        xy = np.array([x, y])
        if self._last_xy is not None:
            self.driven_m += float(np.linalg.norm(xy - self._last_xy))
        self._last_xy = xy
        ego = EgoOnRoute(xy, route_m, self.driven_m, time_s)
        window = self.route.xyz[self._index:self._index + TRIGGER_WINDOW + 1]
        gaps = np.linalg.norm(window - np.array([x, y, z]), axis=1)
        self._index += int(len(gaps) - 1 - np.argmin(gaps[::-1]))
        if len(self._trigger_xyz):
            close = np.linalg.norm(self._trigger_xyz - self.route.xyz[self._index], axis=1) < TRIGGER_DISTANCE_M
            for k in np.where(close)[0]:
                if not self.scenarios[k].triggered and not isinstance(self.scenarios[k], Unsupported) \
                        and not self.scenarios[k].note:
                    self.scenarios[k].start(ego)
        for scenario in self.scenarios:
            if scenario.triggered:
                scenario.step(ego, dt)

    def actors(self) -> ActorArrays:
        present = [actor for scenario in self.scenarios for actor in scenario.actors]
        if not present:
            return ActorArrays.empty()
        return ActorArrays(tuple(a.id for a in present), np.array([a.kind for a in present], np.int8),
                           np.array([a.xy for a in present], dtype=float), np.array([a.yaw for a in present]),
                           np.array([a.speed for a in present]), np.array([a.extent for a in present], dtype=float))

    def noise(self) -> tuple[float, float]:
        """(steer, throttle) noise to add to the ego's control this tick (ControlLoss, when enabled)."""
        if not self.control_noise:
            return 0.0, 0.0
        for scenario in self.scenarios:
            if isinstance(scenario, ControlLoss):
                steer, throttle = scenario.control_noise(self._rng)
                if steer or throttle:
                    return steer, throttle
        return 0.0, 0.0

    def note_collisions(self, actor_ids: list[str]) -> None:
        for scenario in self.scenarios:
            if any(actor_id.startswith(f"{scenario.name}:") for actor_id in actor_ids):
                scenario.collided = True

    def records(self) -> list[dict]:
        return [scenario.record() for scenario in self.scenarios]
