import pytest

from envs.driving.contracts import LightColor
from planners.driving.decision import PathDecision, SpeedDecision
from planners.driving.rule_planner import BehaviourState, RuleBasedPlanner
from planners.protocol import Planner
from tests.planners.helpers import context, lane, light, pedestrian, vehicle


def decide(**changes):
    planner = RuleBasedPlanner()
    decision = planner.decide(context(**changes))
    return planner.state, decision.speed, decision.path, decision.explanation


def test_is_a_planner():
    assert isinstance(RuleBasedPlanner(), Planner)


def test_clear_road_below_the_limit_accelerates():
    state, speed, path, why = decide(speed=5.0)
    assert (state, speed, path) == (BehaviourState.CRUISE, SpeedDecision.ACCELERATE, PathDecision.FOLLOW_LANE)
    assert "40 km/h" in why and "go straight through the junction" in why


def test_at_the_limit_keeps_speed():
    assert decide(speed=11.0)[1:3] == (SpeedDecision.KEEP, PathDecision.FOLLOW_LANE)


def test_red_light_within_braking_reach_stops():
    state, speed, path, why = decide(light=light(LightColor.RED, 20.0))
    assert (state, speed, path) == (BehaviourState.STOP_AT_LIGHT, SpeedDecision.STOP, PathDecision.FOLLOW_LANE)
    assert why == "The light ahead is red; stopping at the line 18 m ahead."


def test_far_red_light_does_not_stop_the_car_yet():
    assert decide(light=light(LightColor.RED, 80.0))[0] == BehaviourState.CRUISE


def test_committed_yellow_crossing_keeps_going():
    state, speed, _, why = decide(light=light(LightColor.YELLOW, 8.0), light_plan="go")
    assert (state, speed) == (BehaviourState.CRUISE, SpeedDecision.KEEP) and "clearing the junction" in why


def test_pedestrian_in_path_comes_first():
    state, speed, _, why = decide(agents=[pedestrian(9.0)], light=light(LightColor.GREEN, 30.0))
    assert (state, speed) == (BehaviourState.YIELD, SpeedDecision.STOP)
    assert why == "A pedestrian is crossing in my path 9 m ahead; stopping to yield."


def test_stopped_vehicle_for_long_with_clear_opposite_lane_is_passed():
    state, speed, path, why = decide(agents=[vehicle(8.0)], lead_stopped_for_s=7.0, speed=0.0)
    assert (state, speed, path) == (BehaviourState.BORROW, SpeedDecision.ACCELERATE, PathDecision.LEFT_BORROW)
    assert "has not moved for 7 s" in why


@pytest.mark.parametrize("changes", [
    {"lead_stopped_for_s": 3.0},  # not long enough
    {"lane": lane(left_clear=False)},  # oncoming traffic
    {"junction_ahead_m": 20.0},  # too close to a junction
    {"light": light(LightColor.RED, 30.0)},  # it is queueing at a light
])
def test_no_borrow_when_unsafe_or_pointless(changes):
    values = {"agents": [vehicle(5.0)], "lead_stopped_for_s": 7.0, "speed": 0.0, **changes}
    assert decide(**values)[2] == PathDecision.FOLLOW_LANE


def test_borrow_ends_once_the_obstacle_is_passed():
    planner = RuleBasedPlanner()
    planner.decide(context(agents=[vehicle(8.0)], lead_stopped_for_s=7.0, speed=0.0))
    assert planner.state == BehaviourState.BORROW
    decision = planner.decide(context(agents=[], speed=6.0))
    assert decision.path == PathDecision.FOLLOW_LANE and "returning to my lane" in decision.explanation


def test_following_a_slower_vehicle_that_is_close_slows_down():
    state, speed, path, _ = decide(agents=[vehicle(8.0, speed=3.0)], speed=8.0)
    assert (state, speed, path) == (BehaviourState.FOLLOW, SpeedDecision.DECELERATE, PathDecision.FOLLOW_LANE)


def test_waiting_behind_a_stopped_vehicle():
    assert decide(agents=[vehicle(4.0)], speed=0.0)[:2] == (BehaviourState.FOLLOW, SpeedDecision.STOP)


def test_route_lane_change_when_clear_and_waits_when_not():
    assert decide(lane=lane(offset_from_route=1, left_lane="same"))[1:3] == (SpeedDecision.KEEP,
                                                                             PathDecision.LEFT_CHANGE)
    assert decide(lane=lane(offset_from_route=-1, right_lane="same"))[2] == PathDecision.RIGHT_CHANGE
    assert decide(lane=lane(offset_from_route=-1, right_lane="same", right_clear=False))[1:3] == (
        SpeedDecision.DECELERATE, PathDecision.FOLLOW_LANE)


def test_instruction_to_overtake_uses_a_clear_left_lane():
    state, speed, path, why = decide(agents=[vehicle(12.0, speed=5.0)], lane=lane(left_lane="same"),
                                     instruction="overtake the car ahead")
    assert (state, speed, path) == (BehaviourState.CHANGE_LANE, SpeedDecision.ACCELERATE, PathDecision.LEFT_CHANGE)
    assert "as asked" in why


def test_instruction_to_overtake_borrows_the_opposite_lane_when_that_is_all_there_is():
    assert decide(agents=[vehicle(12.0, speed=2.0)], instruction="please overtake")[2] == PathDecision.LEFT_BORROW


def test_instruction_to_stop():
    state, speed, _, why = decide(instruction="stop at the next junction")
    assert (state, speed) == (BehaviourState.STOP_ON_REQUEST, SpeedDecision.STOP)
    assert why == "Stopping as asked ('stop at the next junction')."
