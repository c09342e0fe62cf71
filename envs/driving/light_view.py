"""Traffic lights as the planner sees them, for every driving env: stop lines as arrays (centre,
travel direction, where the route passes them) and per-tick colour codes, turned into the
LightStates of the observation: the lights nearby and the next one on the route."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from envs.driving.contracts import LightColor, LightState
from envs.driving.routing import DenseRoute

RED, YELLOW, GREEN, OFF = 0, 1, 2, 3
COLORS = (LightColor.RED, LightColor.YELLOW, LightColor.GREEN, LightColor.OFF)
LIGHT_RANGE_M = 60.0


PASS_GAP_POINTS = 20  # route points further apart than this are separate passes of one line


def route_passes(route: DenseRoute, centers: np.ndarray, directions: np.ndarray,
                 tolerance_m: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Every time the route passes a stop line (within its tolerance, travelling its way): the
    line and the route index of each pass, in route order. A route can pass one line twice."""
    lines, indices = [], []
    route_xy = route.xyz[:, :2]
    route_dir = np.stack([np.cos(np.radians(route.yaw)), np.sin(np.radians(route.yaw))], axis=1)
    tolerance = np.broadcast_to(np.asarray(tolerance_m, dtype=float), (len(centers),))
    for m in range(len(centers)):
        gap = np.linalg.norm(route_xy - centers[m], axis=1)
        candidates = np.where((gap < tolerance[m]) & (route_dir @ directions[m] > 0.7))[0]
        if not len(candidates):
            continue
        for run in np.split(candidates, np.where(np.diff(candidates) > PASS_GAP_POINTS)[0] + 1):
            lines.append(m)
            indices.append(int(run[np.argmin(gap[run])]))
    order = np.argsort(indices, kind="stable")
    return np.array(lines, dtype=int)[order], np.array(indices, dtype=int)[order]


@dataclass
class LightView:
    ids: list[str]
    center: np.ndarray  # (M, 2)
    direction: np.ndarray  # (M, 2) unit vector of travel
    pass_line: np.ndarray  # (K,) the line of each time the route passes one, in route order
    pass_index: np.ndarray  # (K,) the dense-route index of that pass

    def state(self, m: int, code: int, distance: float) -> LightState:
        direction = self.direction[m]
        return LightState.model_construct(id=self.ids[m], color=COLORS[int(code)], x=float(self.center[m, 0]),
                                          y=float(self.center[m, 1]),
                                          yaw=math.degrees(math.atan2(direction[1], direction[0])), distance=distance)

    def nearby(self, x: float, y: float, codes: np.ndarray) -> list[LightState]:
        if not len(self.ids):
            return []
        distance = np.linalg.norm(self.center - np.array([x, y]), axis=1)
        return [self.state(m, codes[m], float(distance[m])) for m in np.where(distance < LIGHT_RANGE_M)[0]]

    def on_route(self, route: DenseRoute, progress_index: int, codes: np.ndarray) -> LightState | None:
        """The next stop line the route passes at or after the ego's progress, within range."""
        ahead = int(np.searchsorted(self.pass_index, progress_index))
        if ahead >= len(self.pass_index):
            return None
        m, index = int(self.pass_line[ahead]), int(self.pass_index[ahead])
        distance = float(route.cumulative_m[index] - route.cumulative_m[progress_index])
        return self.state(m, codes[m], distance) if distance <= LIGHT_RANGE_M else None
