"""The driving context a behaviour planner decides from.

Built from an observation (ego state, privileged truth or perception, images), the route
and the road map: the route command, the lane situation, the light and stop sign ahead,
the agents around the ego in its own frame (metres ahead, metres to the left), the
traffic rules and the user's instruction.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from pydantic import Field

from envs.contracts import Contract
from envs.driving.contracts import ActorArrays, ActorKind, DrivingObservation, LightState
from envs.driving.maps import RoadMap
from envs.driving.routing import DenseRoute, RoadOption
from planners.driving.decision import Decision
from planners.driving.rules import TRAFFIC_RULES
from planners.driving.scene import Path, clears_first, obstacles_on_path

AGENT_RANGE_M = 40.0
COMMAND_RANGE_M = 80.0
CORRIDOR_HALF_WIDTH_M = 1.3

COMMAND_WORDS = {
    RoadOption.LEFT: "turn left at the junction",
    RoadOption.RIGHT: "turn right at the junction",
    RoadOption.STRAIGHT: "go straight through the junction",
    RoadOption.CHANGELANELEFT: "move to the left lane",
    RoadOption.CHANGELANERIGHT: "move to the right lane",
}


class NearbyAgent(Contract):
    id: str
    kind: ActorKind
    ahead_m: float = Field(description="along the ego's heading; negative is behind")
    left_m: float = Field(description="to the ego's left; negative is to the right")
    speed: float
    in_path: bool = Field(description="in or entering the ego's planned path within 3 s")
    path_distance_m: float | None = Field(None, description="bumper-to-bumper distance along the path")
    enters_path_s: float | None = Field(None, description="when it is in the path: 0 now, later if crossing into it")
    clears_first: bool = Field(False, description="too close to stop for, and the ego is past before it crosses")


class LaneSituation(Contract):
    lane_width: float
    in_junction: bool
    left_lane: str = Field(description="'same', 'opposite' or 'none': the lane to the left")
    right_lane: str = Field(description="'same', 'shoulder' or 'none': the lane to the right")
    offset_from_route: int = Field(description="lanes between the ego and the route's lane; negative: left")
    left_clear: bool
    right_clear: bool


class DrivingContext(Contract):
    tick: int
    time_s: float
    speed: float
    speed_limit: float
    route_completion: float
    route_command: str
    route_command_distance_m: float | None
    lane: LaneSituation
    light: LightState | None
    light_plan: str | None = Field(None, description="the motion planner's commitment at a yellow/red light")
    stop_sign_distance_m: float | None
    stop_sign_done: bool = False
    agents: list[NearbyAgent]
    lead: NearbyAgent | None
    stopped_for_s: float
    lead_stopped_for_s: float
    junction_ahead_m: float | None
    rules: tuple[str, ...] = TRAFFIC_RULES
    instruction: str | None = None
    previous: Decision | None = None
    images: dict[str, np.ndarray] = Field(default_factory=dict, exclude=True)
    bev: np.ndarray | None = Field(None, exclude=True)  # CxHxW semantic bird's-eye view, when rendered
    features: dict[str, Any] = Field(default_factory=dict, exclude=True)  # from a perception model, per camera


def route_command(route: DenseRoute, index: int) -> tuple[str, float | None, float | None]:
    """The next route command ahead, its distance, and the distance to the next junction."""
    cumulative = route.cumulative_m
    ahead = np.where((cumulative > cumulative[index]) & (cumulative < cumulative[index] + COMMAND_RANGE_M))[0]
    command_text, command_distance, junction_distance = "follow the lane", None, None
    for i in ahead:
        option = RoadOption(int(route.command[i]))
        if option in (RoadOption.LEFT, RoadOption.RIGHT, RoadOption.STRAIGHT) and junction_distance is None:
            junction_distance = float(cumulative[i] - cumulative[index])
        if option in COMMAND_WORDS and command_distance is None:
            command_text, command_distance = COMMAND_WORDS[option], float(cumulative[i] - cumulative[index])
    return command_text, command_distance, junction_distance


def build_context(observation: DrivingObservation, route: DenseRoute, road_map: RoadMap, path: Path,
                  stopped_for_s: float, lead_stopped_for_s: float, stop_sign_distance_m: float | None,
                  stop_sign_done: bool, instruction: str | None, previous: Decision | None,
                  light_plan: str | None = None, offset_from_route: int = 0) -> DrivingContext:
    ego = observation.ego
    actors = observation.truth.actors.seen()  # what the cameras show, never what is hidden
    position = np.array([ego.x, ego.y])
    yaw = math.radians(ego.yaw)
    forward = np.array([math.cos(yaw), math.sin(yaw)])
    left = np.array([math.sin(yaw), -math.cos(yaw)])  # CARLA's y points right
    waypoint = road_map.driving_waypoint(ego.x, ego.y, ego.z)
    lane_width = float(waypoint.lane_width) if waypoint is not None else 3.5

    agents: list[NearbyAgent] = []
    lead = None
    if len(actors):
        obstacles = {o.index: o for o in obstacles_on_path(path, actors, 0.5 * ego.length, CORRIDOR_HALF_WIDTH_M)}
        relative = actors.xy - position
        ahead, leftward = relative @ forward, relative @ left
        for i in np.where(np.hypot(ahead, leftward) < AGENT_RANGE_M)[0]:
            obstacle = obstacles.get(int(i))
            agents.append(NearbyAgent(
                id=actors.ids[i],
                kind=ActorArrays.KINDS[int(actors.kind[i])],
                ahead_m=round(float(ahead[i]), 1), left_m=round(float(leftward[i]), 1),
                speed=round(float(actors.speed[i]), 1), in_path=obstacle is not None,
                path_distance_m=None if obstacle is None else round(obstacle.distance_m, 1),
                enters_path_s=None if obstacle is None else obstacle.enters_s,
                clears_first=obstacle is not None and clears_first(obstacle.distance_m, obstacle.enters_s, ego.speed,
                                                                   ego.length, float(actors.extent[i, 0]))))
        agents.sort(key=lambda agent: math.hypot(agent.ahead_m, agent.left_m))
        in_path = [a for a in agents if a.in_path and not a.clears_first]
        lead = min(in_path, key=lambda a: a.path_distance_m) if in_path else None

    command, command_distance, junction_distance = route_command(route, observation.route_index)
    return DrivingContext(
        tick=observation.tick, time_s=observation.time_s, speed=round(ego.speed, 2),
        speed_limit=round(ego.speed_limit, 2), route_completion=round(observation.route_completion, 1),
        route_command=command, route_command_distance_m=command_distance,
        lane=_lane_situation(waypoint, lane_width, offset_from_route, agents),
        light=observation.truth.route_light, light_plan=light_plan, stop_sign_distance_m=stop_sign_distance_m,
        stop_sign_done=stop_sign_done, agents=agents, lead=lead, stopped_for_s=round(stopped_for_s, 1),
        lead_stopped_for_s=round(lead_stopped_for_s, 1), junction_ahead_m=junction_distance,
        instruction=instruction, previous=previous, images=observation.images, bev=observation.bev)


def _lane_situation(waypoint, lane_width: float, offset: int, agents: list[NearbyAgent]) -> LaneSituation:
    import carla

    left_kind, right_kind, in_junction = "none", "none", False
    if waypoint is not None:
        in_junction = waypoint.is_junction
        left = waypoint.get_left_lane()
        if left is not None and left.lane_type == carla.LaneType.Driving:
            left_kind = "same" if left.lane_id * waypoint.lane_id > 0 else "opposite"
        right = waypoint.get_right_lane()
        if right is not None and right.lane_type == carla.LaneType.Driving and right.lane_id * waypoint.lane_id > 0:
            right_kind = "same"
        elif right is not None and right.lane_type in (carla.LaneType.Shoulder, carla.LaneType.Parking):
            right_kind = "shoulder"

    def clear(side: float) -> bool:
        # nobody in that lane from 12 m behind to 30 m ahead (50 m ahead for the opposite lane)
        reach = 50.0 if side > 0 and left_kind == "opposite" else 30.0
        return not any(0.5 * lane_width < side * a.left_m < 1.5 * lane_width and -12.0 < a.ahead_m < reach
                       for a in agents)

    return LaneSituation(lane_width=round(lane_width, 2), in_junction=in_junction, left_lane=left_kind,
                         right_lane=right_kind, offset_from_route=offset, left_clear=clear(1.0),
                         right_clear=clear(-1.0))
