"""The mllm-pilot driving agent as a CARLA Leaderboard AutonomousAgent.

Point the official runner at this file (`--agent agents/leaderboard_agent.py --agent-config
agent.yaml`). The agent localises from GNSS, IMU and speedometer, follows the global plan the
Leaderboard gives it (matched to lanes on the map), asks the configured behaviour planner every
decision period with the three cameras' images, and turns the decision into a
carla.VehicleControl with the same motion planner as the other agents. It sees no privileged
actor states: nearby road users are whatever the planner reads from the images.

The config file (YAML or JSON) takes: planner (rule | mllm | http | module:factory), model,
endpoint, device, max_tiles, decision_period_s (0.5), xodr (a map file; otherwise the
OpenDRIVE sensor of the MAP track is used), track (SENSORS or MAP), camera_width/height/fov.
"""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from envs.driving.carla.convert import GeoLocaliser, bgra_to_rgb, carla_control
from envs.driving.carla.sensors import SensorSpec, driving_cameras, localisation
from envs.driving.contracts import ActorArrays, DrivingObservation, EgoState, GroundTruth
from envs.errors import UserInputError

log = logging.getLogger("mllm_pilot.leaderboard")
TICK_S = 0.05

try:  # the official Leaderboard package, when installed beside the runner
    from leaderboard.autoagents.autonomous_agent import AutonomousAgent as _LeaderboardAgent
    from leaderboard.autoagents.autonomous_agent import Track
except ImportError:  # the same interface, so the agent also runs (and is tested) without it
    from enum import Enum

    class Track(Enum):
        SENSORS = "SENSORS"
        MAP = "MAP"

    class _LeaderboardAgent:
        """The methods the Leaderboard runner calls, as leaderboard.autoagents.AutonomousAgent has them."""

        def __init__(self, carla_host: str = "127.0.0.1", carla_port: int = 2000, debug: bool = False):
            self.track = Track.SENSORS
            self._global_plan = None
            self._global_plan_world_coord = None

        def set_global_plan(self, global_plan_gps, global_plan_world_coord) -> None:
            self._global_plan = global_plan_gps
            self._global_plan_world_coord = global_plan_world_coord


class AgentConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    planner: str = "rule"
    model: str | None = None
    endpoint: str | None = None
    device: str = "auto"
    max_tiles: int = Field(6, ge=1)
    decision_period_s: float = Field(0.5, ge=TICK_S)
    xodr: str | None = None
    track: str = Field("SENSORS", pattern="^(SENSORS|MAP)$")
    camera_width: int = Field(400, gt=0)
    camera_height: int = Field(225, gt=0)
    camera_fov: float = Field(90.0, gt=0, lt=180)

    @classmethod
    def read(cls, path: str | None) -> AgentConfig:
        if not path:
            return cls()
        file = Path(path)
        try:
            text = file.read_text()
        except OSError as error:
            raise UserInputError(f"agent config {path}: cannot read it ({error.strerror or error})") from error
        try:
            if file.suffix in (".yaml", ".yml"):
                data = yaml.safe_load(text) or {}
            else:
                data = json.loads(text) if text.strip() else {}
            return cls.model_validate(data)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "the file"
            raise UserInputError(f"agent config {path}: {where}: {first['msg']}") from error
        except (ValueError, yaml.YAMLError) as error:  # JSON or YAML that does not parse
            raise UserInputError(f"agent config {path}: not valid {file.suffix.lstrip('.') or 'JSON'} ({error})") \
                from error


def sensor_specs(config: AgentConfig) -> list[SensorSpec]:
    specs = driving_cameras(config.camera_width, config.camera_height, config.camera_fov) + localisation()
    if config.track == "MAP":
        specs.append(SensorSpec(id="opendrive", type="sensor.opendrive_map", reading_frequency=1.0))
    return specs


def plan_points(global_plan_world_coord) -> np.ndarray:
    """(N, 3) route points from the Leaderboard's [(carla.Transform, RoadOption), ...]."""
    points = [(t.location.x, t.location.y, t.location.z) for t, _ in global_plan_world_coord]
    if len(points) < 2:
        raise ValueError("the global plan needs at least two points")
    return np.array(points, dtype=float)


class RouteProgress:
    """The furthest dense-route point the ego has passed (like RouteCompletionTest)."""

    def __init__(self, route, window: int = 50):
        self.route, self.window, self.index = route, window, 0
        self._direction = np.stack([np.cos(np.radians(route.yaw)), np.sin(np.radians(route.yaw))], axis=1)

    def update(self, x: float, y: float) -> int:
        position = np.array([x, y])
        last = min(self.index + self.window, len(self.route) - 1)
        for i in range(self.index, last + 1):
            if np.dot(position - self.route.xyz[i, :2], self._direction[i]) > 0:
                self.index = i
        return self.index

    @property
    def completion(self) -> float:
        return float(self.route.cumulative_m[self.index] / max(self.route.length_m, 1e-6) * 100.0)


