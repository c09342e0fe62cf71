"""The embedded driving simulator as a Gymnasium env: low-level control in, sensors out.

Action: Box [steer in -1..1, throttle 0..1, brake 0..1] (carla.VehicleControl's ranges), one
simulator tick (0.05 s). Observation (what the car's sensors give, no ground truth of others):
`ego` [speed m/s, acceleration m/s^2, steer angle rad, speed limit m/s], `route` the next
ROUTE_POINTS points of the planned route in the ego frame (x forward, y left; metres, the last
point repeated at the end), `route_completion` in percent, and with `camera` / `bev` on, the
front camera image (HxWx3 uint8) and the semantic bird's-eye view (CxHxW uint8).
Reward: route progress (the completion gained this tick / 100, so a whole route sums to 1) less
(1 - penalty) for every infraction the Leaderboard's criteria raise (a pedestrian collision: -0.5,
a red light: -0.3, ...). The episode terminates when the Leaderboard's criteria end the route
(completed, blocked, timed out, off route); TimeLimit and other wrappers can cut it shorter.

libsumo runs one simulation a process, so one of these envs drives at a time in a process: a
reset of another closes the one before (it then needs a reset of its own); vector envs should
use gymnasium's AsyncVectorEnv (a process each).

Each reset(seed=S) drives a seeded route of the map (`route_length_m`), with the map's scenario
triggers and the given traffic; `options={"route": RouteDefinition}` drives that route instead.
"""

from __future__ import annotations

import math
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from envs.driving.contracts import DrivingObservation, VehicleControl

ROUTE_POINTS = 10
ROUTE_SPACING_M = 2.0
ROUTE_REACH_M = 500.0  # route points are clipped to this box around the car
EGO_LOW = np.array([-50.0, -100.0, -1.2, 0.0], np.float32)  # speed, acceleration, steer angle, speed limit
EGO_HIGH = np.array([100.0, 100.0, 1.2, 100.0], np.float32)
_holder: DrivingGymEnv | None = None  # libsumo runs one simulation a process: the env that has it


