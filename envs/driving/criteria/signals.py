"""Traffic-light and stop-sign criteria of Leaderboard 1.0.

RunningRedLightTest: a light is run when, while it is red and the ego is within 15 m of it, the
ego's tail (from 0.8 of its half length behind the centre to a metre behind the rear bumper)
crosses the stop line of a lane the light controls (the lane's junction entry, +-0.4 lane width)
with the tail in that lane and the ego heading the lane's way. Only the light run last is skipped,
so running A, then B, then A again counts three times.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from envs.driving.criteria.frame import EgoFrame, event
from envs.driving.geometry import box_corners, boxes_overlap, segments_cross

RED = 0
LIGHT_DISTANCE_M = 15.0
STOP_LINE_HALF_WIDTH = 0.4  # of the lane width, each side of the lane centre


@dataclass
class LightLines:
    """The stop lines of traffic lights, one per controlled lane.

    `ids` name the lines; `light_ids` the light each line belongs to (one light controls the lanes
    of one approach); `light_xy` where that light is (for the 15 m test); `lanes` the (road, lane)
    of each line's lane, None where the map cannot say (then the lane test is skipped)."""

    ids: list[str]
    left: np.ndarray  # (M, 2)
    right: np.ndarray  # (M, 2)
    direction: np.ndarray  # (M, 2) unit vector of travel
    light_ids: list[str] | None = None
    light_xy: np.ndarray | None = None  # (M, 2)
    lanes: list[tuple[int, int] | None] | None = None

    def __post_init__(self) -> None:
        if self.light_ids is None:
            self.light_ids = list(self.ids)
        if self.light_xy is None:
            self.light_xy = 0.5 * (self.left + self.right)
        if self.lanes is None:
            self.lanes = [None] * len(self.ids)

    @classmethod
    def empty(cls) -> LightLines:
        return cls([], np.zeros((0, 2)), np.zeros((0, 2)), np.zeros((0, 2)))

    @staticmethod
    def stop_line(center: np.ndarray, direction: np.ndarray, lane_width: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(M, 2) left and right ends of the line across each lane at +-0.4 lane width."""
        normal = np.stack([-direction[:, 1], direction[:, 0]], axis=1)  # CARLA's y points right
        offset = normal * (STOP_LINE_HALF_WIDTH * np.asarray(lane_width, dtype=float))[:, None]
        return center - offset, center + offset


class RunningRedLightTest:
    def __init__(self, lines: LightLines):
        self.lines = lines
        self.last_light: str | None = None

    def update(self, ego: EgoFrame, colors: np.ndarray | None) -> list:
        lines = self.lines
        if colors is None or not len(lines.ids):
            return []
        near = np.linalg.norm(lines.light_xy - ego.position, axis=1) <= LIGHT_DISTANCE_M
        candidates = np.where(near & (colors == RED) & (lines.direction @ ego.heading > 0.0))[0]
        if not len(candidates):
            return []
        tail_close = ego.position - 0.8 * ego.half_length * ego.heading
        tail_far = ego.position - (ego.half_length + 1.0) * ego.heading
        crossing = segments_cross(tail_close, tail_far, lines.left[candidates], lines.right[candidates])
        events = []
        for m in candidates[crossing]:
            light = lines.light_ids[m]
            if light == self.last_light:
                continue
            lane = lines.lanes[m]
            if lane is not None and ego.tail_lane is not None and lane != ego.tail_lane:
                continue
            self.last_light = light
            events.append(event("red_light", ego, f"ran a red light at {light}", light))
        return events


@dataclass
class StopZone:
    """A stop sign's area: the ego must stand still (< 0.1 m/s) somewhere inside it."""

    id: str
    corners: np.ndarray  # (4, 2)


STOP_ZONE_LENGTH_M = 4.0
STOP_SPEED = 0.1


def stop_zone_corners(sign_xy: np.ndarray, lane_yaw_deg: float, lane_width: float) -> np.ndarray:
    """(4, 2) corners of the lane area just before a stop sign's position."""
    heading = np.array([math.cos(math.radians(lane_yaw_deg)), math.sin(math.radians(lane_yaw_deg))])
    center = sign_xy - 0.5 * STOP_ZONE_LENGTH_M * heading
    return box_corners(center, np.array([lane_yaw_deg]), np.array([[0.5 * STOP_ZONE_LENGTH_M, 0.5 * lane_width]]))[0]


@dataclass
class RunningStopTest:
    """Entering a stop zone and leaving it without having stood still inside it."""

    zones: list[StopZone]
    _stopped: dict[str, bool] = field(default_factory=dict)  # zone id -> stood still while inside

    def update(self, ego: EgoFrame) -> list:
        if not self.zones:
            return []
        corners = box_corners(ego.position, np.array([ego.yaw]), np.array([[ego.half_length, ego.half_width]]))
        events = []
        for zone in self.zones:
            if boxes_overlap(zone.corners, corners)[0]:
                self._stopped[zone.id] = self._stopped.get(zone.id, False) or abs(ego.speed) < STOP_SPEED
            elif zone.id in self._stopped and not self._stopped.pop(zone.id):
                events.append(event("stop_infraction", ego, f"did not stop at stop sign {zone.id}", zone.id))
        return events
