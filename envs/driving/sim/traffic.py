"""Background traffic, pedestrians and traffic lights from SUMO (libsumo, in process).

libsumo holds one simulation per process: a second `SumoTraffic` while one is open is an
error, not a silent restart. The ego car is a SUMO vehicle too, moved with `moveToXY` every
tick, so SUMO's drivers see it and react to it.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np

from envs.driving.contracts import ActorArrays
from envs.driving.maps import RoadMap, sumo_angle_from_yaw, yaw_from_sumo_angle
from envs.errors import SimulatorError

EGO_ID = "ego"
STEP_LENGTH_S = 0.05
REFILL_EVERY_TICKS = 20
SPAWN_CLEARANCE_M = 40.0
SENSE_RADIUS_M = 100.0  # actors farther from the ego than this are not reported
MOVE_MATCH_RADIUS_M = 10.0
PEDESTRIAN_EXTENT = (0.25, 0.25)
LANE_CHANGE_S = 2.0
START_CLEARANCE_M = 25.0  # no traffic spawned this close to the ego at the start (none racing up behind it)
SPEED_MODE_DEFAULT = 31
SPEED_MODE_EMERGENCY = 27  # all checks but the deceleration limit: braking hard for the ego
EMERGENCY_DECELERATION = 8.0

_open_simulation: list[SumoTraffic] = []


@dataclass(frozen=True)
class TrafficConfig:
    seed: int = 0
    vehicles: int = 60
    pedestrians: int = 40


class SumoTraffic:
    def __init__(self, road_map: RoadMap, config: TrafficConfig, ego_length: float, ego_width: float):
        self.road_map = road_map
        self.config = config
        self.rng = random.Random(config.seed)
        self._ego_length = ego_length
        self._ego_width = ego_width
        self._counter = 0
        self._tick = 0
        self._started = False
        self._keep_route = 2  # until the ego has its route in SUMO
        self._last_actors = ActorArrays.empty()
        self._held_vehicles: set[str] = set()  # slowed for the ego this tick
        self._held_walkers: dict[str, float] = {}  # held for the ego, with the walking speed to give back
        self._lane_positions: dict[str, float] = {}
        self._lane_shapes: dict[str, np.ndarray] = {}

    # lifecycle

    def start(self, ego_xy: np.ndarray, ego_yaw_deg: float) -> None:
        import libsumo

        if _open_simulation:
            raise SimulatorError("a SUMO simulation is already open in this process (libsumo holds one per "
                                 "process): close the other simulator first, or run episodes in separate processes")
        self.road_map.check_sumo_net()
        arguments = ["sumo", "-n", str(self.road_map.sumo_net_path), "--step-length", str(STEP_LENGTH_S),
                     "--seed", str(self.config.seed), "--no-step-log", "true", "--no-warnings", "true",
                     "--collision.action", "none", "--time-to-teleport", "120", "--ignore-route-errors", "true",
                     # lane changes as a 2 s sideways manoeuvre, not a 3.5 m jump that can land on the ego
                     "--lanechange.duration", str(LANE_CHANGE_S), "--begin", "0"]
        try:
            libsumo.start(arguments)
        except Exception as error:  # libsumo raises its own TraCIException types
            raise SimulatorError(f"SUMO could not start on {self.road_map.sumo_net_path}: {error}") from error
        _open_simulation.append(self)
        self._started = True
        self.libsumo = libsumo
        edges = [e for e in libsumo.edge.getIDList() if not e.startswith(":")]
        self._vehicle_edges = [e for e in edges if self._edge_allows(e, "passenger")]
        self._walk_edges = [e for e in edges if self._edge_allows(e, "pedestrian")]
        self._edge_xy = {e: self.road_map.from_sumo(np.array(libsumo.lane.getShape(f"{e}_0")[0]))
                         for e in self._vehicle_edges + self._walk_edges}
        self._add_ego(ego_xy, ego_yaw_deg)
        self._fill_vehicles(ego_xy, self.config.vehicles)
        self._fill_pedestrians(ego_xy, self.config.pedestrians)
        self.step(ego_xy, ego_yaw_deg, 0.0)
        self._subscribe_around_ego()
        self.libsumo.simulationStep()
        self._clear_around(ego_xy, radius=START_CLEARANCE_M)

    def close(self) -> None:
        if self._started:
            self._started = False
            _open_simulation.remove(self)
            try:
                self.libsumo.close()
            except Exception:  # already closed by a SUMO error; nothing left to release
                pass

    # per tick

    def follow_route(self, route_xy: np.ndarray) -> None:
        """Give the ego its route in SUMO, so other drivers know which way it will go through
        junctions (SUMO's right-of-way logic works on routes) and it is placed on those lanes."""
        ts = self.libsumo
        edges: list[str] = []
        for x, y in self.road_map.to_sumo(route_xy[::4]):
            try:
                edge, _, _ = ts.simulation.convertRoad(float(x), float(y), False, "passenger")
            except self.libsumo.TraCIException:
                continue
            if edge and not edge.startswith(":") and (not edges or edges[-1] != edge):
                edges.append(edge)
        connected: list[str] = edges[:1]
        for edge in edges[1:]:
            path = ts.simulation.findRoute(connected[-1], edge).edges
            if len(path) < 2:
                continue  # not reachable from here (a mapping slip): skip it
            connected.extend(path[1:])
        if len(connected) >= 1:
            try:
                ts.vehicle.setRoute(EGO_ID, connected)
                self._keep_route = 1
            except self.libsumo.TraCIException:
                self._keep_route = 2

    def step(self, ego_xy: np.ndarray, ego_yaw_deg: float, ego_speed: float) -> None:
        """Move the ego (front bumper, as SUMO positions are) and advance SUMO one tick."""
        ts = self.libsumo
        heading = math.radians(ego_yaw_deg)
        front = ego_xy + 0.5 * self._ego_length * np.array([math.cos(heading), math.sin(heading)])
        x, y = self.road_map.to_sumo(front)
        angle = float(sumo_angle_from_yaw(ego_yaw_deg))
        try:
            try:
                ts.vehicle.moveToXY(EGO_ID, "", -1, float(x), float(y), angle, keepRoute=self._keep_route,
                                    matchThreshold=MOVE_MATCH_RADIUS_M)
            except self.libsumo.TraCIException:  # off its route (a borrow, a detour): place it anywhere
                ts.vehicle.moveToXY(EGO_ID, "", -1, float(x), float(y), angle, keepRoute=2,
                                    matchThreshold=MOVE_MATCH_RADIUS_M)
            ts.vehicle.setSpeed(EGO_ID, max(float(ego_speed), 0.0))
            self._give_way_to_ego(ego_xy, ego_yaw_deg, ego_speed)
            ts.simulationStep()
        except Exception as error:
            raise SimulatorError(f"SUMO failed at tick {self._tick}: {error}") from error
        self._tick += 1
        if self._tick % REFILL_EVERY_TICKS == 0:
            self._fill_vehicles(ego_xy, self.config.vehicles)
            self._fill_pedestrians(ego_xy, self.config.pedestrians)

    def _give_way_to_ego(self, ego_xy: np.ndarray, ego_yaw_deg: float, ego_speed: float) -> None:
        """Slow the drivers and hold the walkers that would run into the ego (envs.driving.sim.yielding)."""
        from envs.driving.sim.yielding import yield_speeds

        ts = self.libsumo
        actors = self._last_actors
        caps = yield_speeds(actors, ego_xy, ego_yaw_deg, ego_speed, (0.5 * self._ego_length, 0.5 * self._ego_width),
                            self._lanes_ahead(actors, ego_xy))
        vehicles, walkers = {}, {}
        for row, cap in caps.items():
            kind, name = actors.ids[row].split(":", 1)
            (vehicles if kind == "vehicle" else walkers)[name] = cap
        present_vehicles = set(ts.vehicle.getIDList()) if self._held_vehicles or vehicles else set()
        for name in self._held_vehicles - set(vehicles):
            if name in present_vehicles:
                ts.vehicle.setSpeed(name, -1.0)  # back to SUMO's own driving
                ts.vehicle.setSpeedMode(name, SPEED_MODE_DEFAULT)
        speeds = dict(zip(actors.ids, actors.speed))
        for name, cap in vehicles.items():
            if name in present_vehicles:
                braked = max(float(speeds[f"vehicle:{name}"]) - EMERGENCY_DECELERATION * STEP_LENGTH_S, 0.0)
                ts.vehicle.setSpeedMode(name, SPEED_MODE_EMERGENCY)
                ts.vehicle.setSpeed(name, max(cap, braked))
        self._held_vehicles = set(vehicles) & present_vehicles
        present_walkers = set(ts.person.getIDList()) if self._held_walkers or walkers else set()
        for name in list(self._held_walkers):
            if name not in walkers:
                if name in present_walkers:
                    ts.person.setSpeed(name, self._held_walkers[name])
                del self._held_walkers[name]
        for name in walkers:
            if name in present_walkers and name not in self._held_walkers:
                self._held_walkers[name] = ts.person.getMaxSpeed(name)
                ts.person.setSpeed(name, 0.0)

    def _lanes_ahead(self, actors: ActorArrays, ego_xy: np.ndarray) -> dict[int, tuple[np.ndarray, float]]:
        """For vehicles near the ego: their lane's centre line (map coordinates) and how far along it
        their front bumper is."""
        from envs.driving.sim.yielding import CHECK_RADIUS_M

        lanes: dict[int, tuple[np.ndarray, float]] = {}
        near = np.linalg.norm(actors.xy - ego_xy, axis=1) < CHECK_RADIUS_M
        for row in np.where(near & (actors.kind == ActorArrays.KIND_VEHICLE))[0]:
            lane, name = actors.lanes[row], actors.ids[row].split(":", 1)[1]
            position = self._lane_positions.get(name)
            if not lane or position is None:
                continue
            shape = self._lane_shapes.get(lane)
            if shape is None:
                shape = self._lane_shapes[lane] = self.road_map.from_sumo(np.array(self.libsumo.lane.getShape(lane)))
            lanes[int(row)] = (shape, max(float(position), 0.0))
        return lanes

    def actors(self) -> ActorArrays:
        """Vehicles (without the ego) and pedestrians within SENSE_RADIUS_M of the ego, in map
        coordinates, box centres; read from one SUMO context subscription around the ego."""
        from libsumo import constants as tc

        results = self.libsumo.vehicle.getContextSubscriptionResults(EGO_ID)
        position, angle, speed, lane = tc.VAR_POSITION, tc.VAR_ANGLE, tc.VAR_SPEED, tc.VAR_LANE_ID
        self._lane_positions = {name: values[tc.VAR_LANEPOSITION] for name, values in results.items()
                                if tc.VAR_LANEPOSITION in values and tc.VAR_LENGTH in values}
        length, width = tc.VAR_LENGTH, tc.VAR_WIDTH
        vehicles, people = [], []
        for name, values in results.items():
            if length in values:  # only vehicles report a length
                if name != EGO_ID:
                    vehicles.append((name, values))
            else:
                people.append((name, values))
        ordered = vehicles + people
        if not ordered:
            self._last_actors = ActorArrays.empty()
            return self._last_actors
        rows = np.array([(*values[position], values[angle], values[speed], values.get(length, 0.0),
                          values.get(width, 0.0)) for _, values in ordered], dtype=float)
        offset = len(vehicles)
        extent = np.empty((len(ordered), 2))
        extent[:offset] = 0.5 * rows[:offset, 4:6]
        extent[offset:] = PEDESTRIAN_EXTENT
        xy = self.road_map.from_sumo(rows[:, :2])
        yaw = yaw_from_sumo_angle(rows[:, 2])
        # SUMO gives a vehicle's front bumper; the box centre is half a length behind
        heading = np.radians(yaw[:offset])
        xy[:offset, 0] -= extent[:offset, 0] * np.cos(heading)
        xy[:offset, 1] -= extent[:offset, 0] * np.sin(heading)
        kind = np.zeros(len(ordered), np.int8)
        kind[offset:] = ActorArrays.KIND_PEDESTRIAN
        ids = tuple(f"vehicle:{name}" for name, _ in vehicles) + tuple(f"pedestrian:{name}" for name, _ in people)
        self._last_actors = ActorArrays(ids, kind, xy, yaw, rows[:, 3].copy(), extent,
                                        tuple(values[lane] for _, values in ordered))
        if not self._held_walkers:
            return self._last_actors
        # a walker held for the ego stands still (SUMO may still report its walking speed)
        speed = self._last_actors.speed.copy()
        speed[[i for i, name in enumerate(ids) if name.split(":", 1)[1] in self._held_walkers
               and name.startswith("pedestrian:")]] = 0.0
        return ActorArrays(ids, kind, xy, yaw, speed, extent, self._last_actors.lanes)

    def ego_speed_limit(self) -> float:
        lane = self.libsumo.vehicle.getLaneID(EGO_ID)
        if not lane:
            return 13.89
        return float(self.libsumo.lane.getMaxSpeed(lane))

    def light_states(self, light_ids: list[str]) -> str:
        """All light heads' SUMO states concatenated in the order of light_ids."""
        return "".join(self.libsumo.trafficlight.getRedYellowGreenState(t) for t in light_ids)

    # spawning

    def _edge_allows(self, edge: str, vclass: str) -> bool:
        ts = self.libsumo
        return any(vclass in ts.lane.getAllowed(f"{edge}_{i}") or not ts.lane.getAllowed(f"{edge}_{i}")
                   and vclass not in ts.lane.getDisallowed(f"{edge}_{i}")
                   for i in range(ts.edge.getLaneNumber(edge)))

    def _add_ego(self, ego_xy: np.ndarray, ego_yaw_deg: float) -> None:
        ts = self.libsumo
        ts.vehicletype.copy("DEFAULT_VEHTYPE", "ego_type")
        ts.vehicletype.setLength("ego_type", self._ego_length)
        ts.vehicletype.setWidth("ego_type", self._ego_width)
        ts.vehicletype.setColor("ego_type", (255, 0, 0, 255))
        edge = min(self._vehicle_edges, key=lambda e: float(np.linalg.norm(self._edge_xy[e] - ego_xy)))
        ts.route.add("ego_route", [edge])
        ts.vehicle.add(EGO_ID, "ego_route", typeID="ego_type")
        ts.vehicle.setSpeedMode(EGO_ID, 0)
        ts.vehicle.setLaneChangeMode(EGO_ID, 0)

    def _subscribe_around_ego(self) -> None:
        from libsumo import constants as tc

        vehicle = self.libsumo.vehicle
        vehicle.subscribeContext(EGO_ID, tc.CMD_GET_VEHICLE_VARIABLE, SENSE_RADIUS_M,
                                 [tc.VAR_POSITION, tc.VAR_ANGLE, tc.VAR_SPEED, tc.VAR_LANE_ID, tc.VAR_LENGTH,
                                  tc.VAR_WIDTH, tc.VAR_LANEPOSITION])
        vehicle.subscribeContext(EGO_ID, tc.CMD_GET_PERSON_VARIABLE, SENSE_RADIUS_M,
                                 [tc.VAR_POSITION, tc.VAR_ANGLE, tc.VAR_SPEED, tc.VAR_LANE_ID])

    def _far_edges(self, edges: list[str], ego_xy: np.ndarray) -> list[str]:
        return [e for e in edges if float(np.linalg.norm(self._edge_xy[e] - ego_xy)) > SPAWN_CLEARANCE_M]

    def _fill_vehicles(self, ego_xy: np.ndarray, target: int) -> None:
        ts = self.libsumo
        missing = target - (ts.vehicle.getIDCount() - 1) - len(ts.simulation.getPendingVehicles())
        if missing <= 0:
            return
        origins = self._far_edges(self._vehicle_edges, ego_xy) if self._tick else self._vehicle_edges
        for _ in range(missing * 3):
            if missing == 0 or len(origins) < 2:
                return
            origin, destination = self.rng.choice(origins), self.rng.choice(self._vehicle_edges)
            route = ts.simulation.findRoute(origin, destination)
            if len(route.edges) < 2:
                continue
            self._counter += 1
            name = f"v{self._counter}"
            ts.route.add(f"r_{name}", list(route.edges))
            ts.vehicle.add(name, f"r_{name}", departLane="best", departPos="random_free", departSpeed="max")
            missing -= 1

    def _fill_pedestrians(self, ego_xy: np.ndarray, target: int) -> None:
        ts = self.libsumo
        missing = target - ts.person.getIDCount()
        origins = self._far_edges(self._walk_edges, ego_xy) if self._tick else self._walk_edges
        for _ in range(max(missing, 0) * 3):
            if missing <= 0 or len(origins) < 2:
                return
            origin, destination = self.rng.choice(origins), self.rng.choice(self._walk_edges)
            route = ts.simulation.findRoute(origin, destination, vType="DEFAULT_PEDTYPE")
            if len(route.edges) < 2:
                continue
            self._counter += 1
            name = f"p{self._counter}"
            start = self.rng.uniform(0.0, ts.lane.getLength(f"{origin}_0"))
            end = self.rng.uniform(0.0, ts.lane.getLength(f"{destination}_0"))
            try:
                ts.person.add(name, origin, pos=start, depart=-3)
                ts.person.appendWalkingStage(name, list(route.edges), arrivalPos=end)
            except self.libsumo.TraCIException:
                if name in ts.person.getIDList():
                    ts.person.remove(name)
                continue
            missing -= 1

    def _clear_around(self, ego_xy: np.ndarray, radius: float) -> None:
        """Remove traffic spawned on top of or right next to the ego."""
        ts = self.libsumo
        actors = self.actors()
        close = np.linalg.norm(actors.xy - ego_xy, axis=1) < radius
        for actor_id, near in zip(actors.ids, close):
            if near:
                kind, name = actor_id.split(":", 1)
                (ts.vehicle if kind == "vehicle" else ts.person).remove(name)
