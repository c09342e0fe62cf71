"""Leaderboard 1.0 criteria on scripted ego paths along a straight 199 m route; the expected
values are what scenario_runner's atomic_criteria.py computes for the same paths."""

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


def test_two_static_hits_far_apart_within_five_seconds_count_twice():
    # the static world is never "the last actor": only the 3 m rule merges contacts
    criteria = LeaderboardCriteria(straight_route())
    events = drive(criteria, frame_options=lambda x: {"off_road": 60.0 < x < 60.6 or 100.0 < x < 100.6})
    assert [(e.kind, e.x) for e in events] == [("collisions_layout", 60.5), ("collisions_layout", 100.5)]
    assert events[1].time_s - events[0].time_s == pytest.approx(4.0)


def test_scraping_the_static_world_counts_every_three_metres():
    # contacts closer than 3 m to a remembered collision place are the same collision
    criteria = LeaderboardCriteria(straight_route())
    events = drive(criteria, frame_options=lambda x: {"off_road": 60.0 < x < 70.0})
    assert [e.x for e in events] == [60.5, 64.0, 67.5]


def test_a_prop_is_the_static_layout():
    criteria = LeaderboardCriteria(straight_route())
    world = actors(("prop:vending", ActorArrays.KIND_PROP, 100.0, 1.0),
                   ("debris:1", ActorArrays.KIND_DEBRIS, 50.0, 0.0))
    events = drive(criteria, world=world)
    assert [(e.kind, e.actor_id) for e in events] == [("collisions_layout", "prop:vending")]
    assert criteria.score().driving_score == pytest.approx(65.0)


def test_a_cyclist_counts_as_a_vehicle():
    criteria = LeaderboardCriteria(straight_route())
    events = drive(criteria, world=actors(("cyclist:1", ActorArrays.KIND_CYCLIST, 100.0, 0.0)))
    assert [e.kind for e in events] == ["collisions_vehicle"]
    assert criteria.score().driving_score == pytest.approx(60.0)


def light_at_100() -> LightLines:
    return LightLines(["tls:lane_0"], np.array([[100.0, -1.75]]), np.array([[100.0, 1.75]]), np.array([[1.0, 0.0]]))


def lights_a_b_a() -> LightLines:
    """Stop lines at 50 m (light A), 100 m (light B) and 150 m (light A again, another of its lanes)."""
    xs = np.array([50.0, 100.0, 150.0])
    left, right = LightLines.stop_line(np.stack([xs, np.zeros(3)], axis=1), np.tile([[1.0, 0.0]], (3, 1)),
                                       np.full(3, 3.5))
    return LightLines(["a:0", "b:0", "a:1"], left, right, np.tile([[1.0, 0.0]], (3, 1)), ["A", "B", "A"],
                      np.stack([xs + 5.0, np.full(3, 4.0)], axis=1), [(1, -1), (1, -1), (1, -1)])


def test_only_the_last_run_light_is_skipped():
    criteria = LeaderboardCriteria(straight_route(), light_lines=lights_a_b_a())
    events = drive(criteria, colors=np.array([RED, RED, RED]), frame_options=lambda x: {"tail_lane": (1, -1)})
    assert [e.actor_id for e in events] == ["A", "B", "A"]
    assert criteria.score().driving_score == pytest.approx(100.0 * 0.7 ** 3)


def test_a_red_light_counts_only_with_the_tail_in_its_lane_and_within_15_m_of_it():
    in_other_lane = LeaderboardCriteria(straight_route(), light_lines=lights_a_b_a())
    assert drive(in_other_lane, colors=np.array([RED] * 3), frame_options=lambda x: {"tail_lane": (1, 1)}) == []
    far = lights_a_b_a()
    far.light_xy = far.light_xy + np.array([0.0, 20.0])
    far_light = LeaderboardCriteria(straight_route(), light_lines=far)
    assert drive(far_light, colors=np.array([RED] * 3), frame_options=lambda x: {"tail_lane": (1, -1)}) == []


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


def test_the_red_light_is_judged_when_the_tail_crosses():
    criteria = LeaderboardCriteria(straight_route(), light_lines=light_at_100())
    events = drive(criteria, colors=np.array([RED]))
    # the tail runs from 0.8 x half the length (1.96 m) to a metre behind the rear (3.45 m) behind the centre
    assert events[0].x == 102.0


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


def lanes_along(x: float, opposite: tuple[float, float], junction: tuple[float, float] = (0.0, 0.0)) -> dict:
    """The nearest driving lane: road 1 lane -1 (the route's), its opposite lane (yaw 180) on
    `opposite`, a junction lane on `junction`, and road 2 after a junction."""
    if junction[0] <= x < junction[1]:
        return {"lane": (9, -1), "lane_yaw": 90.0, "in_junction": True}
    if opposite[0] <= x < opposite[1]:
        return {"lane": (1, 1), "lane_yaw": 180.0}
    return {"lane": (2 if junction[1] and x >= junction[1] else 1, -1), "lane_yaw": 0.0}


