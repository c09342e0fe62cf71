"""The motion planner on a straight road with our bicycle model (no traffic simulator)."""

import math

import numpy as np
import pytest

from envs.driving.contracts import ActorArrays, DrivingObservation, EgoState, GroundTruth, LightColor, LightState
from envs.driving.routing import DenseRoute, RoadOption
from envs.driving.sim.ego import KinematicBicycle
from planners.driving.decision import Decision, PathDecision, SpeedDecision
from planners.driving.motion import MotionPlanner, lane_continuous_reference

ACCELERATE = Decision(speed=SpeedDecision.ACCELERATE, path=PathDecision.FOLLOW_LANE, explanation="go")


def straight_route(length: int = 300, jump_at: int | None = None) -> DenseRoute:
    x = np.arange(length, dtype=float)
    y = np.zeros(length)
    command = np.zeros(length, int)
    if jump_at is not None:
        y[jump_at + 1:] = 3.5  # a lane change to the right (CARLA's y points right)
        command[jump_at + 1:] = RoadOption.CHANGELANERIGHT
    xyz = np.stack([x, y, np.zeros(length)], axis=1)
    cumulative = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(xyz[:, :2], axis=0), axis=1))])
    return DenseRoute(xyz, np.zeros(length), command, np.zeros(length, int), cumulative)


def observe(car: KinematicBicycle, actors: ActorArrays, light: LightState | None = None, tick: int = 0):
    ego = EgoState(x=car.x, y=car.y, z=0.0, yaw=math.degrees(car.yaw), speed=car.speed, acceleration=0.0,
                   steer_angle=car.steer_angle, length=4.9, width=2.1, speed_limit=11.0)
    return DrivingObservation(tick=tick, time_s=tick * 0.05, map_name="straight", ego=ego,
                              route_index=max(int(math.floor(car.x)), 0), route_completion=0.0,
                              truth=GroundTruth(actors=actors, route_light=light))


def stopped_car_at(x: float) -> ActorArrays:
    return ActorArrays(("vehicle:parked",), np.array([0], np.int8), np.array([[x, 0.0]]), np.zeros(1), np.zeros(1),
                       np.array([[2.5, 1.0]]), ("lane",))


def test_route_lane_changes_become_lanes_of_a_continuous_reference():
    reference, right, lanes = lane_continuous_reference(straight_route(jump_at=100))
    assert np.allclose(reference[:, 1], 0.0)
    assert lanes[100] == 0 and lanes[101] == 1 and lanes[-1] == 1
    assert np.allclose(right, [[0.0, 1.0]])


def test_following_speed_leaves_room_to_stop():
    # 16 m of room, 3 m/s^2 comfort braking after a 0.6 s reaction: v = -1.8 + sqrt(1.8^2 + 2*3*16)
    assert MotionPlanner._following_speed(20.0, 0.0) == pytest.approx(-1.8 + math.sqrt(1.8 ** 2 + 96.0))
    assert MotionPlanner._following_speed(4.0, 0.0) == 0.0
    assert MotionPlanner._following_speed(10.0, 10.0) > MotionPlanner._following_speed(10.0, 0.0)


def test_drives_up_to_a_stopped_car_and_stops_behind_it():
    route = straight_route()
    planner = MotionPlanner(route)
    car = KinematicBicycle(0.0, 0.0, 0.0)
    world = stopped_car_at(120.0)
    for tick in range(1200):
        observation = observe(car, world, tick=tick)
        if tick % 10 == 0:
            planner.apply(ACCELERATE, observation, 3.5)
        car.step(planner.control(observation), 0.05)
        assert car.x + 2.45 < 120.0 - 2.5, "ran into the parked car"
    gap = (120.0 - 2.5) - (car.x + 2.45)
    assert abs(car.speed) < 0.05 and 1.0 < gap < 6.0
    assert planner.last_plan.limited_by in ("obstacle", "decision")
    assert abs(car.y) < 0.2


def test_lane_change_decision_moves_one_lane_right():
    route = straight_route()
    planner = MotionPlanner(route)
    car = KinematicBicycle(0.0, 0.0, 0.0, speed=8.0)
    change = Decision(speed=SpeedDecision.KEEP, path=PathDecision.RIGHT_CHANGE, explanation="change")
    planner.apply(change, observe(car, ActorArrays.empty()), 3.5)
    for tick in range(200):
        observation = observe(car, ActorArrays.empty(), tick=tick)
        car.step(planner.control(observation), 0.05)
    assert car.y == pytest.approx(3.5, abs=0.3) and abs(math.degrees(car.yaw)) < 3.0
    assert planner.ego_lane(observe(car, ActorArrays.empty())) == 1


def light_at(distance: float, color: LightColor) -> LightState:
    return LightState(id="tls:lane", color=color, x=distance, y=0.0, yaw=0.0, distance=distance)


@pytest.mark.parametrize("distance, speed, color, plan", [
    (40.0, 10.0, LightColor.YELLOW, "stop"),  # 1.4 m/s^2 is enough
    (8.0, 12.0, LightColor.YELLOW, "go"),  # would need 20 m/s^2; clears the line in 0.8 s
    (30.0, 10.0, LightColor.RED, "stop"),
    (30.0, 10.0, LightColor.GREEN, None),
])
def test_light_plan_is_chosen_once(distance, speed, color, plan):
    planner = MotionPlanner(straight_route())
    car = KinematicBicycle(0.0, 0.0, 0.0, speed=speed)
    assert planner.light_plan(observe(car, ActorArrays.empty(), light_at(distance, color))) == plan
    if plan is not None:  # committed: still the same a moment later, whatever the numbers say now
        slower = KinematicBicycle(0.0, 0.0, 0.0, speed=1.0)
        assert planner.light_plan(observe(slower, ActorArrays.empty(), light_at(distance - 1, color))) == plan
        planner.light_plan(observe(slower, ActorArrays.empty(), light_at(distance - 1, LightColor.GREEN)))
        assert "tls:lane" not in planner.snapshot()["light_plans"]
