"""The ego as the Leaderboard criteria see it, looked up on the road map, and the episode result
built from the criteria: shared by the embedded simulator and the CARLA adapter."""

from __future__ import annotations

import math

import numpy as np

from envs.contracts import EpisodeResult, EpisodeStatus, Timings
from envs.driving.criteria import INFRACTION_KINDS, EgoFrame, LeaderboardCriteria

ROUTE_SAMPLE_POINTS = 5  # the planned route kept in the result: a point every ~5 m, for reports
LANE_MARGIN_M = 1.3  # the Leaderboard's allowed distance outside a lane's half width


def ego_frame_on_map(carla_map, tick: int, time_s: float, x: float, y: float, z: float, yaw: float, speed: float,
                     half_length: float, half_width: float):
    """(EgoFrame, the driving/parking waypoint under the ego or None) for this pose."""
    import carla

    location = carla.Location(x=x, y=y, z=z)
    lane = carla_map.get_waypoint(location, project_to_road=True,
                                  lane_type=carla.LaneType.Driving | carla.LaneType.Parking)
    on_lane = False
    if lane is not None:
        gap = math.hypot(lane.transform.location.x - x, lane.transform.location.y - y)
        on_lane = gap <= 0.5 * lane.lane_width + LANE_MARGIN_M
    off_road = not on_lane and carla_map.get_waypoint(location, project_to_road=False,
                                                      lane_type=carla.LaneType.Any) is None
    driving = lane if lane is not None and lane.lane_type == carla.LaneType.Driving else \
        carla_map.get_waypoint(location, project_to_road=True, lane_type=carla.LaneType.Driving)
    heading = math.radians(yaw)
    behind = half_length + 1.0  # the far end of the tail, as the red-light test takes it
    tail = carla_map.get_waypoint(carla.Location(x=x - behind * math.cos(heading), y=y - behind * math.sin(heading),
                                                 z=z), project_to_road=True, lane_type=carla.LaneType.Driving)
    frame = EgoFrame(tick=tick, time_s=time_s, x=x, y=y, yaw=yaw, speed=speed, half_length=half_length,
                     half_width=half_width, on_driving_lane=on_lane, z=z, off_road=off_road,
                     lane_yaw=None if driving is None else driving.transform.rotation.yaw,
                     in_junction=driving is not None and driving.is_junction,
                     lane=None if driving is None else (driving.road_id, driving.lane_id),
                     tail_lane=None if tail is None else (tail.road_id, tail.lane_id))
    return frame, lane


def route_lane_yaw(road_map, route) -> np.ndarray:
    """The yaw of the map's driving lane at each route point, as the route criteria take a route
    point's direction (the waypoint the map projects it onto)."""
    yaw = np.array(route.yaw, dtype=float)
    for index, (x, y, z) in enumerate(route.xyz):
        waypoint = road_map.driving_waypoint(float(x), float(y), float(z))
        if waypoint is not None:
            yaw[index] = waypoint.transform.rotation.yaw
    return yaw


def route_episode_result(criteria: LeaderboardCriteria, route_id: str, seed: int, map_name: str, map_source: str,
                         timings: Timings, **details) -> EpisodeResult:
    score = criteria.score()
    infractions = sorted((e for events in score.infractions.values() for e in events), key=lambda e: e.tick)
    counts = {kind: len(score.infractions[kind]) for kind in INFRACTION_KINDS}
    status = EpisodeStatus.COMPLETED if score.route_completion >= 100.0 else (
        EpisodeStatus.FAILED if criteria.ended else EpisodeStatus.RUNNING)
    return EpisodeResult(
        scenario_id=route_id, domain="driving", status=status, failure_reason=score.failure_reason,
        metrics={"driving_score": score.driving_score, "route_completion": score.route_completion,
                 "infraction_penalty": score.infraction_penalty, "route_length_m": score.route_length_m,
                 "driven_route_m": score.driven_route_m, "outside_lanes_percentage": score.outside_lanes_percentage},
        infractions=infractions, timings=timings,
        details={"map": map_name, "map_source": map_source, "status": score.status, "infraction_counts": counts,
                 "infractions_per_km": score.infractions_per_km(), "seed": seed,
                 "route_xy": criteria.route.xyz[::ROUTE_SAMPLE_POINTS, :2].round(1).tolist(), **details})


def finish_route(criteria: LeaderboardCriteria, frame: EgoFrame) -> list:
    """The end-of-route outside-lanes event (once), added to the criteria and returned."""
    event = criteria.outside_lanes_event(frame)
    if event is None:
        return []
    criteria.infractions[event.kind].append(event)
    return [event]
