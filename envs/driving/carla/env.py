"""CarlaDrivingEnv: the driving Env protocol over a running CARLA server.

reset(scenario) puts the server in synchronous mode at 20 Hz, spawns the ego at the route's start,
Traffic Manager vehicles and AI walkers (seeded), attaches the cameras (and a lidar when asked)
plus collision and lane-invasion sensors, and reads the traffic lights' stop lines. step(control)
applies the control, ticks the world, gathers this frame's images and sensor events, and judges
the tick with the same LeaderboardCriteria as the embedded simulator (collisions from the
collision sensor, light colours from the server). close() destroys every actor it spawned and
restores the server's settings; it runs on errors and Ctrl-C too. A server that stops answering
mid-route ends the route as failed, with the reason.
"""

from __future__ import annotations

import logging
import math
import queue
import time
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from envs.contracts import EpisodeResult, StepResult, Timings
from envs.driving.carla.convert import (
    ActorRecord,
    actor_arrays,
    bgra_to_rgb,
    carla_control,
    collision_kind,
    light_color,
)
from envs.driving.carla.sensors import SensorSpec, driving_cameras, lidar
from envs.driving.contracts import (
    DrivingObservation,
    DrivingScenario,
    EgoState,
    GroundTruth,
    VehicleControl,
)
from envs.driving.criteria import LeaderboardCriteria, LightLines
from envs.driving.ego_frame import ego_frame_on_map, finish_route, route_episode_result, route_lane_yaw
from envs.driving.light_view import COLORS, OFF, LightView, route_passes
from envs.driving.routing import RoadGraph
from envs.errors import SimulatorError

log = logging.getLogger("mllm_pilot.carla")
TICK_S = 0.05
ACTOR_RANGE_M = 80.0


@dataclass
class CarlaOptions:
    cameras: list[SensorSpec] = field(default_factory=driving_cameras)
    lidar: bool = False
    tm_port: int = 8000
    ego_blueprint: str = "vehicle.lincoln.mkz_2020"
    tick_timeout_s: float = 10.0
    sensor_timeout_s: float = 2.0


@dataclass
class ServerLights:
    """Stop lines of the server's traffic lights (one per stop waypoint)."""

    light_ids: list[int]  # the server actor of each line
    lines: LightLines  # for the criteria
    view: LightView  # for the observation

    @classmethod
    def read(cls, world, route) -> ServerLights:
        ids, center, direction, width, lanes, light_xy = [], [], [], [], [], []
        for light in world.get_actors().filter("traffic.traffic_light"):
            location = light.get_transform().transform(light.trigger_volume.location)
            for waypoint in light.get_stop_waypoints():
                transform = waypoint.transform
                yaw = math.radians(transform.rotation.yaw)
                ids.append(light.id)
                center.append((transform.location.x, transform.location.y))
                direction.append((math.cos(yaw), math.sin(yaw)))
                width.append(waypoint.lane_width)
                lanes.append((waypoint.road_id, waypoint.lane_id))
                light_xy.append((location.x, location.y))
        count = len(ids)
        names = [f"tls:{i}" for i in range(count)]
        directions, centers = np.array(direction).reshape(count, 2), np.array(center).reshape(count, 2)
        left, right = LightLines.stop_line(centers, directions, np.array(width))
        lines = LightLines(names, left, right, directions, [f"tls:{light}" for light in ids],
                           np.array(light_xy).reshape(count, 2), lanes)
        view = LightView(names, centers, directions, *route_passes(route, centers, directions, 2.5))
        return cls(ids, lines, view)