class MllmPilotAgent(_LeaderboardAgent):
    """setup / sensors / set_global_plan / run_step / destroy, as the Leaderboard runner calls them."""

    def setup(self, path_to_conf_file: str | None) -> None:
        from agents.drive.runner import make_planner
        from planners.backends import BackendOptions

        self.config = AgentConfig.read(path_to_conf_file)
        self.track = Track.MAP if self.config.track == "MAP" else Track.SENSORS
        backend = BackendOptions(endpoint=self.config.endpoint, model=self.config.model, device=self.config.device,
                                 max_tiles=self.config.max_tiles)
        self.planner = make_planner(self.config.planner, backend)
        self.period_ticks = max(int(round(self.config.decision_period_s / TICK_S)), 1)
        self.road_map = None
        self.route = None
        self.motion = None
        self.progress: RouteProgress | None = None
        self.decision = None
        self.decisions = self.fallbacks = 0
        self.tick = 0
        self._localiser: GeoLocaliser | None = None
        self._stopped_for_s = 0.0

    def sensors(self) -> list[dict]:
        return [spec.leaderboard() for spec in sensor_specs(self.config)]

    def set_global_plan(self, global_plan_gps, global_plan_world_coord) -> None:
        super().set_global_plan(global_plan_gps, global_plan_world_coord)
        self._plan_world = list(global_plan_world_coord)  # the full plan (the runner's copy is downsampled)
        self.route = None

    def run_step(self, input_data: dict, timestamp: float):
        """input_data: sensor id -> (frame, data), in the Leaderboard's formats."""
        if getattr(self, "_plan_world", None) is None:
            raise RuntimeError("run_step before set_global_plan: the Leaderboard gives the route first")
        if self.route is None:
            self._start(input_data)
        observation = self._observation(input_data, timestamp)
        if self.tick % self.period_ticks == 0:
            self._decide(observation)
        control = self.motion.control(observation)
        self.tick += 1
        return carla_control(control)

    def destroy(self) -> None:
        """Between routes the runner destroys the agent: drop the planner (and a loaded model with it)."""
        self.planner = None

    # inside

    def _start(self, input_data: dict) -> None:
        from envs.driving.carla.connection import road_map_from_opendrive
        from envs.driving.maps import RoadMap
        from envs.driving.routing import RoadGraph
        from planners.driving.motion import MotionPlanner

        if self.road_map is None:
            if self.config.xodr:
                self.road_map = RoadMap.load(Path(self.config.xodr).stem, self.config.xodr)
            elif "opendrive" in input_data:
                self.road_map = road_map_from_opendrive("leaderboard", input_data["opendrive"][1]["opendrive"])
            else:
                raise UserInputError("the agent needs a map: set xodr in its config, or track: MAP for the OpenDRIVE "
                                     "sensor")
            self._localiser = GeoLocaliser(self.road_map.carla_map)
        self.route = RoadGraph(self.road_map.carla_map).plan(plan_points(self._plan_world), "leaderboard")
        self.motion = MotionPlanner(self.route, stop_zones=self.road_map.stop_zones, dt=TICK_S)
        self.progress = RouteProgress(self.route)
        self.tick = 0

    def _observation(self, input_data: dict, timestamp: float) -> DrivingObservation:
        lat, lon = float(input_data["gnss"][1][0]), float(input_data["gnss"][1][1])
        x, y = self._localiser.to_xy(lat, lon)
        compass = float(input_data["imu"][1][-1])
        yaw = (math.degrees(compass) - 90.0 + 180.0) % 360.0 - 180.0  # compass 0 = north = CARLA's -y
        speed = float(input_data["speed"][1]["speed"])
        self._stopped_for_s = self._stopped_for_s + TICK_S if abs(speed) < 0.1 else 0.0
        waypoint = self.road_map.driving_waypoint(x, y)
        z = waypoint.transform.location.z if waypoint is not None else 0.0
        limit = 50.0 / 3.6
        ego = EgoState(x=x, y=y, z=z, yaw=yaw, speed=speed, acceleration=0.0, steer_angle=0.0, length=4.9, width=2.1,
                       road_id=waypoint.road_id if waypoint else None, lane_id=waypoint.lane_id if waypoint else None,
                       is_junction=bool(waypoint.is_junction) if waypoint else False, speed_limit=limit)
        index = self.progress.update(x, y)
        images = {}
        for spec in driving_cameras(self.config.camera_width, self.config.camera_height, self.config.camera_fov):
            if spec.id in input_data:
                raw = np.asarray(input_data[spec.id][1])
                images[spec.id] = bgra_to_rgb(raw.tobytes(), raw.shape[1], raw.shape[0])
        return DrivingObservation.model_construct(
            tick=self.tick, time_s=float(timestamp), map_name=self.road_map.name, ego=ego, route_index=index,
            route_completion=self.progress.completion, truth=GroundTruth(actors=ActorArrays.empty()), images=images,
            bev=None)

    def _decide(self, observation: DrivingObservation) -> None:
        from planners.driving.context import build_context
        from planners.driving.parser import FALLBACK

        path = self.motion.path(observation)
        stop_sign = self.motion.stop_sign_ahead(path)
        context = build_context(observation, self.route, self.road_map, path, stopped_for_s=self._stopped_for_s,
                                lead_stopped_for_s=0.0,
                                stop_sign_distance_m=None if stop_sign is None else stop_sign[1],
                                stop_sign_done=False, instruction=None, previous=self.decision,
                                light_plan=self.motion.light_plan(observation),
                                offset_from_route=self.motion.offset_from_route(observation))
        try:
            decision = self.planner.decide(context)
        except Exception as error:  # a planner backend failing must not end the route
            log.warning("planner failed at tick %d (%s); using the fallback decision", self.tick, error)
            decision = FALLBACK
        self.decisions += 1
        if decision is FALLBACK or getattr(self.planner, "last_status", "ok") == "fallback":
            self.fallbacks += 1
        self.decision = decision
        self.motion.apply(decision, observation, context.lane.lane_width)


def get_entry_point() -> str:
    return "MllmPilotAgent"
