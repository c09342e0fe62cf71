"""The simulator's autopilot: drives the ego along its route on privileged truth.

Like CARLA's autopilot it is part of the simulator, not an agent: it keeps the speed
limit, slows for curves, stops for red and yellow lights on its route and keeps its
distance to whatever stands in its lane ahead. Benchmarks and demos use it to drive.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from envs.driving.contracts import DrivingObservation, LightColor, VehicleControl
from envs.driving.control import SpeedController, control_towards
from envs.driving.routing import DenseRoute
from envs.driving.sim.ego import VehicleParams

LATERAL_ACCELERATION = 2.0
COMFORT_DECELERATION = 3.0
STOP_MARGIN_M = 3.0
CORRIDOR_HALF_WIDTH_M = 1.6
LOOKAHEAD_POINTS = 50


@dataclass
class RouteAutopilot:
    route: DenseRoute
    params: VehicleParams = field(default_factory=VehicleParams)
    dt: float = 0.05
    speed_controller: SpeedController = field(default_factory=SpeedController)

    def __call__(self, observation: DrivingObservation) -> VehicleControl:
        ego = observation.ego
        index = observation.route_index
        path = self.route.xyz[index:index + LOOKAHEAD_POINTS, :2]
        position = np.array([ego.x, ego.y])
        target = min(ego.speed_limit, self.route.curve_speed(index, LATERAL_ACCELERATION))
        target = min(target, self._light_speed(observation), self._lead_speed(observation, path, position))
        return control_towards(position, ego.yaw, ego.speed, path, target, self.speed_controller,
                               self.params.wheelbase, self.params.max_steer_rad, self.dt)

    def _light_speed(self, observation: DrivingObservation) -> float:
        light = observation.truth.route_light
        if light is None or light.color not in (LightColor.RED, LightColor.YELLOW):
            return math.inf
        gap = light.distance - 0.5 * self.params.length - STOP_MARGIN_M
        speed = observation.ego.speed
        if light.color == LightColor.YELLOW and gap < speed ** 2 / (2 * COMFORT_DECELERATION * 1.5):
            return math.inf  # too late to stop comfortably: go through
        if gap < -1.0:
            return math.inf  # already past the line
        return math.sqrt(2 * COMFORT_DECELERATION * max(gap, 0.0))

    def _lead_speed(self, observation: DrivingObservation, path: np.ndarray, position: np.ndarray) -> float:
        actors = observation.truth.actors
        if len(actors) == 0 or len(path) < 2:
            return math.inf
        near = np.where(np.linalg.norm(actors.xy - position, axis=1) < 40.0)[0]
        if len(near) == 0:
            return math.inf
        gaps = np.linalg.norm(actors.xy[near, None, :] - path[None, :, :], axis=2)  # (K, P)
        closest = gaps.argmin(axis=1)
        in_lane = gaps[np.arange(len(near)), closest] < CORRIDOR_HALF_WIDTH_M + actors.extent[near, 1]
        ahead = closest > 0
        blocking = np.where(in_lane & ahead)[0]
        if len(blocking) == 0:
            return math.inf
        cumulative = self.route.cumulative_m[observation.route_index:observation.route_index + len(path)]
        along = cumulative[closest[blocking]] - cumulative[0] - actors.extent[near[blocking], 0]
        gap = float(along.min()) - 0.5 * self.params.length - STOP_MARGIN_M
        return math.sqrt(2 * COMFORT_DECELERATION * max(gap, 0.0))
