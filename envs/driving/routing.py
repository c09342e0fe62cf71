"""Routes on a carla.Map: a lane graph from the map's topology, shortest paths, matching
a Leaderboard route's sparse waypoints to lanes, and the dense route the ego follows.

Graph nodes are the entry and exit of each lane segment of `get_topology()`; edges run
along a segment, from a segment's exit into each successor, and diagonally into a
neighbouring same-direction lane (a lane change somewhere along the segment).
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from envs.driving.turns import RoadOption, mark_junction_commands
from envs.errors import UserInputError

POINT_SPACING_M = 1.0
LANE_CHANGE_COST_M = 15.0
MIN_LANE_CHANGE_SEGMENT_M = 12.0
SNAP_COST_PER_M = 40.0
MAX_SNAP_DISTANCE_M = 10.0
MAX_LANE_CHANGES_BEFORE_POINT = 3
OVERLAP_RADIUS_M = 0.6  # another lane this close to a route point is a candidate for it too


@dataclass
class LaneSegment:
    index: int
    key: tuple[int, int, int]  # road_id, section_id, lane_id
    start: object  # carla.Waypoint
    end: object
    length: float
    is_junction: bool
    waypoints: list  # lane centre every POINT_SPACING_M, entry to exit (may span lane sections)
    successors: list[int] = field(default_factory=list)
    neighbours: list[tuple[int, RoadOption]] = field(default_factory=list)
    _points: np.ndarray | None = None

    def points(self) -> np.ndarray:
        """(M, 4) array of x, y, z, yaw along the lane centre, resampled every POINT_SPACING_M.

        carla's lane walk can skip stretches where a lane section changes; resampling the
        polyline fills those holes so the route has no gaps.
        """
        if self._points is None:
            raw = np.array([(w.transform.location.x, w.transform.location.y, w.transform.location.z,
                             w.transform.rotation.yaw) for w in self.waypoints])
            distance = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(raw[:, :2], axis=0), axis=1))])
            if distance[-1] < POINT_SPACING_M:
                self._points = raw[:1]
            else:
                samples = np.linspace(0.0, distance[-1], int(round(distance[-1] / POINT_SPACING_M)) + 1)
                yaw = np.degrees(np.unwrap(np.radians(raw[:, 3])))
                columns = [np.interp(samples, distance, raw[:, c]) for c in range(3)]
                wrapped = (np.interp(samples, distance, yaw) + 180.0) % 360.0 - 180.0
                self._points = np.stack([*columns, wrapped], axis=1)
        return self._points


@dataclass(frozen=True)
class LanePosition:
    """A point located on a lane segment: which segment, how far along, how far off."""

    segment: int
    offset: float
    snap_distance: float


@dataclass(frozen=True)
class Leg:
    """How one route leg is driven: graph nodes up to the entry of chain[0], then the lanes of
    `chain` (one lane, or parallel lanes changed through) up to the next route point."""

    nodes: list[int]
    chain: list[int]


@dataclass
class DenseRoute:
    """The route as points every ~1 m with the command at each point."""

    xyz: np.ndarray  # (N, 3)
    yaw: np.ndarray  # (N,) degrees
    command: np.ndarray  # (N,) RoadOption values
    segment: np.ndarray  # (N,) lane segment index
    cumulative_m: np.ndarray  # (N,) distance along the route

    @property
    def length_m(self) -> float:
        return float(self.cumulative_m[-1])

    def curve_speed(self, index: int, lateral_acceleration: float, window_points: int = 25) -> float:
        """The speed that keeps the lateral acceleration below the given one over the next stretch."""
        yaw = np.radians(self.yaw[index:index + window_points])
        if len(yaw) < 3:
            return math.inf
        turn = np.abs(np.diff(np.unwrap(yaw))).sum()
        last = min(index + window_points - 1, len(self.yaw) - 1)
        length = max(self.cumulative_m[last] - self.cumulative_m[index], 1.0)
        return math.sqrt(lateral_acceleration / max(turn / length, 1e-4))

    def __len__(self) -> int:
        return len(self.yaw)


def _walk_lane(waypoint, backwards: bool) -> list:
    """Waypoints along one lane of one road from `waypoint` until the lane ends.

    carla's own lane walks misbehave on lanes that lead nowhere; this steps one at a time.
    """
    walked = [waypoint]
    for _ in range(100_000):
        following = walked[-1].previous(POINT_SPACING_M) if backwards else walked[-1].next(POINT_SPACING_M)
        following = [w for w in following if w.road_id == waypoint.road_id and w.lane_id * waypoint.lane_id > 0]
        if not following:
            break
        walked.append(following[0])
    return walked


class RoadGraph:
    def __init__(self, carla_map):
        import carla

        self.carla_map = carla_map
        self._driving = carla.LaneType.Driving
        self.segments: list[LaneSegment] = []
        self._by_key: dict[tuple[int, int, int], int] = {}
        # get_topology() pairs the start of a lane piece with the start of each successor, so
        # one start can appear several times. A piece runs along one lane of a road (across
        # lane sections); every (road, section, lane) it passes through maps back to it.
        topology = carla_map.get_topology()
        successor_keys: dict[tuple[int, int, int], list[tuple[int, int, int]]] = {}
        for start, end in topology:
            key = (start.road_id, start.section_id, start.lane_id)
            if key not in successor_keys:
                successor_keys[key] = []
                # The walk runs to the end of the road; a piece ends where its successor starts.
                waypoints = [start, *start.next_until_lane_end(POINT_SPACING_M)]
                xy = np.array([(w.transform.location.x, w.transform.location.y) for w in waypoints])
                end_xy = np.array([end.transform.location.x, end.transform.location.y])
                last = int(np.argmin(np.linalg.norm(xy - end_xy, axis=1)))
                waypoints, xy = waypoints[:last + 1], xy[:last + 1]
                length = float(np.linalg.norm(np.diff(xy, axis=0), axis=1).sum()) if len(xy) > 1 else 0.0
                self._by_key[key] = len(self.segments)
                self.segments.append(LaneSegment(len(self.segments), key, start, end, max(length, 0.01),
                                                 start.is_junction, waypoints))
            successor_keys[key].append((end.road_id, end.section_id, end.lane_id))
        # carla leaves some dead-end lanes (no successor at the map's border) out of the topology
        for waypoint in carla_map.generate_waypoints(POINT_SPACING_M * 2):
            key = (waypoint.road_id, waypoint.section_id, waypoint.lane_id)
            if key in self._by_key or waypoint.is_junction:
                continue
            start = _walk_lane(waypoint, backwards=True)[-1]
            waypoints = _walk_lane(start, backwards=False)
            xy = np.array([(w.transform.location.x, w.transform.location.y) for w in waypoints])
            length = float(np.linalg.norm(np.diff(xy, axis=0), axis=1).sum()) if len(xy) > 1 else 0.0
            index = len(self.segments)
            successor_keys[(start.road_id, start.section_id, start.lane_id)] = []
            for walked in waypoints:
                self._by_key.setdefault((walked.road_id, walked.section_id, walked.lane_id), index)
            self.segments.append(LaneSegment(index, (start.road_id, start.section_id, start.lane_id), start,
                                             waypoints[-1], max(length, 0.01), False, waypoints))
        for segment in self.segments:
            for waypoint in segment.waypoints:
                if waypoint.road_id == segment.key[0]:
                    self._by_key.setdefault((waypoint.road_id, waypoint.section_id, waypoint.lane_id),
                                            segment.index)
        for segment in self.segments:
            for key in successor_keys[segment.key]:
                index = self._by_key.get(key)
                if index is not None and index != segment.index and index not in segment.successors:
                    segment.successors.append(index)
            if segment.is_junction or segment.length < MIN_LANE_CHANGE_SEGMENT_M:
                continue
            for neighbour, option in ((segment.start.get_left_lane(), RoadOption.CHANGELANELEFT),
                                      (segment.start.get_right_lane(), RoadOption.CHANGELANERIGHT)):
                if neighbour is None or neighbour.lane_type != self._driving:
                    continue
                if neighbour.lane_id * segment.key[2] <= 0:
                    continue  # opposite direction: only lane borrowing goes there, never a route
                index = self.segment_of(neighbour)
                if index is not None:
                    segment.neighbours.append((index, option))

    def segment_of(self, waypoint) -> int | None:
        return self._by_key.get((waypoint.road_id, waypoint.section_id, waypoint.lane_id))

    def locate(self, waypoint, snap_distance: float = 0.0) -> LanePosition | None:
        index = self.segment_of(waypoint)
        if index is None:
            return None
        segment = self.segments[index]
        offset = min(abs(waypoint.s - segment.start.s), segment.length)
        return LanePosition(index, offset, snap_distance)

    def candidates(self, x: float, y: float, z: float) -> list[LanePosition]:
        """The nearest driving lane and the other driving lanes of its road, nearest first."""
        import carla

        location = carla.Location(x=x, y=y, z=z)
        nearest = self.carla_map.get_waypoint(location, project_to_road=True, lane_type=self._driving)
        if nearest is None:
            return []
        found: list[LanePosition] = []
        seen: set[tuple[int, int, int]] = set()
        for step in ("get_left_lane", "get_right_lane"):
            waypoint = nearest
            for _ in range(6):
                if waypoint is None:
                    break
                key = (waypoint.road_id, waypoint.section_id, waypoint.lane_id)
                if waypoint.lane_type == self._driving and key not in seen:
                    seen.add(key)
                    position = self.locate(waypoint, waypoint.transform.location.distance(location))
                    if position is not None:
                        found.append(position)
                waypoint = getattr(waypoint, step)()
        # where lanes overlap (junction lanes fanning out from one entry), every lane through the point
        known = {position.segment for position in found}
        xy, segment, offset = self._lane_points
        gaps = np.hypot(xy[:, 0] - x, xy[:, 1] - y)
        for row in np.where(gaps < OVERLAP_RADIUS_M)[0][np.argsort(gaps[gaps < OVERLAP_RADIUS_M])]:
            if int(segment[row]) not in known:
                known.add(int(segment[row]))
                found.append(LanePosition(int(segment[row]), float(offset[row]), float(gaps[row])))
        return sorted(found, key=lambda position: position.snap_distance)

    @cached_property
    def _lane_points(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every lane's centre points (x, y), with their segment and distance along it."""
        points = [segment.points() for segment in self.segments]
        xy = np.concatenate([p[:, :2] for p in points])
        segment = np.concatenate([np.full(len(p), k) for k, p in enumerate(points)])
        offset = np.concatenate([np.arange(len(p)) * POINT_SPACING_M for p in points])
        return xy, segment, offset

    # Shortest paths. Node 2*i is the entry of segment i, node 2*i + 1 its exit.

    def _edges(self, node: int):
        index, is_exit = divmod(node, 2)
        segment = self.segments[index]
        if is_exit:
            for successor in segment.successors:
                yield 2 * successor, 0.0
        else:
            yield 2 * index + 1, segment.length
            for neighbour, _ in segment.neighbours:
                yield 2 * neighbour + 1, self.segments[neighbour].length + LANE_CHANGE_COST_M

    def shortest_from(self, origin: LanePosition, limit_m: float) -> tuple[dict[int, float], dict[int, int]]:
        """Dijkstra from a located point to every node within limit_m.

        `previous` maps each reached node to the node before it; -1 marks the first node
        (the exit of the origin's segment, or of a neighbour lane reached by a lane change).
        """
        segment = self.segments[origin.segment]
        tentative: dict[int, float] = {2 * origin.segment + 1: segment.length - origin.offset}
        for neighbour, _ in segment.neighbours:
            other = self.segments[neighbour]
            tentative[2 * neighbour + 1] = max(other.length - origin.offset, 0.0) + LANE_CHANGE_COST_M
        previous = {node: -1 for node in tentative}
        queue = [(cost, node) for node, cost in tentative.items()]
        heapq.heapify(queue)
        done: dict[int, float] = {}
        while queue:
            cost, node = heapq.heappop(queue)
            if node in done:
                continue
            done[node] = cost
            if cost > limit_m:
                break
            for target, weight in self._edges(node):
                new_cost = cost + weight
                if new_cost < tentative.get(target, math.inf):
                    tentative[target] = new_cost
                    previous[target] = node
                    heapq.heappush(queue, (new_cost, target))
        return done, previous

    def arrival(self, origin: LanePosition, target: LanePosition,
                reached: dict[int, float]) -> tuple[float, list[int]]:
        """Cheapest way to reach `target` after a Dijkstra from `origin`.

        Returns the cost and the chain of lanes driven on the target's stretch: [target]
        when entering the target's lane at its start, or [neighbour, ..., target] when
        entering a parallel lane and changing lanes before the target point.
        """
        if origin.segment == target.segment and target.offset >= origin.offset:
            return target.offset - origin.offset, []
        best, chain = math.inf, [target.segment]
        frontier = [[target.segment]]
        for hops in range(MAX_LANE_CHANGES_BEFORE_POINT + 1):
            next_frontier = []
            for lanes in frontier:
                entry = reached.get(2 * lanes[0])
                if entry is not None and entry + target.offset + hops * LANE_CHANGE_COST_M < best:
                    best, chain = entry + target.offset + hops * LANE_CHANGE_COST_M, lanes
                next_frontier += [[neighbour, *lanes] for neighbour, _ in self.segments[lanes[0]].neighbours
                                  if neighbour not in lanes]
            frontier = next_frontier
        return best, chain

    def match(self, points: np.ndarray, route_id: str = "") -> tuple[list[LanePosition], list[Leg]]:
        """Choose one lane position per route point minimising snap cost plus driven distance.

        Returns the chosen positions and, per leg, the node path between them.
        """
        candidate_sets = []
        for number, (x, y, z) in enumerate(points):
            found = [c for c in self.candidates(x, y, z) if c.snap_distance <= MAX_SNAP_DISTANCE_M]
            if not found:
                raise UserInputError(f"route {route_id}: point {number} ({x:.1f}, {y:.1f}) is more than "
                                     f"{MAX_SNAP_DISTANCE_M:.0f} m from any driving lane")
            candidate_sets.append(found)
        best = [c.snap_distance * SNAP_COST_PER_M for c in candidate_sets[0]]
        back: list[list[tuple[int, Leg]]] = []
        for number in range(1, len(candidate_sets)):
            previous_set, current_set = candidate_sets[number - 1], candidate_sets[number]
            straight = float(np.linalg.norm(points[number, :2] - points[number - 1, :2]))
            limit = 3.0 * straight + 300.0
            costs = [math.inf] * len(current_set)
            links: list[tuple[int, Leg]] = [(-1, Leg([], []))] * len(current_set)
            for i, origin in enumerate(previous_set):
                if math.isinf(best[i]):
                    continue
                reached, previous = self.shortest_from(origin, limit)
                for j, target in enumerate(current_set):
                    leg_cost, chain = self.arrival(origin, target, reached)
                    cost = best[i] + leg_cost + target.snap_distance * SNAP_COST_PER_M
                    if cost < costs[j]:
                        costs[j] = cost
                        links[j] = (i, Leg(self._node_path(chain, previous), chain))
            if all(math.isinf(c) for c in costs):
                x, y, _ = points[number]
                raise UserInputError(f"route {route_id}: no drivable path from point {number - 1} to point "
                                     f"{number} ({x:.1f}, {y:.1f})")
            best = costs
            back.append(links)
        choice = int(np.argmin(best))
        chosen = [candidate_sets[-1][choice]]
        legs: list[Leg] = []
        for number in range(len(back) - 1, -1, -1):
            choice, leg = back[number][choice]
            legs.append(leg)
            chosen.append(candidate_sets[number][choice])
        return chosen[::-1], legs[::-1]

    @staticmethod
    def _node_path(chain: list[int], previous: dict[int, int]) -> list[int]:
        if not chain:
            return []
        path = [2 * chain[0]]
        while previous.get(path[-1], -1) != -1:
            path.append(previous[path[-1]])
        return path[::-1]

    def dense_route(self, positions: list[LanePosition], legs: list[Leg]) -> DenseRoute:
        """Lane-centre points along the matched legs, with commands."""
        pieces: list[np.ndarray] = []
        commands: list[np.ndarray] = []
        segments: list[np.ndarray] = []

        def add(index: int, start_m: float, end_m: float, option: RoadOption) -> None:
            points = self.segments[index].points()
            begin = int(round(start_m / POINT_SPACING_M))
            stop = int(round(end_m / POINT_SPACING_M)) + 1
            chunk = points[begin:max(stop, begin + 1)]
            if len(chunk) == 0:
                return
            pieces.append(chunk)
            commands.append(np.full(len(chunk), int(option)))
            segments.append(np.full(len(chunk), index))

        for leg_number, (origin, target) in enumerate(zip(positions[:-1], positions[1:])):
            path, chain = legs[leg_number].nodes, legs[leg_number].chain
            if not path:
                add(origin.segment, origin.offset, target.offset, RoadOption.LANEFOLLOW)
                continue
            current, position = origin.segment, origin.offset
            first_exit = path[0]
            if first_exit // 2 != origin.segment:  # lane change out of the origin segment
                option = self._change_option(origin.segment, first_exit // 2)
                middle = (position + self.segments[origin.segment].length) / 2
                add(origin.segment, position, middle, RoadOption.LANEFOLLOW)
                add(first_exit // 2, middle, self.segments[first_exit // 2].length, option)
            else:
                add(current, position, self.segments[current].length, RoadOption.LANEFOLLOW)
            for node_from, node_to in zip(path[:-1], path[1:]):
                index_from, index_to = node_from // 2, node_to // 2
                if node_from % 2 == 0 and node_to % 2 == 1 and index_from != index_to:
                    option = self._change_option(index_from, index_to)
                    middle = self.segments[index_from].length / 2
                    add(index_from, 0.0, middle, RoadOption.LANEFOLLOW)
                    add(index_to, middle, self.segments[index_to].length, option)
                elif node_from % 2 == 0 and node_to % 2 == 1:
                    add(index_from, 0.0, self.segments[index_from].length, RoadOption.LANEFOLLOW)
            # the target's stretch, split evenly over the lanes changed through before the point
            bounds = np.linspace(0.0, target.offset, len(chain) + 1)
            for number, lane in enumerate(chain):
                option = RoadOption.LANEFOLLOW if number == 0 else self._change_option(chain[number - 1], lane)
                add(lane, bounds[number], bounds[number + 1], option)
        stacked = np.concatenate(pieces)
        keep = np.ones(len(stacked), dtype=bool)
        steps = np.linalg.norm(np.diff(stacked[:, :2], axis=0), axis=1)
        keep[1:] = steps > 0.05  # drop the duplicate point where two segments meet
        stacked = stacked[keep]
        cumulative = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(stacked[:, :2], axis=0), axis=1))])
        segment_of_point = np.concatenate(segments)[keep]
        command = np.concatenate(commands)[keep]
        mark_junction_commands(self, segment_of_point, command)
        return DenseRoute(stacked[:, :3].copy(), stacked[:, 3].copy(), command, segment_of_point, cumulative)

    def _change_option(self, index_from: int, index_to: int) -> RoadOption:
        for neighbour, option in self.segments[index_from].neighbours:
            if neighbour == index_to:
                return option
        return RoadOption.LANEFOLLOW

    def plan_scenario(self, scenario) -> DenseRoute:
        """The dense route of a DrivingScenario's waypoints."""
        return self.plan(np.array([[p.x, p.y, p.z] for p in scenario.waypoints]), scenario.route_id)

    def plan(self, points: np.ndarray, route_id: str = "") -> DenseRoute:
        """Match sparse route points (N, 3) to lanes and return the dense route."""
        if len(points) < 2:
            raise UserInputError(f"route {route_id}: needs at least two waypoints")
        positions, legs = self.match(np.asarray(points, dtype=float), route_id)
        return self.dense_route(positions, legs)
