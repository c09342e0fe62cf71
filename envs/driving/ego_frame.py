"""The ego as the Leaderboard criteria see it, looked up on the road map, and the episode result
built from the criteria: shared by the embedded simulator and the CARLA adapter."""

from __future__ import annotations

import math

from envs.contracts import EpisodeResult, EpisodeStatus, Timings
from envs.driving.criteria import INFRACTION_KINDS, EgoFrame, LeaderboardCriteria

LANE_MARGIN_M = 1.3  # the Leaderboard's allowed distance outside a lane's half width


def ego_frame_on_map(carla_map, tick: int, time_s: float, x: float, y: float, z: float, yaw: float, speed: float,
                     half_length: float, half_width: float):
    """(EgoFrame, the driving/parking waypoint under the ego or None) for this pose."""
    import carla

    location = carla.Location(x=x, y=y, z=z)
    lane = carla_map.get_waypoint(location, project_to_road=True,
                                  lane_type=carla.LaneType.Driving | carla.LaneType.Parking)
    on_lane, lane_yaw, in_junction = False, None, False
    if lane is not None:
        gap = math.hypot(lane.transform.location.x - x, lane.transform.location.y - y)
        on_lane = gap <= 0.5 * lane.lane_width + LANE_MARGIN_M
        in_junction = lane.is_junction
        if on_lane and lane.lane_type == carla.LaneType.Driving:
            lane_yaw = lane.transform.rotation.yaw
    off_road = not on_lane and carla_map.get_waypoint(location, project_to_road=False,
                                                      lane_type=carla.LaneType.Any) is None
    frame = EgoFrame(tick=tick, time_s=time_s, x=x, y=y, yaw=yaw, speed=speed, half_length=half_length,
                     half_width=half_width, on_driving_lane=on_lane, lane_yaw=lane_yaw, in_junction=in_junction,
                     off_road=off_road)
    return frame, lane


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
                 "infractions_per_km": score.infractions_per_km(), "seed": seed, **details})


def finish_route(criteria: LeaderboardCriteria, frame: EgoFrame) -> list:
    """The end-of-route outside-lanes event (once), added to the criteria and returned."""
    event = criteria.outside_lanes_event(frame)
    if event is None:
        return []
    criteria.infractions[event.kind].append(event)
    return [event]
