"""The embedded driving simulator: one Env over carla.Map geometry, SUMO traffic and our ego.

Every tick (0.05 s): the ego's bicycle model takes the control, SUMO moves the ego and
advances everyone else, the Leaderboard criteria judge the tick, and the sensors render.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from envs.contracts import EpisodeResult, Infraction, StepResult, Timings
from envs.driving.contracts import (
    ActorArrays,
    DrivingObservation,
    DrivingScenario,
    EgoState,
    GroundTruth,
    VehicleControl,
)
from envs.driving.criteria import EgoFrame, LeaderboardCriteria
from envs.driving.ego_frame import ego_frame_on_map, finish_route, route_episode_result, route_lane_yaw
from envs.driving.maps import RoadMap
from envs.driving.routing import DenseRoute, RoadGraph
from envs.driving.scenario_matching import match_route_scenarios
from envs.driving.sim.ego import KinematicBicycle, VehicleParams
from envs.driving.sim.lights import StopLines, read_stop_lines
from envs.driving.sim.occlusion import camera_position, visible_from
from envs.driving.sim.route_scenarios import RouteScenarioPlayer
from envs.driving.sim.sensors.light_poles import LightPoles
from envs.driving.sim.traffic import STEP_LENGTH_S, SumoTraffic, TrafficConfig
from envs.errors import SimulatorError


@dataclass(frozen=True)
class SimConfig:
    bev: bool = True
    camera: bool = True
    vehicle: VehicleParams = field(default_factory=VehicleParams)
    bev_size_px: int = 256
    bev_meters_per_px: float = 0.25
    camera_width: int = 400
    camera_height: int = 225


class EmbeddedDrivingSim:
    """Env[DrivingScenario, VehicleControl] on one road map; reset() starts a route."""

    dt = STEP_LENGTH_S

    def __init__(self, road_map: RoadMap, config: SimConfig = SimConfig()):
        self.road_map = road_map
        self.config = config
        self.traffic: SumoTraffic | None = None
        self.criteria: LeaderboardCriteria | None = None  # set once reset has the route under way
        self.scenario: DrivingScenario | None = None
        self.route: DenseRoute | None = None
        self._bev = None
        self._camera = None

    @cached_property
    def graph(self) -> RoadGraph:
        return RoadGraph(self.road_map.carla_map)

    # Env protocol

    def reset(self, scenario: DrivingScenario) -> DrivingObservation:
        self.close()
        self.criteria = None
        self.scenario = scenario
        self.route = self.graph.plan_scenario(scenario)
        start, yaw = self.route.xyz[0], float(self.route.yaw[0])
        params = self.config.vehicle
        self.ego = KinematicBicycle(float(start[0]), float(start[1]), math.radians(yaw), params=params)
        self.ego_z = float(start[2])
        self.traffic = SumoTraffic(self.road_map, TrafficConfig(scenario.seed, scenario.vehicles, scenario.pedestrians),
                                   params.length, params.width)
        self.traffic.start(np.array(start[:2]), yaw)
        self.traffic.follow_route(self.route.xyz[:, :2])
        self.stop_lines: StopLines = read_stop_lines(self.traffic.libsumo, self.road_map)
        self.stop_lines.attach_route(self.route)
        self._lights = self.stop_lines.view()
        left, right = self.stop_lines.endpoints()
        self._light_geometry = (left, right)
        light_lines = self.stop_lines.criteria_lines(self.road_map)
        self._light_poles = LightPoles.build(left, right, self.stop_lines.direction, light_lines.light_ids)
        self.criteria = LeaderboardCriteria(self.route, light_lines,
                                            stop_zones=self.road_map.stop_zones, timeout_s=scenario.timeout_s,
                                            lane_yaw=route_lane_yaw(self.road_map, self.route))
        self.route_scenarios = RouteScenarioPlayer(self.road_map.carla_map, self.route,
                                                   match_route_scenarios(self.route, scenario.scenario_triggers),
                                                   scenario.seed, scenario.control_loss_noise)
        self.tick = 0
        self.time_s = 0.0
        self._wall_start = time.perf_counter()
        self._stage_s = {"traffic": 0.0, "criteria": 0.0, "sensors": 0.0}
        self._finished = False
        self._last_frame: EgoFrame | None = None
        self._actors = self._all_actors()
        self._light_codes = self.stop_lines.colors(self.traffic.light_states(self.stop_lines.light_ids))
        return self._observe(self._ego_frame())

    def step(self, action: VehicleControl) -> StepResult[DrivingObservation]:
        if self.traffic is None or self.route is None:
            raise SimulatorError("step() before reset(): start a route first")
        if self.criteria.ended:
            raise SimulatorError("step() after the route ended: call reset() for a new route")
        started = time.perf_counter()
        steer_noise, throttle_noise = self.route_scenarios.noise()
        if steer_noise or throttle_noise:
            action = VehicleControl.clamped(action.throttle + throttle_noise, action.steer + steer_noise, action.brake,
                                            action.hand_brake, action.reverse)
        self.ego.step(action, self.dt)
        self.tick += 1
        self.time_s = self.tick * self.dt
        yaw_deg = math.degrees(self.ego.yaw)
        self.traffic.step(np.array([self.ego.x, self.ego.y]), yaw_deg, self.ego.speed)
        self.route_scenarios.step(self.ego.x, self.ego.y, self.ego_z, float(self.route.cumulative_m[
            self.criteria.route_index]), self.time_s, self.dt)
        self._actors = self._all_actors()
        self.stop_lines.follow_progress(self.criteria.route_index)
        self._light_codes = self.stop_lines.colors(self.traffic.light_states(self.stop_lines.light_ids))
        judged = time.perf_counter()
        frame = self._ego_frame()
        events = self.criteria.update(frame, self._actors, self._light_codes)
        if any(e.kind == "collisions_layout" for e in events):
            self.ego.stop()  # the static world does not give way
        self.route_scenarios.note_collisions([e.actor_id for e in events if e.actor_id])
        if self.criteria.ended:
            events += self._finish(frame)
        observed = time.perf_counter()
        observation = self._observe(frame)
        done = time.perf_counter()
        self._stage_s["traffic"] += judged - started
        self._stage_s["criteria"] += observed - judged
        self._stage_s["sensors"] += done - observed
        return StepResult[DrivingObservation](observation=observation, terminated=self.criteria.ended,
                                              truncated=False, events=events)

    def close(self) -> None:
        if self.traffic is not None:
            self.traffic.close()
            self.traffic = None

    def __enter__(self) -> EmbeddedDrivingSim:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # results

    def stop_early(self, reason: str) -> None:
        """End the route now (the agent gave up, the user interrupted); it is scored as it stands."""
        if self.criteria is not None and not self.criteria.ended:
            self.criteria.ended = True
            self.criteria.failure_reason = reason
            self._finish(self._ego_frame())

    def episode_result(self) -> EpisodeResult:
        timings = Timings(ticks=self.tick, sim_s=self.time_s, wall_s=time.perf_counter() - self._wall_start,
                          stage_s=dict(self._stage_s))
        return route_episode_result(self.criteria, self.scenario.route_id, self.scenario.seed, self.road_map.name,
                                    self.road_map.source.describe(), timings,
                                    scenarios=self.route_scenarios.records())

    def _finish(self, frame: EgoFrame) -> list[Infraction]:
        if self._finished:
            return []
        self._finished = True
        return finish_route(self.criteria, frame)

    # per-tick views

    def _all_actors(self) -> ActorArrays:
        """SUMO's traffic and the route scenarios' actors, each marked seen or hidden from the cameras."""
        actors = ActorArrays.concat([self.traffic.actors(), self.route_scenarios.actors()])
        eye = camera_position(self.ego.x, self.ego.y, math.degrees(self.ego.yaw))
        return actors.with_visibility(visible_from(eye, actors))

    def _ego_frame(self) -> EgoFrame:
        ego, params = self.ego, self.config.vehicle
        frame, self._lane = ego_frame_on_map(self.road_map.carla_map, self.tick, self.time_s, ego.x, ego.y, self.ego_z,
                                             math.degrees(ego.yaw), ego.speed, 0.5 * params.length,
                                             0.5 * params.width)
        if self._lane is not None:
            self.ego_z = self._lane.transform.location.z
        return frame

    def _observe(self, frame: EgoFrame) -> DrivingObservation:
        lane = self._lane
        # Built from the simulator's own state every tick: model_construct skips re-validating it.
        ego = EgoState.model_construct(
            x=frame.x, y=frame.y, z=self.ego_z, yaw=frame.yaw, speed=frame.speed,
            acceleration=self.ego.acceleration, steer_angle=self.ego.steer_angle,
            length=self.config.vehicle.length, width=self.config.vehicle.width,
            road_id=lane.road_id if lane else None, lane_id=lane.lane_id if lane else None,
            is_junction=frame.in_junction, speed_limit=self.traffic.ego_speed_limit())
        truth = GroundTruth(actors=self._actors, lights=self._lights.nearby(frame.x, frame.y, self._light_codes),
                            route_light=self._lights.on_route(self.route, self.criteria.route_index, self._light_codes))
        images: dict[str, np.ndarray] = {}
        bev = None
        position = np.array([frame.x, frame.y])
        left, right = self._light_geometry
        if self.config.bev:
            upcoming = self.route.xyz[self.criteria.route_index:self.criteria.route_index + 120, :2]
            bev = self.bev_renderer.render(position, frame.yaw, self._actors, upcoming, left, right,
                                           self._light_codes)
        if self.config.camera:
            images["front"] = self.camera_renderer.render(position, frame.yaw, self._actors, self._light_poles,
                                                          self._light_codes)
        return DrivingObservation.model_construct(
            tick=self.tick, time_s=self.time_s, map_name=self.road_map.name, ego=ego,
            route_index=self.criteria.route_index, route_completion=self.criteria.completion,
            truth=truth, images=images, bev=bev)

    def build_sensors(self) -> None:
        """Build the renderers now rather than on the first observation."""
        if self.config.bev:
            _ = self.bev_renderer
        if self.config.camera:
            _ = self.camera_renderer

    @cached_property
    def _raster(self):
        from envs.driving.sim.sensors.map_raster import build_map_raster

        return build_map_raster(self.road_map)

    @cached_property
    def bev_renderer(self):
        from envs.driving.sim.sensors.bev import BevConfig, BevRenderer

        return BevRenderer(self._raster, BevConfig(self.config.bev_size_px, self.config.bev_meters_per_px))

    @cached_property
    def camera_renderer(self):
        from envs.driving.sim.sensors.camera import CameraConfig, CameraRenderer

        return CameraRenderer(self._raster, CameraConfig(self.config.camera_width, self.config.camera_height))

