"""Leaderboard criteria on scripted ego paths along a straight 199 m route."""

import numpy as np
import pytest

from envs.driving.contracts import ActorArrays
from envs.driving.criteria import EgoFrame, LeaderboardCriteria, LightLines, StopZone
from envs.driving.routing import DenseRoute

DT = 0.05
RED, GREEN = 0, 2


def straight_route(length: int = 200) -> DenseRoute:
    x = np.arange(length, dtype=float)
    xyz = np.stack([x, np.zeros(length), np.zeros(length)], axis=1)
    return DenseRoute(xyz, np.zeros(length), np.zeros(length, int), np.zeros(length, int), x.copy())


def actors(*entries) -> ActorArrays:
    """entries: (id, kind, x, y); vehicles 4.8 x 2.0 m, pedestrians 0.5 x 0.5 m."""
    if not entries:
        return ActorArrays.empty()
    kind = np.array([k for _, k, _, _ in entries], np.int8)
    extent = np.where(kind[:, None] == ActorArrays.KIND_PEDESTRIAN, 0.25, [[2.4, 1.0]])
    return ActorArrays(tuple(i for i, _, _, _ in entries), kind, np.array([[x, y] for _, _, x, y in entries], float),
                       np.zeros(len(entries)), np.zeros(len(entries)), extent)


def drive(criteria, speed=10.0, until_x=205.0, lateral=lambda x: 0.0, world=ActorArrays.empty(), colors=None,
          frame_options=lambda x: {}, speed_at=None, max_ticks=100_000):
    """Drive along +x at `speed`; returns the infractions raised."""
    events, x, tick = [], 0.5, 0
    while not criteria.ended and x < until_x and tick < max_ticks:
        tick += 1
        current_speed = speed if speed_at is None else speed_at(x, tick)
        x += current_speed * DT
        frame = EgoFrame(tick=tick, time_s=tick * DT, x=x, y=lateral(x), yaw=0.0, speed=current_speed,
                         half_length=2.45, half_width=1.05, **frame_options(x))
        events += criteria.update(frame, world, colors)
    return events


def test_clean_drive_scores_100():
    criteria = LeaderboardCriteria(straight_route())
    assert drive(criteria) == []
    score = criteria.score()
    assert (score.route_completion, score.infraction_penalty, score.driving_score) == (100.0, 1.0, 100.0)
    assert score.status == "Completed"


@pytest.mark.parametrize("world, kinds, score", [
    (actors(("vehicle:a", ActorArrays.KIND_VEHICLE, 100.0, 0.0)), ["collisions_vehicle"], 60.0),
    (actors(("pedestrian:p", ActorArrays.KIND_PEDESTRIAN, 100.0, 0.5)), ["collisions_pedestrian"], 50.0),
    (actors(("vehicle:a", ActorArrays.KIND_VEHICLE, 50.0, 0.0), ("vehicle:b", ActorArrays.KIND_VEHICLE, 150.0, 0.0)),
     ["collisions_vehicle", "collisions_vehicle"], 36.0),
    (actors(("vehicle:a", ActorArrays.KIND_VEHICLE, 100.0, 4.0)), [], 100.0),  # the next lane: a near miss
])
def test_collisions_cost_their_penalty_once_per_actor(world, kinds, score):
    criteria = LeaderboardCriteria(straight_route())
    events = drive(criteria, world=world)
    assert [e.kind for e in events] == kinds
    assert criteria.score().driving_score == pytest.approx(score)


def test_the_same_pedestrian_hit_again_after_five_seconds_counts_again():
    criteria = LeaderboardCriteria(straight_route())
    world = actors(("pedestrian:p", ActorArrays.KIND_PEDESTRIAN, 100.0, 0.0))
    # crawl through the pedestrian (2.95 m of overlap at 0.5 m/s is about 6 s), then drive on
    events = drive(criteria, speed_at=lambda x, tick: 0.5 if 96.0 < x < 104.0 else 10.0, world=world)
    assert [e.kind for e in events] == ["collisions_pedestrian", "collisions_pedestrian"]
    assert events[1].time_s - events[0].time_s > 5.0
    assert criteria.score().driving_score == pytest.approx(25.0)


def test_static_layout_collision_is_counted_when_leaving_the_road():
    criteria = LeaderboardCriteria(straight_route())
    events = drive(criteria, frame_options=lambda x: {"off_road": 60.0 < x < 61.0, "on_driving_lane": not 60 < x < 61})
    assert [e.kind for e in events] == ["collisions_layout"]
    score = criteria.score()
    assert score.infraction_penalty == pytest.approx(0.65 * (1 - 1.0 / score.driven_route_m))


def light_at_100() -> LightLines:
    return LightLines(["tls:lane_0"], np.array([[100.0, -1.75]]), np.array([[100.0, 1.75]]), np.array([[1.0, 0.0]]))


@pytest.mark.parametrize("color, kinds, score", [(RED, ["red_light"], 70.0), (GREEN, [], 100.0)])
def test_crossing_a_stop_line(color, kinds, score):
    criteria = LeaderboardCriteria(straight_route(), light_lines=light_at_100())
    events = drive(criteria, colors=np.array([color]))
    assert [e.kind for e in events] == kinds
    assert criteria.score().driving_score == pytest.approx(score)