class DrivingGymEnv(gym.Env):
    metadata = {"render_modes": ["rgb_array"], "render_fps": 20}

    def __init__(self, town: str | None = None, xodr: str | None = None, vehicles: int = 20, pedestrians: int = 10,
                 route_length_m: tuple[float, float] = (300.0, 600.0), camera: bool = False, bev: bool = False,
                 scenarios: bool = True, render_mode: str | None = None):
        from envs.driving.maps import RoadMap
        from envs.driving.sim.simulator import EmbeddedDrivingSim, SimConfig

        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode {render_mode!r}: only 'rgb_array' (the front camera)")
        self.render_mode = render_mode
        camera = camera or render_mode == "rgb_array"
        self.road_map = RoadMap.load(town, xodr)
        self.config = SimConfig(camera=camera, bev=bev)
        self.sim = EmbeddedDrivingSim(self.road_map, self.config)
        self.vehicles, self.pedestrians, self.route_length_m = vehicles, pedestrians, route_length_m
        self.triggers = self._scenario_triggers() if scenarios else []
        self.action_space = spaces.Box(np.array([-1.0, 0.0, 0.0], np.float32), np.array([1.0, 1.0, 1.0], np.float32),
                                       dtype=np.float32)
        observation = {
            "ego": spaces.Box(EGO_LOW, EGO_HIGH, dtype=np.float32),
            "route": spaces.Box(-ROUTE_REACH_M, ROUTE_REACH_M, (ROUTE_POINTS, 2), np.float32),
            "route_completion": spaces.Box(0.0, 100.0, (1,), np.float32),
        }
        if camera:
            observation["camera"] = spaces.Box(0, 255, (self.config.camera_height, self.config.camera_width, 3),
                                               np.uint8)
        if bev:
            from envs.driving.sim.sensors.bev import BEV_CHANNELS

            size = self.config.bev_size_px
            observation["bev"] = spaces.Box(0, 255, (len(BEV_CHANNELS), size, size), np.uint8)
        self.observation_space = spaces.Dict(observation)
        self._last: DrivingObservation | None = None
        self._completion = 0.0

    def _scenario_triggers(self) -> list:
        from scenarios.scenario_files import read_scenario_file, resolve_scenarios

        path, _ = resolve_scenarios(None, self.road_map)
        return [] if path is None else read_scenario_file(path, self.road_map.name)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        from envs.driving.routing import RoadGraph
        from scenarios.generate import generate_routes

        route_seed = int(self.np_random.integers(0, 2**31 - 1))
        route = (options or {}).get("route")
        if route is None:
            low, high = self.route_length_m
            route = generate_routes(RoadGraph(self.road_map.carla_map), self.road_map.name, 1, seed=route_seed,
                                    min_length_m=low, max_length_m=high, id_prefix="gym")[0]
        scenario = route.scenario(seed=route_seed, vehicles=self.vehicles, pedestrians=self.pedestrians,
                                  scenario_triggers=self.triggers)
        global _holder
        if _holder is not None and _holder is not self:
            _holder.close()
        _holder = self
        self._last = self.sim.reset(scenario)
        self._completion = self._last.route_completion
        return self._observation(self._last), {"route_id": route.id, "traffic_seed": route_seed}

    def step(self, action):
        if self._last is None:
            raise gym.error.ResetNeeded("step() before reset()")
        steer, throttle, brake = (float(v) for v in np.asarray(action, dtype=np.float64).reshape(3))
        result = self.sim.step(VehicleControl.clamped(throttle=throttle, steer=steer, brake=brake))
        self._last = result.observation
        progress = (self._last.route_completion - self._completion) / 100.0
        self._completion = self._last.route_completion
        penalty = sum(1.0 - event.penalty for event in result.events)
        info = {"infractions": [event.kind for event in result.events],
                "route_completion": self._last.route_completion}
        if result.terminated:
            score = self.sim.criteria.score()
            info.update(driving_score=score.driving_score, infraction_penalty=score.infraction_penalty,
                        status=score.status)
        return self._observation(self._last), float(progress - penalty), bool(result.terminated), False, info

    def _observation(self, observation: DrivingObservation) -> dict[str, np.ndarray]:
        ego = observation.ego
        out = {"ego": np.clip(np.array([ego.speed, ego.acceleration, ego.steer_angle, ego.speed_limit], np.float32),
                              EGO_LOW, EGO_HIGH),
               "route": self._route_ahead(observation),
               "route_completion": np.array([min(max(observation.route_completion, 0.0), 100.0)], np.float32)}
        if "camera" in self.observation_space.spaces:
            out["camera"] = next(iter(observation.images.values())).astype(np.uint8)
        if "bev" in self.observation_space.spaces:
            out["bev"] = observation.bev.astype(np.uint8)
        return out

    def _route_ahead(self, observation: DrivingObservation) -> np.ndarray:
        route = self.sim.route
        start = float(route.cumulative_m[observation.route_index])
        wanted = start + ROUTE_SPACING_M * np.arange(1, ROUTE_POINTS + 1)
        xs = np.interp(wanted, route.cumulative_m, route.xyz[:, 0])
        ys = np.interp(wanted, route.cumulative_m, route.xyz[:, 1])
        ego = observation.ego
        yaw = math.radians(ego.yaw)
        dx, dy = xs - ego.x, ys - ego.y
        # CARLA's frame is left-handed (y to the right): left of the car is -y
        forward = dx * math.cos(yaw) + dy * math.sin(yaw)
        left = dx * math.sin(yaw) - dy * math.cos(yaw)
        return np.clip(np.stack([forward, left], axis=1), -ROUTE_REACH_M, ROUTE_REACH_M).astype(np.float32)

    def render(self):
        if self.render_mode == "rgb_array" and self._last is not None:
            return next(iter(self._last.images.values()))
        return None

    def close(self) -> None:
        global _holder
        self.sim.close()
        self._last = None
        if _holder is self:
            _holder = None