def test_the_opposite_lane_counts_as_outside_except_in_junctions():
    criteria = LeaderboardCriteria(straight_route())
    drive(criteria, frame_options=lambda x: lanes_along(x, (50.0, 100.0)))
    # of the route the test saw passed (198 m: the run ends on completion at route point 198)
    assert criteria.score().outside_lanes_percentage == pytest.approx(100.0 * 50.0 / 198.0)
    # into a junction from the opposite lane: the junction clears it, and the exit is judged by heading
    criteria = LeaderboardCriteria(straight_route())
    drive(criteria, frame_options=lambda x: lanes_along(x, (50.0, 75.0), junction=(75.0, 100.0)))
    assert criteria.score().outside_lanes_percentage == pytest.approx(100.0 * 25.0 / 198.0)


def test_wrong_way_needs_a_lane_direction_jump_of_150_degrees():
    # a lane bending 100 degrees away from the heading, or a neighbour lane 120 degrees off, is not wrong way
    criteria = LeaderboardCriteria(straight_route())
    drive(criteria, frame_options=lambda x: {"lane": (1, -1) if x < 50 or x >= 100 else (3, -1),
                                              "lane_yaw": 100.0 if 50.0 <= x < 100.0 else 0.0})
    assert criteria.score().outside_lanes_percentage == 0.0
    criteria = LeaderboardCriteria(straight_route())
    drive(criteria, frame_options=lambda x: {"lane": (1, -1) if x < 50 or x >= 100 else (1, 1),
                                              "lane_yaw": 155.0 if 50.0 <= x < 100.0 else 0.0})
    assert criteria.score().outside_lanes_percentage == pytest.approx(100.0 * 50.0 / 198.0)


def test_leaving_the_route_ends_the_run():
    criteria = LeaderboardCriteria(straight_route())
    events = drive(criteria, lateral=lambda x: 0.0 if x < 50.0 else (x - 50.0) * 2.0)
    assert [e.kind for e in events] == ["route_dev"]
    score = criteria.score()
    assert criteria.ended and score.status.startswith("Failed - deviated from the route by 3")
    assert score.infraction_penalty == 1.0
    assert score.driving_score == score.route_completion < 100.0


def test_driving_parallel_to_the_route_over_15_m_off_ends_it_after_30_percent():
    criteria = LeaderboardCriteria(straight_route())
    events = drive(criteria, lateral=lambda x: 0.0 if x < 20.0 else 20.0)
    assert [e.kind for e in events] == ["route_dev"]
    # 20 m off from x = 20 on (the closest route point: the later of two equally near ones); the run ends
    # once over 59.7 m (30 % of 199 m) of route have been passed there: 60 points, at route point 80
    assert events[0].x == 79.5
    assert criteria.score().status.startswith("Failed - drove more than 30% of the route length")


def test_standing_still_for_over_180_seconds_ends_the_run():
    criteria = LeaderboardCriteria(straight_route(), timeout_s=1000.0)
    events = drive(criteria, speed_at=lambda x, tick: 10.0 if x < 20.0 else 0.0)
    assert [e.kind for e in events] == ["vehicle_blocked"]
    blocked = events[0]
    # last tick at speed: 1.90 s; blocked once more than 180 s have passed since
    assert blocked.time_s == pytest.approx(1.90 + 180.05)
    assert criteria.score().route_completion == pytest.approx(100.0 * 19.0 / 199.0)
    assert criteria.score().driving_score == criteria.score().route_completion


def test_route_timeout_follows_the_route_length():
    criteria = LeaderboardCriteria(straight_route())
    assert criteria.timeout_s == int(0.8 * 199.0 + 5.0) == 164
    events = drive(criteria, speed=1.0)
    assert [e.kind for e in events] == ["route_timeout"]
    assert events[0].time_s == pytest.approx(164.05)


def test_completion_needs_over_99_percent_and_the_end_within_10_m():
    # stopping 15 m short of a 2 km route: 99.25 % of it passed, but the destination is not reached
    criteria = LeaderboardCriteria(straight_route(2001), timeout_s=10_000.0)
    events = drive(criteria, speed_at=lambda x, tick: 10.0 if x < 1985.3 else 0.0, until_x=3000.0)
    score = criteria.score()
    assert [e.kind for e in events] == ["vehicle_blocked"]
    assert score.route_completion == pytest.approx(99.25) and score.status != "Completed"
    # stopping 0.5 m short of a 199 m route: over 99 % and within 10 m of the end
    criteria = LeaderboardCriteria(straight_route())
    drive(criteria, until_x=198.1)
    assert criteria.score().route_completion == 100.0 and criteria.score().status == "Completed"


def test_completion_advances_at_most_two_route_points_a_tick():
    criteria = LeaderboardCriteria(straight_route())
    criteria.update(EgoFrame(1, 0.05, 10.2, 0.0, 0.0, 10.0, 2.45, 1.05), ActorArrays.empty())
    assert criteria.route_index == 2
    criteria.update(EgoFrame(2, 0.10, 10.2, 0.0, 0.0, 10.0, 2.45, 1.05), ActorArrays.empty())
    assert criteria.route_index == 4


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
