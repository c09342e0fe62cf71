"""Driving contracts: control, ego and actor states, scenario and observation.

Coordinates are CARLA's: x forward/east, y to the right (left-handed), yaw in degrees
clockwise seen from above, metres and seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from pydantic import ConfigDict, Field

from envs.contracts import Contract


class VehicleControl(Contract):
    """carla.VehicleControl semantics: throttle and brake in [0, 1], steer in [-1, 1]."""

    throttle: float = Field(0.0, ge=0.0, le=1.0)
    steer: float = Field(0.0, ge=-1.0, le=1.0)
    brake: float = Field(0.0, ge=0.0, le=1.0)
    hand_brake: bool = False
    reverse: bool = False

    @classmethod
    def clamped(cls, throttle: float = 0.0, steer: float = 0.0, brake: float = 0.0,
                hand_brake: bool = False, reverse: bool = False) -> VehicleControl:
        """Clamp to the valid ranges as the CARLA server does, instead of rejecting."""
        return cls.model_construct(
            throttle=min(max(float(throttle), 0.0), 1.0),
            steer=min(max(float(steer), -1.0), 1.0),
            brake=min(max(float(brake), 0.0), 1.0),
            hand_brake=bool(hand_brake), reverse=bool(reverse))


class Pose(Contract):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)  # a NaN point would poison every distance

    x: float
    y: float
    z: float = 0.0
    yaw: float = 0.0
    pitch: float = 0.0
    roll: float = 0.0


class LightColor(StrEnum):
    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"
    OFF = "off"


class ActorKind(StrEnum):
    VEHICLE = "vehicle"
    PEDESTRIAN = "pedestrian"
    PROP = "prop"  # a static object standing on the road or the curb (the static layout, as in CARLA)
    CYCLIST = "cyclist"  # a bicycle: a vehicle to the criteria, as in CARLA
    DEBRIS = "debris"  # flat litter on the road: seen, driven over, never hit


class EgoState(Contract):
    x: float
    y: float
    z: float
    yaw: float
    speed: float = Field(description="m/s, signed: negative when reversing")
    acceleration: float
    steer_angle: float = Field(description="front-wheel angle, radians")
    length: float
    width: float
    road_id: int | None = None
    lane_id: int | None = None
    is_junction: bool = False
    speed_limit: float = Field(description="m/s, of the lane the ego is on")


class ActorState(Contract):
    id: str
    kind: ActorKind
    x: float
    y: float
    yaw: float
    speed: float
    length: float
    width: float
    lane: str | None = None
    visible: bool = True


class LightState(Contract):
    """A traffic light as seen from one incoming lane: its stop line and colour."""

    id: str
    color: LightColor
    x: float
    y: float
    yaw: float
    distance: float = Field(description="distance from the ego to the stop line, metres")


@dataclass(frozen=True)
class ActorArrays:
    """Other actors as parallel numpy arrays (hot-loop friendly)."""

    ids: tuple[str, ...]
    kind: np.ndarray  # (N,) int8: 0 vehicle, 1 pedestrian
    xy: np.ndarray  # (N, 2)
    yaw: np.ndarray  # (N,) degrees
    speed: np.ndarray  # (N,)
    extent: np.ndarray  # (N, 2) half length, half width
    lanes: tuple[str, ...] = ()  # SUMO lane id each actor is on (sidewalks and crossings for pedestrians)
    visible: np.ndarray | None = None  # (N,) bool: in line of sight of the ego's sensors; None: not judged

    KIND_VEHICLE = 0
    KIND_PEDESTRIAN = 1
    KIND_PROP = 2
    KIND_CYCLIST = 3
    KIND_DEBRIS = 4
    KINDS = (ActorKind.VEHICLE, ActorKind.PEDESTRIAN, ActorKind.PROP, ActorKind.CYCLIST, ActorKind.DEBRIS)

    @classmethod
    def empty(cls) -> ActorArrays:
        return cls((), np.zeros(0, np.int8), np.zeros((0, 2)), np.zeros(0), np.zeros(0), np.zeros((0, 2)), ())

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def solid(self) -> np.ndarray:
        """(N,) bool: actors a car can hit (everything but flat debris)."""
        return self.kind != self.KIND_DEBRIS

    def subset(self, mask: np.ndarray) -> ActorArrays:
        rows = np.where(mask)[0]
        return ActorArrays(tuple(self.ids[i] for i in rows), self.kind[rows], self.xy[rows], self.yaw[rows],
                           self.speed[rows], self.extent[rows],
                           tuple(self.lanes[i] for i in rows) if self.lanes else (),
                           None if self.visible is None else self.visible[rows])

    def seen(self) -> ActorArrays:
        """The actors the ego's sensors can see: what a planner may plan from."""
        return self if self.visible is None or self.visible.all() else self.subset(self.visible)

    def with_visibility(self, visible: np.ndarray) -> ActorArrays:
        return ActorArrays(self.ids, self.kind, self.xy, self.yaw, self.speed, self.extent, self.lanes,
                           np.asarray(visible, dtype=bool))

    @classmethod
    def concat(cls, parts: list[ActorArrays]) -> ActorArrays:
        parts = [part for part in parts if len(part)]
        if not parts:
            return cls.empty()
        if len(parts) == 1:
            return parts[0]
        lanes = () if not any(part.lanes for part in parts) else \
            tuple(lane for part in parts for lane in (part.lanes or ("",) * len(part)))
        visible = None if any(part.visible is None for part in parts) else np.concatenate([p.visible for p in parts])
        return cls(tuple(name for part in parts for name in part.ids), np.concatenate([p.kind for p in parts]),
                   np.concatenate([p.xy for p in parts]), np.concatenate([p.yaw for p in parts]),
                   np.concatenate([p.speed for p in parts]), np.concatenate([p.extent for p in parts]), lanes, visible)

    def states(self) -> list[ActorState]:
        return [ActorState(id=self.ids[i], kind=self.KINDS[int(self.kind[i])], x=float(self.xy[i, 0]),
                           y=float(self.xy[i, 1]), yaw=float(self.yaw[i]), speed=float(self.speed[i]),
                           length=float(2 * self.extent[i, 0]), width=float(2 * self.extent[i, 1]),
                           lane=self.lanes[i] if self.lanes else None,
                           visible=True if self.visible is None else bool(self.visible[i]))
                for i in range(len(self.ids))]