def test_stopping_at_a_red_light_is_no_infraction():
    criteria = LeaderboardCriteria(straight_route(), light_lines=light_at_100())
    drive(criteria, colors=np.array([RED]), until_x=98.0)
    assert criteria.infractions["red_light"] == []


def test_the_red_light_is_judged_when_the_rear_crosses():
    criteria = LeaderboardCriteria(straight_route(), light_lines=light_at_100())
    events = drive(criteria, colors=np.array([RED]))
    # the rear sits 0.8 x half the length (1.96 m) behind the centre
    assert events[0].x == pytest.approx(101.96, abs=0.5)


def stop_zone() -> StopZone:
    return StopZone("stop_1", np.array([[98.0, -1.75], [98.0, 1.75], [102.0, 1.75], [102.0, -1.75]]))


def test_rolling_through_a_stop_sign_costs_080():
    criteria = LeaderboardCriteria(straight_route(), stop_zones=[stop_zone()])
    events = drive(criteria, speed=5.0)
    assert [e.kind for e in events] == ["stop_infraction"]
    assert criteria.score().driving_score == pytest.approx(80.0)


def test_stopping_inside_the_stop_zone_is_fine():
    criteria = LeaderboardCriteria(straight_route(), stop_zones=[stop_zone()])
    stopped = {"done": False}

    def speed_at(x, tick):
        if 97.0 < x and not stopped["done"]:
            stopped["done"] = True
            return 0.0
        return 5.0

    assert drive(criteria, speed_at=speed_at) == []


def test_driving_outside_the_route_lanes_costs_its_share():
    criteria = LeaderboardCriteria(straight_route())
    drive(criteria, frame_options=lambda x: {"on_driving_lane": not 100.0 <= x < 150.0})
    events = criteria.outside_lanes_event(EgoFrame(0, 0, 0, 0, 0, 0, 1, 1))
    score = criteria.score()
    assert score.outside_lanes_percentage == pytest.approx(100.0 * 50.0 / 199.0, abs=0.6)
    assert score.infraction_penalty == pytest.approx(1.0 - score.outside_lanes_percentage / 100.0)
    assert score.driving_score == pytest.approx(100.0 * score.infraction_penalty)
    assert events.kind == "outside_route_lanes" and events.penalty == pytest.approx(score.infraction_penalty)


def test_the_opposite_lane_counts_as_outside_except_in_junctions():
    criteria = LeaderboardCriteria(straight_route())
    drive(criteria, frame_options=lambda x: {"lane_yaw": 180.0 if 50.0 <= x < 100.0 else 0.0,
                                              "in_junction": 75.0 <= x < 100.0})
    assert criteria.score().outside_lanes_percentage == pytest.approx(100.0 * 25.0 / 199.0, abs=0.6)


def test_leaving_the_route_ends_the_run():
    criteria = LeaderboardCriteria(straight_route())
    events = drive(criteria, lateral=lambda x: 0.0 if x < 50.0 else (x - 50.0) * 2.0)
    assert [e.kind for e in events] == ["route_dev"]
    score = criteria.score()
    assert criteria.ended and score.status.startswith("Failed - deviated from the route by 3")
    assert score.infraction_penalty == 1.0
    assert score.driving_score == score.route_completion < 100.0


def test_standing_still_for_180_seconds_ends_the_run():
    criteria = LeaderboardCriteria(straight_route(), timeout_s=1000.0)
    events = drive(criteria, speed_at=lambda x, tick: 10.0 if x < 20.0 else 0.0)
    assert [e.kind for e in events] == ["vehicle_blocked"]
    blocked = events[0]
    assert blocked.time_s == pytest.approx(1.95 + 180.0, abs=0.06)
    assert criteria.score().route_completion == pytest.approx(100.0 * 19.0 / 199.0)
    assert criteria.score().driving_score == criteria.score().route_completion


def test_route_timeout_follows_the_route_length():
    criteria = LeaderboardCriteria(straight_route())
    assert criteria.timeout_s == pytest.approx(0.4 * 199.0 + 5.0)
    events = drive(criteria, speed=1.0)
    assert [e.kind for e in events] == ["route_timeout"]
    assert events[0].time_s == pytest.approx(84.6, abs=0.05)


def test_collisions_reported_by_a_sensor_replace_the_box_test():
    """The CARLA adapter's collision sensor: its events are judged with the same dedup rules, and
    boxes that overlap without a reported contact do not count."""
    criteria = LeaderboardCriteria(straight_route())
    overlapping = actors(("vehicle:a", ActorArrays.KIND_VEHICLE, 20.0, 0.0))
    events, x = [], 0.5
    for tick in range(1, 400):
        x += 10.0 * DT
        frame = EgoFrame(tick=tick, time_s=tick * DT, x=x, y=0.0, yaw=0.0, speed=10.0, half_length=2.45,
                         half_width=1.05)
        reported = [("collisions_vehicle", "vehicle.tesla.model3:7")] if tick in (100, 101, 102) else []
        if tick == 250:
            reported = [("collisions_layout", "static.prop.bench:3")]
        events += criteria.update(frame, overlapping, None, collisions=reported)
        if criteria.ended:
            break
    assert [(e.kind, e.actor_id) for e in events] == [("collisions_vehicle", "vehicle.tesla.model3:7"),
                                                      ("collisions_layout", "static.prop.bench:3")]
    assert criteria.score().driving_score == pytest.approx(100.0 * 0.60 * 0.65)