class CarlaDrivingEnv:
    """Env[DrivingScenario, VehicleControl] over a CARLA server; `road_map` is the server's map."""

    dt = TICK_S

    def __init__(self, client, world, road_map, options: CarlaOptions | None = None):
        self.client, self.world, self.road_map = client, world, road_map
        self.options = options or CarlaOptions()
        self.scenario: DrivingScenario | None = None
        self.route = None
        self.ego = None
        self._spawned: list[int] = []  # vehicles and walkers
        self._controllers: list = []
        self._sensors: list = []
        self._original_settings = None
        self._tm = None
        self._images: dict[str, queue.Queue] = {}
        self._collisions: list[tuple[str, str]] = []
        self.lane_invasions = 0
        self._finished = False
        self.criteria: LeaderboardCriteria | None = None
        self.tick = 0
        self.time_s = 0.0

    @cached_property
    def graph(self) -> RoadGraph:
        return RoadGraph(self.road_map.carla_map)

    # Env protocol

    def reset(self, scenario: DrivingScenario) -> DrivingObservation:
        self.close()
        self.scenario = scenario
        self.route = self.graph.plan_scenario(scenario)
        if scenario.scenario_triggers:
            log.warning("route scenarios are played by the embedded simulator; on a CARLA server run the "
                        "Leaderboard's own runner (agents/leaderboard_agent.py) to have scenario_runner play them")
        try:
            self._synchronous(scenario.seed)
            self._spawn_ego()
            self._spawn_traffic(scenario)
            self._attach_sensors()
            self.world.tick(self.options.tick_timeout_s)
            self.lights = ServerLights.read(self.world, self.route)
        except RuntimeError as error:
            self.close()
            raise SimulatorError(f"the CARLA server failed while starting route {scenario.route_id}: {error}") \
                from error
        except BaseException:
            self.close()
            raise
        self.criteria = LeaderboardCriteria(self.route, self.lights.lines, stop_zones=self.road_map.stop_zones,
                                            timeout_s=scenario.timeout_s,
                                            lane_yaw=route_lane_yaw(self.road_map, self.route))
        self.tick, self.time_s, self._finished = 0, 0.0, False
        self._wall_start = time.perf_counter()
        self._stage_s = {"server": 0.0, "criteria": 0.0, "sensors": 0.0}
        self._collisions.clear()
        self.lane_invasions = 0
        snapshot = self._read_world()
        self._last_observation = self._observe(snapshot, self._frame(snapshot), self._gather_images())
        return self._last_observation

    def step(self, action: VehicleControl) -> StepResult[DrivingObservation]:
        if self.ego is None or self.criteria is None:
            raise SimulatorError("step() before reset(): start a route first")
        if self.criteria.ended:
            raise SimulatorError("step() after the route ended: call reset() for a new route")
        started = time.perf_counter()
        try:
            self.ego.apply_control(carla_control(action))
            self.world.tick(self.options.tick_timeout_s)
            snapshot = self._read_world()
            images = self._gather_images()
        except RuntimeError as error:  # the server died or hangs: the route fails with the reason
            reason = f"the CARLA server stopped answering ({error})"
            log.error(reason)
            self.stop_early(reason)
            return StepResult[DrivingObservation](observation=self._last_observation, terminated=True,
                                                  truncated=False, events=[])
        self.tick += 1
        self.time_s = self.tick * self.dt
        judged = time.perf_counter()
        frame = self._frame(snapshot)
        collisions, self._collisions = self._collisions, []
        events = self.criteria.update(frame, snapshot["actors"], snapshot["codes"], collisions=collisions)
        if self.criteria.ended:
            events += self._finish(frame)
        observed = time.perf_counter()
        self._last_observation = self._observe(snapshot, frame, images)
        self._stage_s["server"] += judged - started
        self._stage_s["criteria"] += observed - judged
        self._stage_s["sensors"] += time.perf_counter() - observed
        return StepResult[DrivingObservation](observation=self._last_observation, terminated=self.criteria.ended,
                                              truncated=False, events=events)

    def close(self) -> None:
        """Destroy what this env spawned and give the server back its asynchronous settings."""
        for sensor in self._sensors:
            try:
                sensor.stop()
                sensor.destroy()
            except RuntimeError:
                pass
        for controller in self._controllers:
            try:
                controller.stop()
            except RuntimeError:
                pass
        import carla

        doomed = [c.id for c in self._controllers] + self._spawned + ([self.ego.id] if self.ego is not None else [])
        if doomed:
            try:
                self.client.apply_batch_sync([carla.command.DestroyActor(i) for i in doomed], False)
            except RuntimeError as error:
                log.warning("could not destroy %d actors on the server: %s", len(doomed), error)
        self._sensors, self._controllers, self._spawned, self.ego = [], [], [], None
        self._images = {}
        if self._original_settings is not None:
            try:
                if self._tm is not None:
                    self._tm.set_synchronous_mode(False)
                self.world.apply_settings(self._original_settings)
            except RuntimeError as error:
                log.warning("could not restore the server's settings: %s", error)
            self._original_settings, self._tm = None, None

    def __enter__(self) -> CarlaDrivingEnv:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # results

    def stop_early(self, reason: str) -> None:
        if self.criteria is not None and not self.criteria.ended:
            self.criteria.ended = True
            self.criteria.failure_reason = reason

    def episode_result(self) -> EpisodeResult:
        timings = Timings(ticks=self.tick, sim_s=self.time_s, wall_s=time.perf_counter() - self._wall_start,
                          stage_s=dict(self._stage_s))
        return route_episode_result(self.criteria, self.scenario.route_id, self.scenario.seed, self.road_map.name,
                                    f"CARLA server map {self.road_map.name}", timings,
                                    lane_invasions=self.lane_invasions)

    def _finish(self, frame) -> list:
        if self._finished:
            return []
        self._finished = True
        return finish_route(self.criteria, frame)

    # setting up

    def _synchronous(self, seed: int) -> None:
        self._original_settings = self.world.get_settings()
        settings = self.world.get_settings()
        settings.synchronous_mode = True
        settings.fixed_delta_seconds = TICK_S
        self.world.apply_settings(settings)
        self._tm = self.client.get_trafficmanager(self.options.tm_port)
        self._tm.set_synchronous_mode(True)
        self._tm.set_random_device_seed(seed)
        self.world.set_pedestrians_seed(seed)

    def _spawn_ego(self) -> None:
        import carla

        library = self.world.get_blueprint_library()
        blueprint = library.find(self.options.ego_blueprint)
        blueprint.set_attribute("role_name", "hero")
        x, y, z = (float(v) for v in self.route.xyz[0])
        transform = carla.Transform(carla.Location(x=x, y=y, z=z + 0.5),
                                    carla.Rotation(yaw=float(self.route.yaw[0])))
        self.ego = self.world.try_spawn_actor(blueprint, transform)
        if self.ego is None:
            raise SimulatorError(f"the route's start ({x:.1f}, {y:.1f}) is occupied on the server")

    def _spawn_traffic(self, scenario: DrivingScenario) -> None:
        import carla

        rng = np.random.default_rng(scenario.seed)
        library = self.world.get_blueprint_library()
        cars = [bp for bp in library.filter("vehicle.*") if int(bp.get_attribute("number_of_wheels")) == 4]
        start = self.route.xyz[0, :2]
        spawn_points = [p for p in self.world.get_map().get_spawn_points()
                        if math.hypot(p.location.x - start[0], p.location.y - start[1]) > 15.0]
        order = rng.permutation(len(spawn_points))[:scenario.vehicles]
        port = self._tm.get_port()
        batch = [carla.command.SpawnActor(cars[int(rng.integers(len(cars)))], spawn_points[int(i)])
                 .then(carla.command.SetAutopilot(carla.command.FutureActor, True, port)) for i in order]
        self._spawned += [r.actor_id for r in self.client.apply_batch_sync(batch, True) if not r.error]
        walkers = library.filter("walker.pedestrian.*")
        spawns = []
        for _ in range(scenario.pedestrians):
            location = self.world.get_random_location_from_navigation()
            if location is not None:
                walker = walkers[int(rng.integers(len(walkers)))]
                if walker.has_attribute("is_invincible"):
                    walker.set_attribute("is_invincible", "false")
                spawns.append(carla.command.SpawnActor(walker, carla.Transform(location)))
        walker_ids = [r.actor_id for r in self.client.apply_batch_sync(spawns, True) if not r.error]
        self._spawned += walker_ids
        controller = library.find("controller.ai.walker")
        made = self.client.apply_batch_sync([carla.command.SpawnActor(controller, carla.Transform(), w)
                                             for w in walker_ids], True)
        self.world.tick(self.options.tick_timeout_s)
        for response in made:
            if response.error:
                continue
            actor = self.world.get_actor(response.actor_id)
            actor.start()
            actor.go_to_location(self.world.get_random_location_from_navigation())
            actor.set_max_speed(float(1.0 + 0.5 * rng.random()))
            self._controllers.append(actor)

    def _attach_sensors(self) -> None:
        library = self.world.get_blueprint_library()
        specs = list(self.options.cameras) + ([lidar()] if self.options.lidar else [])
        for spec in specs:
            blueprint = library.find(spec.type)
            for name, value in spec.blueprint_attributes(TICK_S).items():
                blueprint.set_attribute(name, value)
            blueprint.set_attribute("sensor_tick", f"{TICK_S:g}")
            sensor = self.world.spawn_actor(blueprint, spec.transform(), attach_to=self.ego)
            inbox: queue.Queue = queue.Queue()
            sensor.listen(inbox.put)
            self._sensors.append(sensor)
            self._images[spec.id] = inbox
        import carla

        collision = self.world.spawn_actor(library.find("sensor.other.collision"), carla.Transform(),
                                           attach_to=self.ego)
        collision.listen(lambda event: self._collisions.append(
            (collision_kind(event.other_actor.type_id), f"{event.other_actor.type_id}:{event.other_actor.id}")))
        invasion = self.world.spawn_actor(library.find("sensor.other.lane_invasion"), carla.Transform(),
                                          attach_to=self.ego)
        invasion.listen(lambda event: setattr(self, "lane_invasions", self.lane_invasions + 1))
        self._sensors += [collision, invasion]

    # per tick

    def _read_world(self) -> dict:
        actors = self.world.get_actors()
        ego_location = self.ego.get_location()
        records = [ActorRecord.of(a) for a in actors.filter("vehicle.*") if a.id != self.ego.id
                   and a.get_location().distance(ego_location) < ACTOR_RANGE_M]
        records += [ActorRecord.of(a) for a in actors.filter("walker.pedestrian.*")
                    if a.get_location().distance(ego_location) < ACTOR_RANGE_M]
        states = {light.id: light.get_state() for light in actors.filter("traffic.traffic_light")}
        codes = np.array([COLORS.index(light_color(states[i])) if i in states else OFF
                          for i in self.lights.light_ids], dtype=np.int8)
        return {"actors": actor_arrays(records), "codes": codes, "transform": self.ego.get_transform(),
                "velocity": self.ego.get_velocity(), "acceleration": self.ego.get_acceleration(),
                "control": self.ego.get_control(), "speed_limit": self.ego.get_speed_limit()}

    def _gather_images(self) -> dict[str, np.ndarray]:
        frame = self.world.get_snapshot().frame
        images = {}
        for name, inbox in self._images.items():
            while True:
                try:
                    data = inbox.get(timeout=self.options.sensor_timeout_s)
                except queue.Empty as error:
                    raise RuntimeError(f"sensor {name} sent nothing for frame {frame}") from error
                if data.frame >= frame:
                    break
            if hasattr(data, "raw_data") and hasattr(data, "width"):
                images[name] = bgra_to_rgb(data.raw_data, data.width, data.height)
        return images

    def _frame(self, snapshot: dict):
        transform, velocity = snapshot["transform"], snapshot["velocity"]
        yaw = transform.rotation.yaw
        forward = (math.cos(math.radians(yaw)), math.sin(math.radians(yaw)))
        speed = velocity.x * forward[0] + velocity.y * forward[1]
        extent = self.ego.bounding_box.extent
        frame, self._lane = ego_frame_on_map(self.road_map.carla_map, self.tick, self.time_s, transform.location.x,
                                             transform.location.y, transform.location.z, yaw, speed, extent.x,
                                             extent.y)
        return frame

    def _observe(self, snapshot: dict, frame, images: dict[str, np.ndarray]) -> DrivingObservation:
        lane, extent = self._lane, self.ego.bounding_box.extent
        acceleration = snapshot["acceleration"]
        ego = EgoState.model_construct(
            x=frame.x, y=frame.y, z=snapshot["transform"].location.z, yaw=frame.yaw, speed=frame.speed,
            acceleration=math.hypot(acceleration.x, acceleration.y),
            steer_angle=snapshot["control"].steer * math.radians(70.0), length=2 * extent.x, width=2 * extent.y,
            road_id=lane.road_id if lane else None, lane_id=lane.lane_id if lane else None,
            is_junction=frame.in_junction, speed_limit=snapshot["speed_limit"] / 3.6)
        codes = snapshot["codes"]
        truth = GroundTruth(actors=snapshot["actors"], lights=self.lights.view.nearby(frame.x, frame.y, codes),
                            route_light=self.lights.view.on_route(self.route, self.criteria.route_index, codes))
        return DrivingObservation.model_construct(
            tick=self.tick, time_s=self.time_s, map_name=self.road_map.name, ego=ego,
            route_index=self.criteria.route_index, route_completion=self.criteria.completion, truth=truth,
            images=images, bev=None)