@dataclass(frozen=True)
class GroundTruth:
    """Privileged truth for rule planners and data labels."""

    actors: ActorArrays
    lights: list[LightState] = field(default_factory=list)
    route_light: LightState | None = None  # the next light on the ego's route, if any within range


class ScenarioTrigger(Contract):
    """One trigger of a Leaderboard 1.0 scenario file: where a scenario of this type may start
    (the ego's pose there) and the positions its other actors use."""

    scenario_type: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", description="ScenarioN (Leaderboard 1.0), or a "
                                                                             "Leaderboard 2.0 type name")
    x: float
    y: float
    z: float = 0.0
    yaw: float = 0.0
    other_actors: list[Pose] = Field(default_factory=list)

    @property
    def number(self) -> int:
        """N of ScenarioN (the Leaderboard 1.0 priority); 0 for other types."""
        suffix = self.scenario_type.removeprefix("Scenario")
        return int(suffix) if suffix.isdigit() else 0


class DrivingScenario(Contract):
    """One route to drive: where, with how much traffic, under which seed, and the town's scenario
    triggers (those the route passes are matched and played, as the Leaderboard does)."""

    route_id: str
    town: str
    waypoints: list[Pose] = Field(min_length=2)
    seed: int = 0
    vehicles: int = Field(60, ge=0)
    pedestrians: int = Field(40, ge=0)
    timeout_s: float | None = Field(None, gt=0, description="default: the Leaderboard's estimate from route length")
    scenario_triggers: list[ScenarioTrigger] = Field(default_factory=list)
    control_loss_noise: bool = Field(False, description="Scenario1's steering noise (Leaderboard 1.0 never applied it)")


class DrivingObservation(Contract):
    tick: int
    time_s: float
    map_name: str
    ego: EgoState
    route_index: int = Field(description="index of the ego's progress in the dense route")
    route_completion: float = Field(description="percent of the route completed")
    truth: GroundTruth
    images: dict[str, np.ndarray] = Field(default_factory=dict, description="camera name -> HxWx3 uint8 RGB")
    bev: np.ndarray | None = Field(None, description="CxHxW uint8 semantic bird's-eye view (sensors.bev)")
