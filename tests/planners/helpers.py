"""Driving contexts for planner tests, written out field by field."""

from envs.driving.contracts import ActorKind, LightColor, LightState
from planners.driving.context import DrivingContext, LaneSituation, NearbyAgent


def lane(**changes) -> LaneSituation:
    values = dict(lane_width=3.5, in_junction=False, left_lane="opposite", right_lane="none", offset_from_route=0,
                  left_clear=True, right_clear=True)
    values.update(changes)
    return LaneSituation(**values)


def light(color: LightColor, distance: float) -> LightState:
    return LightState(id="tls:lane_0", color=color, x=0.0, y=0.0, yaw=0.0, distance=distance)


def vehicle(distance: float, speed: float = 0.0, in_path: bool = True, left: float = 0.0) -> NearbyAgent:
    return NearbyAgent(id="vehicle:v1", kind=ActorKind.VEHICLE, ahead_m=distance + 4.9, left_m=left, speed=speed,
                       in_path=in_path, path_distance_m=distance if in_path else None)


def pedestrian(distance: float) -> NearbyAgent:
    return NearbyAgent(id="pedestrian:p1", kind=ActorKind.PEDESTRIAN, ahead_m=distance + 2.5, left_m=0.5, speed=1.2,
                       in_path=True, path_distance_m=distance)


def context(**changes) -> DrivingContext:
    agents = changes.pop("agents", [])
    values = dict(tick=100, time_s=5.0, speed=8.0, speed_limit=11.11, route_completion=10.0,
                  route_command="go straight through the junction", route_command_distance_m=60.0, lane=lane(),
                  light=None, stop_sign_distance_m=None, agents=agents,
                  lead=min((a for a in agents if a.in_path), key=lambda a: a.path_distance_m, default=None),
                  stopped_for_s=0.0, lead_stopped_for_s=0.0, junction_ahead_m=None)
    values.update(changes)
    return DrivingContext(**values)
