"""What the criteria need of the ego at one tick, and the infraction event they raise."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from envs.contracts import Infraction

PENALTY = {
    "collisions_pedestrian": 0.50,
    "collisions_vehicle": 0.60,
    "collisions_layout": 0.65,
    "red_light": 0.70,
    "stop_infraction": 0.80,
}
INFRACTION_KINDS = ("collisions_layout", "collisions_pedestrian", "collisions_vehicle", "outside_route_lanes",
                    "red_light", "route_dev", "route_timeout", "stop_infraction", "vehicle_blocked")


@dataclass(frozen=True)
class EgoFrame:
    """The ego at one tick, with what the map says about where it is.

    The lane fields come from the map (envs.driving.ego_frame); None means "not known", and the
    tests that need them then skip their lane checks (scripted-path tests, maps without lanes)."""

    tick: int
    time_s: float
    x: float
    y: float
    yaw: float  # degrees
    speed: float
    half_length: float
    half_width: float
    on_driving_lane: bool = True  # within a driving or parking lane (with the Leaderboard's margin)
    lane_yaw: float | None = None  # yaw of the nearest driving lane (projected onto the road)
    in_junction: bool = False  # that nearest driving lane is in a junction
    off_road: bool = False  # off every lane, sidewalks included: hitting the static world
    z: float = 0.0
    lane: tuple[int, int] | None = None  # (road id, lane id) of the nearest driving lane
    tail_lane: tuple[int, int] | None = None  # (road id, lane id) under the point a metre behind the tail

    @property
    def position(self) -> np.ndarray:
        return np.array([self.x, self.y])

    @property
    def heading(self) -> np.ndarray:
        return np.array([math.cos(math.radians(self.yaw)), math.sin(math.radians(self.yaw))])


def event(kind: str, ego: EgoFrame, message: str, actor_id: str | None = None,
          penalty: float | None = None) -> Infraction:
    return Infraction(kind=kind, tick=ego.tick, time_s=ego.time_s, x=ego.x, y=ego.y,
                      penalty=PENALTY.get(kind, 1.0) if penalty is None else penalty, message=message,
                      actor_id=actor_id)
