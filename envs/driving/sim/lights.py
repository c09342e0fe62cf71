"""Traffic-light stop lines from SUMO's signal programs, in map coordinates.

SUMO controls links (incoming lane -> outgoing lane). One stop line sits at the end of
each controlled incoming lane; its colour is that of the link the ego's route takes, or,
for lanes off the route, the most permissive of its links.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from envs.driving.criteria import LightLines
from envs.driving.light_view import GREEN, OFF, RED, YELLOW, LightView, route_passes
from envs.driving.maps import RoadMap
from envs.driving.routing import DenseRoute

_CODE = np.full(256, RED, dtype=np.int8)
for _letters, _code in (("rRsu", RED), ("yY", YELLOW), ("gG", GREEN), ("oO", OFF)):
    for _letter in _letters:
        _CODE[ord(_letter)] = _code


PASSED_BEHIND_POINTS = 30  # a pass this far behind the ego still colours its line (the ego may be on it)


def state_codes(states: str) -> np.ndarray:
    """SUMO's per-link state letters to RED/YELLOW/GREEN/OFF codes."""
    return _CODE[np.frombuffer(states.encode("ascii"), dtype=np.uint8)]


@dataclass
class StopLines:
    light_ids: list[str]  # SUMO traffic-light ids, in the order their states are concatenated
    line_ids: list[str]
    center: np.ndarray  # (M, 2)
    direction: np.ndarray  # (M, 2) unit vector of travel
    half_width: np.ndarray  # (M,)
    links: np.ndarray  # (M, K) global link indices into the concatenated states, -1 padded
    out_start: np.ndarray  # (M, K, 2) where each link's outgoing lane starts
    route_link: np.ndarray  # (M,) the link the route takes through this line next, -1 if off the route
    light_of: list[str]  # (M,) the SUMO traffic light controlling each line
    pass_line: np.ndarray = field(default_factory=lambda: np.zeros(0, int))  # each time the route passes a line
    pass_index: np.ndarray = field(default_factory=lambda: np.zeros(0, int))  # ... at this route index
    pass_link: np.ndarray = field(default_factory=lambda: np.zeros(0, int))  # ... taking this link

    def __len__(self) -> int:
        return len(self.line_ids)

    def colors(self, states: str) -> np.ndarray:
        """(M,) colour codes for the concatenated SUMO states of light_ids."""
        codes = state_codes(states)
        if len(self) == 0:
            return np.zeros(0, np.int8)
        per_link = np.where(self.links >= 0, codes[np.maximum(self.links, 0)], -1)
        permissive = per_link.max(axis=1)
        on_route = self.route_link >= 0
        permissive[on_route] = codes[self.route_link[on_route]]
        return permissive.astype(np.int8)

    def endpoints(self) -> tuple[np.ndarray, np.ndarray]:
        """(M, 2) left and right ends of every stop line."""
        normal = np.stack([-self.direction[:, 1], self.direction[:, 0]], axis=1)
        offset = normal * self.half_width[:, None]
        return self.center - offset, self.center + offset

    def criteria_lines(self, road_map: RoadMap) -> LightLines:
        """The lines as the red-light test judges them: +-0.4 lane width across each lane, grouped
        into one light per SUMO signal and approach (the lanes of one incoming road), each with the
        map lane it stands on."""
        left, right = LightLines.stop_line(self.center, self.direction, 2.0 * self.half_width)
        groups = [f"{self.light_of[m]}/{lane.rsplit('_', 1)[0]}" for m, lane in enumerate(self.line_ids)]
        light_xy = np.array([self.center[[k for k, g in enumerate(groups) if g == group]].mean(axis=0)
                             for group in groups]).reshape(len(groups), 2)
        lanes = []
        for center, direction in zip(self.center, self.direction):
            inside = center - 1.0 * direction  # just before the junction, in the lane itself
            waypoint = road_map.driving_waypoint(float(inside[0]), float(inside[1]))
            lanes.append(None if waypoint is None else (waypoint.road_id, waypoint.lane_id))
        return LightLines(list(self.line_ids), left, right, self.direction, groups, light_xy, lanes)

    def attach_route(self, route: DenseRoute) -> None:
        """Find each time the route passes a stop line, and the link it takes through it then."""
        self.pass_line, self.pass_index = route_passes(route, self.center, self.direction,
                                                       np.maximum(self.half_width, 1.0) + 0.5)
        route_xy = route.xyz[:, :2]
        links = []
        for m, index in zip(self.pass_line, self.pass_index):
            ahead = route_xy[index:index + 60]
            valid = self.links[m] >= 0
            distances = [np.min(np.linalg.norm(ahead - self.out_start[m, k], axis=1)) if valid[k] else np.inf
                         for k in range(self.links.shape[1])]
            links.append(self.links[m, int(np.argmin(distances))])
        self.pass_link = np.array(links, dtype=int)
        self.follow_progress(0)

    def follow_progress(self, route_index: int) -> None:
        """Colour each line by the link of the route's next pass through it (a route may pass one
        line twice, turning differently)."""
        self.route_link = np.full(len(self), -1)
        for line, index, link in zip(self.pass_line[::-1], self.pass_index[::-1], self.pass_link[::-1]):
            if index >= route_index - PASSED_BEHIND_POINTS or self.route_link[line] < 0:
                self.route_link[line] = link

    def view(self) -> LightView:
        return LightView(self.line_ids, self.center, self.direction, self.pass_line, self.pass_index)


def read_stop_lines(libsumo, road_map: RoadMap) -> StopLines:
    """Stop lines of every signalised vehicle lane of the running SUMO simulation."""
    light_ids = list(libsumo.trafficlight.getIDList())
    by_lane: dict[str, list[tuple[int, str]]] = {}
    light_of: dict[str, str] = {}
    offset = 0
    for light in light_ids:
        links = libsumo.trafficlight.getControlledLinks(light)
        for link_index, connections in enumerate(links):
            for incoming, outgoing, _via in connections:
                if incoming.startswith(":"):
                    continue  # pedestrian crossings start on walking areas
                by_lane.setdefault(incoming, []).append((offset + link_index, outgoing))
                light_of[incoming] = light
        offset += len(libsumo.trafficlight.getRedYellowGreenState(light))
    lanes = sorted(by_lane)
    width = max((len(by_lane[lane]) for lane in lanes), default=1)
    center, direction, half_width = [], [], []
    links = np.full((len(lanes), width), -1)
    out_start = np.zeros((len(lanes), width, 2))
    for m, lane in enumerate(lanes):
        shape = road_map.from_sumo(np.array(libsumo.lane.getShape(lane)))
        tangent = shape[-1] - shape[-2]
        center.append(shape[-1])
        direction.append(tangent / max(np.linalg.norm(tangent), 1e-9))
        half_width.append(0.5 * libsumo.lane.getWidth(lane))
        for k, (link, outgoing) in enumerate(by_lane[lane]):
            links[m, k] = link
            out_start[m, k] = road_map.from_sumo(np.array(libsumo.lane.getShape(outgoing)[0]))
    count = len(lanes)
    return StopLines(light_ids, lanes, np.array(center).reshape(count, 2), np.array(direction).reshape(count, 2),
                     np.array(half_width), links, out_start, np.full(count, -1), [light_of[lane] for lane in lanes])
